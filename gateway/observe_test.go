package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/observe"
)

func TestHeaderMatchers(t *testing.T) {
	in := []struct {
		header string
		want   string // "" means not forwarded
		creds  bool
	}{
		{"X-Request-Id", "x-request-id", false},
		{"Grpc-Metadata-X-Request-Id", "", false},
		{"Grpc-Metadata-Traceparent", "", false},
		{"Grpc-Metadata-Tracestate", "", false},
		{"Grpc-Metadata-Baggage", "", false},
		{"Traceparent", "", false}, // the connection's stats handler sends the trace on
		{"Grpc-Metadata-Custom", "", false},
		{"X-Pigello-Client-Secret", "", false},
		{"X-Pigello-Client-Secret", "x-pigello-client-secret", true},
	}
	for _, tt := range in {
		got, ok := headerMatcher(tt.creds)(tt.header)
		if (tt.want == "") == ok || got != tt.want {
			t.Errorf("headerMatcher(%v)(%q) = %q, %v; want %q", tt.creds, tt.header, got, ok, tt.want)
		}
	}
	if key, ok := outgoingHeaderMatcher("x-request-id"); ok {
		t.Errorf("outgoingHeaderMatcher(x-request-id) = %q, true; want it dropped (X-Request-Id is set once already)", key)
	}
	if key, ok := outgoingHeaderMatcher("other"); !ok || key != "Grpc-Metadata-other" {
		t.Errorf("outgoingHeaderMatcher(other) = %q, %v; want Grpc-Metadata-other", key, ok)
	}
}

type refuseAll struct{}

func (refuseAll) Check(string) error { return auth.ErrMissingToken }

// TestMetricsOpen checks /metrics is served without a token when tokens
// guard the API, and that every answer has one X-Request-Id.
func TestMetricsOpen(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("up 1\n")) })
	h, err := New(context.Background(), unimplemented{}, Options{Tokens: refuseAll{}, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/metrics": 200, "/healthz": 200, "/v1/workEngagements/x": 401} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != want {
			t.Errorf("GET %s without a token = %d, want %d", path, w.Code, want)
		}
		if ids := w.Result().Header.Values(observe.RequestIDHeader); len(ids) != 1 {
			t.Errorf("GET %s: X-Request-Id %q, want one", path, ids)
		}
	}
}
