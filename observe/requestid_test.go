package observe

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestValidRequestID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"abc-123", true},
		{"A.b_c:d-9", true},
		{"3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"", false},
		{"has space", false},
		{"new\nline", false},
		{"semi;colon", false},
		{"slash/es", false},
		{"équipe", false},
	}
	for _, tt := range tests {
		if got := ValidRequestID(tt.id); got != tt.want {
			t.Errorf("ValidRequestID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestRequestIDFrom(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		keep   bool
	}{
		{"one valid", []string{"req-1"}, true},
		{"none", nil, false},
		{"empty", []string{""}, false},
		{"invalid", []string{"a b"}, false},
		{"two", []string{"req-1", "req-2"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := requestIDFrom(tt.values)
			if tt.keep {
				if got != tt.values[0] {
					t.Errorf("requestIDFrom(%q) = %q, want the caller's", tt.values, got)
				}
				return
			}
			if !generatedID.MatchString(got) {
				t.Errorf("requestIDFrom(%q) = %q, want 32 hex digits", tt.values, got)
			}
		})
	}
	if a, b := NewRequestID(), NewRequestID(); a == b {
		t.Errorf("NewRequestID returned %q twice", a)
	}
}

func TestUpstreamHookSendsRequestID(t *testing.T) {
	tr, err := newTracing(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	pigello := pigelloClient(t, tr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Values(RequestIDHeader)
		w.WriteHeader(http.StatusNotFound)
	}))

	pigello(ContextWithRequestID(t.Context(), "req-7"))
	if len(got) != 1 || got[0] != "req-7" {
		t.Errorf("server received X-Request-Id %q, want [req-7]", got)
	}
	pigello(t.Context())
	if len(got) != 0 {
		t.Errorf("without a request id the server received X-Request-Id %q, want none", got)
	}
}

func TestRequestIDHandler(t *testing.T) {
	tests := []struct {
		name string
		sent []string
		keep bool
	}{
		{"caller's", []string{"abc:1"}, true},
		{"invalid", []string{"a\tb"}, false},
		{"none", nil, false},
		{"two", []string{"x", "y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inner, forwarded string
			h := RequestIDHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inner = RequestIDFromContext(r.Context())
				forwarded = strings.Join(r.Header.Values(RequestIDHeader), ",")
				w.WriteHeader(http.StatusNoContent)
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, v := range tt.sent {
				r.Header.Add(RequestIDHeader, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			out := w.Result().Header.Values(RequestIDHeader)
			if len(out) != 1 {
				t.Fatalf("response X-Request-Id = %q, want one value", out)
			}
			if inner != out[0] || forwarded != out[0] {
				t.Errorf("context id %q, forwarded header %q, response %q: want all equal", inner, forwarded, out[0])
			}
			if tt.keep && out[0] != tt.sent[0] {
				t.Errorf("response X-Request-Id = %q, want the caller's %q", out[0], tt.sent[0])
			}
			if !tt.keep && !generatedID.MatchString(out[0]) {
				t.Errorf("response X-Request-Id = %q, want a generated one", out[0])
			}
		})
	}
}
