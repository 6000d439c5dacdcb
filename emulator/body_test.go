package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestBodyParsing(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		body        string
		contentType string // "-" sends none
		status      int
		want        string
	}{
		{"text/plain", "PATCH", `{"name": "x"}`, "text/plain", 415, `{"detail": "Unsupported media type \"text/plain\" in request."}`},
		{"parameters quoted whole", "PATCH", `{"name": "x"}`, "text/plain; charset=utf-8", 415, `{"detail": "Unsupported media type \"text/plain; charset=utf-8\" in request."}`},
		{"form", "POST", `name=x`, "application/x-www-form-urlencoded", 415, `{"detail": "Unsupported media type \"application/x-www-form-urlencoded\" in request."}`},
		{"no content type", "PATCH", `{"name": "x"}`, "-", 415, `{"detail": "Unsupported media type \"\" in request."}`},
		{"json with charset", "PATCH", `{"name": "x"}`, "application/json; charset=utf-8", 200, ""},
		{"json in capitals", "PATCH", `{"name": "x"}`, "Application/JSON", 200, ""},
		{"empty body is an empty object", "PATCH", "", "-", 200, ""},
		{"empty body on create", "POST", "", "-", 400, `{"name": ["This field is required."]}`},
		{"list", "PATCH", `[{"name": "x"}]`, "", 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}`},
		{"string", "PATCH", `"x"`, "", 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}`},
		{"int", "POST", `12`, "", 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}`},
		{"float", "PATCH", `1.5`, "", 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got float."]}`},
		{"bool", "PATCH", ` true `, "", 400, `{"non_field_errors": ["Invalid data. Expected a dictionary, but got bool."]}`},
		{"null", "PATCH", `null`, "", 400, `{"non_field_errors": ["This field may not be null."]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			path := collection
			if tt.method == "PATCH" {
				path = firstDemo(f)
			}
			resp := f.call(t, tt.method, path, tt.body, contentType(tt.contentType))
			if tt.want == "" {
				if resp.status != tt.status {
					t.Errorf("status = %d, want %d (body %s)", resp.status, tt.status, resp.body)
				}
				return
			}
			resp.check(t, tt.status, tt.want)
		})
	}
}

func TestMalformedJSON(t *testing.T) {
	bodies := []string{`{`, `{"name": }`, `{"name": "x"} {}`, `{'name': 'x'}`, `{"name": NaN}`, "{\"name\": \"\xff\"}", "\xef\xbb\xbf{}"}
	for _, body := range bodies {
		t.Run(body, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			resp := f.call(t, "PATCH", firstDemo(f), body)
			if resp.status != 400 {
				t.Errorf("status = %d, want 400", resp.status)
			}
			detail, _ := resp.object(t)["detail"].(string)
			if !strings.HasPrefix(detail, "JSON parse error - ") || len(detail) == len("JSON parse error - ") {
				t.Errorf(`detail = %q, want "JSON parse error - <reason>"`, detail)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := setup(t, emulator.Config{})
	body := `{"name": "` + strings.Repeat("x", 1<<20) + `"}`
	resp := f.call(t, "PATCH", firstDemo(f), body)
	resp.check(t, 413, `{"detail": "Request body too large: the emulator accepts at most 1 MiB."}`)

	reqs := f.emu.Requests()
	if got := len(reqs[len(reqs)-1].Body); got != 1<<20 {
		t.Errorf("recorded body is %d bytes, want 1 MiB", got)
	}
}

// A 404 for an unknown record comes before the body is looked at, as in
// DRF, where get_object runs before request.data is parsed.
func TestUnknownRecordBeforeBody(t *testing.T) {
	f := setup(t, emulator.Config{})
	resp := f.call(t, "PATCH", unknownRecord(f), "oops", contentType("text/plain"))
	resp.check(t, 404, notFound)
}

func contentType(ct string) func(r *http.Request) {
	return func(r *http.Request) {
		switch ct {
		case "":
		case "-":
			r.Header.Del("Content-Type")
		default:
			r.Header.Set("Content-Type", ct)
		}
	}
}
