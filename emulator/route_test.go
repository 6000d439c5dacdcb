package emulator_test

import (
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
)

const notFound = `{"detail": "Not found."}`

func TestPaths(t *testing.T) {
	id := "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31" // the first demo record
	tests := []struct {
		name   string
		path   string
		status int
	}{
		{"demo record", collection + id + "/", 200},
		{"query is ignored", collection + id + "/?expand=all", 200},
		{"upper-case pk", collection + strings.ToUpper(id) + "/", 404},
		{"mixed-case pk", collection + "3F2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31/", 404},
		{"no trailing slash", collection + id, 404},
		{"double trailing slash", collection + id + "//", 404},
		{"extra segment", collection + id + "/extra/", 404},
		{"pk without hyphens", collection + strings.ReplaceAll(id, "-", "") + "/", 404},
		{"pk in braces", collection + "{" + id + "}/", 404},
		{"encoded slash", collection + id + "%2F", 404},
		{"encoded slash before pk", "/accounts/users/organization/workengagement%2F" + id + "/", 404},
		{"encoded pk character", collection + "%33f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31/", 404},
		{"dot-dot segment", collection + "../workengagement/" + id + "/", 404},
		{"dot-dot after pk", collection + id + "/../" + id + "/", 404},
		{"pk only in query", collection + "?pk=" + id, 405}, // the collection path is valid: GET is the wrong method
		{"pk only in query, no slash", "/accounts/users/organization/workengagement?pk=" + id, 404},
		{"encoded question mark", collection + "%3Fpk=" + id + "/", 404},
		{"unknown pk", collection + "11111111-2222-4333-8444-555555555555/", 404},
		{"other resource", "/accounts/users/organization/", 404},
		{"root", "/", 404},
		{"prefix only", "/accounts/", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			resp := f.call(t, "GET", tt.path, "")
			switch tt.status {
			case 200:
				if resp.status != 200 {
					t.Errorf("GET %s: status = %d, want 200 (body %s)", tt.path, resp.status, resp.body)
				}
			case 404:
				resp.check(t, 404, notFound)
			case 405:
				resp.check(t, 405, `{"detail": "Method \"GET\" not allowed."}`)
			}
		})
	}
}

// A path that matches no route is 404 before credentials are looked at, as
// with Django's URL resolver.
func TestUnmatchedPathNeedsNoCredentials(t *testing.T) {
	f := setup(t, emulator.Config{})
	resp := f.call(t, "GET", collection+"NOT-A-UUID/", "", withoutHeader("X-PIGELLO-CLIENT-SECRET"))
	resp.check(t, 404, notFound)
}

func TestMethodNotAllowed(t *testing.T) {
	tests := []struct {
		method    string
		path      string
		wantAllow string
	}{
		{"PUT", detailPath("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"), "GET, PATCH, DELETE"},
		{"POST", detailPath("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"), "GET, PATCH, DELETE"},
		{"HEAD", detailPath("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"), "GET, PATCH, DELETE"},
		{"OPTIONS", detailPath("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"), "GET, PATCH, DELETE"},
		{"PUT", detailPath("11111111-2222-4333-8444-555555555555"), "GET, PATCH, DELETE"},
		{"GET", collection, "POST"},
		{"PATCH", collection, "POST"},
		{"DELETE", collection, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			resp := f.call(t, tt.method, tt.path, "")
			if tt.method == "HEAD" {
				if resp.status != 405 {
					t.Errorf("status = %d, want 405", resp.status)
				}
			} else {
				resp.check(t, 405, `{"detail": "Method \"`+tt.method+`\" not allowed."}`)
			}
			if got := resp.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}
