package upstream

import (
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
)

// TestPatchBody: the PATCH carries the caller's body as compact JSON, with
// its Content-Length, members in the caller's order and nulls kept.
func TestPatchBody(t *testing.T) {
	tests := []struct {
		name  string
		patch string
		want  string
	}{
		{"empty", `{}`, `{}`},
		{"one member", `{"name":"Consultant"}`, `{"name":"Consultant"}`},
		{"nulls and order kept", `{"organization": null, "custom_id" : "c", "color_code":null}`, `{"organization":null,"custom_id":"c","color_code":null}`},
		{"nested values", `{"template_notifications":[{ "kind" : "a" },null,{"x":[1,{"y":null}]}]}`, `{"template_notifications":[{"kind":"a"},null,{"x":[1,{"y":null}]}]}`},
		{"escaping as encoding/json does", `{"name":"\"q\" <b> & é\n` + "\u2028" + `"}`, `{"name":"\"q\" \u003cb\u003e \u0026 é\n\u2028"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
				body, err := io.ReadAll(r.Body)
				if err != nil {
					t.Errorf("reading request body: %v", err)
				}
				if string(body) != tt.want {
					t.Errorf("server received %s, want %s", body, tt.want)
				}
				if r.ContentLength != int64(len(tt.want)) {
					t.Errorf("Content-Length = %d, want %d", r.ContentLength, len(tt.want))
				}
				okFor(w, r)
			})
			if err := c.UpdateWorkEngagement(t.Context(), testID, json.RawMessage(tt.patch), new(object)); err != nil {
				t.Fatalf("UpdateWorkEngagement returned %v", err)
			}
		})
	}
}

// TestPatchInvalidJSONIsNotSent: a body that is not JSON fails before any
// request leaves.
func TestPatchInvalidJSONIsNotSent(t *testing.T) {
	var calls atomic.Int32
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	err := c.UpdateWorkEngagement(t.Context(), testID, json.RawMessage(`{"template_notifications":[{not json]}`), new(object))
	if err == nil {
		t.Fatal("UpdateWorkEngagement succeeded, want error")
	}
	if calls.Load() != 0 {
		t.Errorf("server saw %d requests, want 0", calls.Load())
	}
}
