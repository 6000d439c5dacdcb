package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRESTCreate checks the POST Pigello receives for REST bodies: keys in
// either spelling, read-only keys ignored (AIP-203), and null, which is no
// value, left out.
func TestRESTCreate(t *testing.T) {
	env := setup(t)
	tests := []struct {
		name string
		body string
		want string // the exact POST body
	}{
		{"lowerCamel keys", `{"name": "A", "colorCode": "abc", "customId": "c"}`, `{"name":"A","custom_id":"c","color_code":"abc"}`},
		{"read-only keys ignored", `{"id": "junk", "name": "A", "tags": [1], "customer_columns": {"x": 1}, "created_at": "2024-01-01T00:00:00Z"}`, `{"name":"A"}`},
		{"null is no value", `{"name": "A", "color_code": null, "organization": null, "template_notifications": null}`, `{"name":"A"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			code, body := env.send(t, http.MethodPost, "/v1/workEngagements", strings.NewReader(tt.body))
			if code != http.StatusOK {
				t.Fatalf("POST returned %d %s, want 200", code, body)
			}
			if got := env.postBody(t); got != tt.want {
				t.Errorf("emulator received %s, want %s", got, tt.want)
			}
			if id, _ := jsonValue(t, body).(map[string]any)["id"].(string); id == "" || id == "junk" {
				t.Errorf("POST answered id %q, want Pigello's new one", id)
			}
		})
	}
}

// TestRESTCreateFromGetResult: a GET result POSTed as it is creates a copy:
// Pigello receives its writable fields only, and the copy differs from the
// original only in its read-only fields.
func TestRESTCreateFromGetResult(t *testing.T) {
	env := setup(t)
	_, original := env.send(t, http.MethodGet, workEngagementsPath(env.demo().full), nil)
	env.emu.ResetRequests()
	code, copied := env.send(t, http.MethodPost, "/v1/workEngagements", strings.NewReader(string(original)))
	if code != http.StatusOK {
		t.Fatalf("POST of a GET result returned %d %s, want 200", code, copied)
	}
	want := jsonValue(t, original).(map[string]any)
	got := jsonValue(t, copied).(map[string]any)
	for _, readOnly := range []string{"id", "tags", "customer_columns", "created_at"} {
		delete(want, readOnly)
		delete(got, readOnly)
	}
	if diff := cmp.Diff(any(want), jsonValue(t, []byte(env.postBody(t)))); diff != "" {
		t.Errorf("POST body mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the copy's writable fields differ from the original's (-original +copy):\n%s", diff)
	}
}
