package app

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
)

// send makes one REST call and returns the HTTP status and body.
func (e *testEnv) send(t *testing.T, method, path string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(callCtx(t), method, e.restURL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s returned %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s Content-Type = %q, want application/json", method, path, ct)
	}
	return resp.StatusCode, b
}

// jsonValue parses b as any JSON value, for comparing documents.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body %q is not JSON: %v", b, err)
	}
	return v
}

func workEngagementsPath(id string) string { return "/v1/workEngagements/" + id }

func TestRESTGet(t *testing.T) {
	env := setup(t)
	d := env.demo()
	tests := []struct {
		name string
		id   string
		want string
	}{{
		name: "every field set",
		id:   strings.ToUpper(d.full),
		want: `{"id": "` + d.full + `", "name": "Full-time employment", "organization": {"id": "` + d.acme + `"},
			"custom_id": "WE-0001", "color_code": "1E90ff",
			"template_notifications": [{"id": "5e0c1f3a-8d2b-4b7e-9f4a-6c1d2e3f4a5b"}, {"id": "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}],
			"template_sms_notifications": [{"id": "9b8a7c6d-5e4f-4d3c-a2b1-0f9e8d7c6b5a"}], "template_email_notifications": [{}],
			"tags": [{"id": "2c4e6a8b-1d3f-4e5a-b7c9-0a2b4c6d8e0f", "name": "Priority"}],
			"customer_columns": {"cost_center": "4100", "headcount": 12}, "created_at": "2024-01-15T09:30:00.123456Z"}`,
	}, {
		name: "nulls as Pigello writes them",
		id:   d.empty,
		want: `{"id": "` + d.empty + `", "name": "Internship", "organization": null, "custom_id": null, "color_code": null,
			"template_notifications": [], "template_sms_notifications": [], "template_email_notifications": [],
			"tags": null, "customer_columns": null, "created_at": "2024-03-01T08:00:00Z"}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			code, body := env.send(t, "GET", workEngagementsPath(tt.id), nil)
			if code != http.StatusOK {
				t.Fatalf("GET returned %d %s, want 200", code, body)
			}
			if diff := cmp.Diff(jsonValue(t, []byte(tt.want)), jsonValue(t, body)); diff != "" {
				t.Errorf("GET body mismatch (-want +got):\n%s", diff)
			}
			if got := env.onlyRequest(t).Path; got != itemPath(strings.ToLower(tt.id)) {
				t.Errorf("emulator path = %q, want %q", got, itemPath(strings.ToLower(tt.id)))
			}
		})
	}
}

// TestRESTPatch checks the PATCH Pigello receives for REST bodies: the mask
// comes from the body's writable keys, and null clears.
func TestRESTPatch(t *testing.T) {
	env := setup(t)
	d := env.demo()
	tests := []struct {
		name  string
		query string
		body  string
		want  string // the exact PATCH body
	}{
		{"null clears the colour", "", `{"color_code": null}`, `{"color_code":null}`},
		{"lowerCamel key", "", `{"colorCode": "abc"}`, `{"color_code":"abc"}`},
		{"nested organization", "", `{"organization": {"id": "` + d.globex + `"}}`, `{"organization":{"id":"` + d.globex + `"}}`},
		{"explicit mask", "?update_mask=name", `{"name": "Kept", "custom_id": "ignored"}`, `{"name":"Kept"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			code, body := env.send(t, "PATCH", workEngagementsPath(d.full)+tt.query, strings.NewReader(tt.body))
			if code != http.StatusOK {
				t.Fatalf("PATCH returned %d %s, want 200", code, body)
			}
			if got := string(env.onlyRequest(t).Body); got != tt.want {
				t.Errorf("emulator received %s, want %s", got, tt.want)
			}
			// The answer is the stored object: it holds what was written.
			stored := jsonValue(t, body).(map[string]any)
			for key, sent := range jsonValue(t, []byte(tt.want)).(map[string]any) {
				if diff := cmp.Diff(sent, stored[key]); diff != "" {
					t.Errorf("PATCH answered %s diff (-sent +answered):\n%s", key, diff)
				}
			}
		})
	}
}

// TestRESTPatchGetResult: a GET result PATCHed back as it is succeeds, and
// Pigello receives only the writable keys.
func TestRESTPatchGetResult(t *testing.T) {
	env := setup(t)
	d := env.demo()
	_, got := env.send(t, "GET", workEngagementsPath(d.full), nil)
	env.emu.ResetRequests()
	code, updated := env.send(t, "PATCH", workEngagementsPath(d.full), strings.NewReader(string(got)))
	if code != http.StatusOK {
		t.Fatalf("PATCH of a GET result returned %d %s, want 200", code, updated)
	}
	want := jsonValue(t, got).(map[string]any)
	for _, readOnly := range []string{"id", "tags", "customer_columns", "created_at"} {
		delete(want, readOnly)
	}
	if diff := cmp.Diff(any(want), jsonValue(t, env.onlyRequest(t).Body)); diff != "" {
		t.Errorf("PATCH body mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(jsonValue(t, got), jsonValue(t, updated)); diff != "" {
		t.Errorf("PATCH returned diff from the GET result (-want +got):\n%s", diff)
	}
}

func TestRESTDelete(t *testing.T) {
	env := setup(t)
	path := workEngagementsPath(env.demo().empty)
	tests := []struct {
		name   string
		path   string
		status int
	}{
		{"existing", path, http.StatusOK},
		{"again", path, http.StatusNotFound},
		{"again with allow_missing", path + "?allow_missing=true", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := env.send(t, "DELETE", tt.path, nil)
			if code != tt.status {
				t.Fatalf("DELETE returned %d %s, want %d", code, body, tt.status)
			}
			if code == http.StatusOK && string(body) != "{}" {
				t.Errorf("DELETE returned body %s, want {}", body)
			}
			if code == http.StatusNotFound {
				st := restError(t, body, codes.NotFound, "PIGELLO_NOT_FOUND")
				assertUpstreamStatus(t, st, "404")
			}
		})
	}
}

// TestHealth: health endpoints answer from the facade's own state.
func TestHealth(t *testing.T) {
	env := setup(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		t.Run(path, func(t *testing.T) {
			code, body := env.send(t, "GET", path, nil)
			if code != http.StatusOK {
				t.Errorf("GET %s returned %d %s, want 200", path, code, body)
			}
		})
	}
	env.assertNoUpstream(t)
}
