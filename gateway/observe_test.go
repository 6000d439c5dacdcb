package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc/metadata"
)

func TestHeaderMatchers(t *testing.T) {
	in := []struct {
		header string
		want   string // "" means not forwarded
	}{
		{"X-Request-Id", "x-request-id"},
		{"Grpc-Metadata-X-Request-Id", ""},
		{"Grpc-Metadata-Traceparent", ""},
		{"Grpc-Metadata-Tracestate", ""},
		{"Grpc-Metadata-Baggage", ""},
		{"Traceparent", ""}, // the connection's stats handler sends the trace on
		{"Grpc-Metadata-Custom", ""},
		{"X-Pigello-Client-Secret", ""}, // only forwardCredentials passes it on
	}
	for _, tt := range in {
		got, ok := headerMatcher(tt.header)
		if (tt.want == "") == ok || got != tt.want {
			t.Errorf("headerMatcher(%q) = %q, %v; want %q", tt.header, got, ok, tt.want)
		}
	}
	if key, ok := outgoingHeaderMatcher("x-request-id"); ok {
		t.Errorf("outgoingHeaderMatcher(x-request-id) = %q, true; want it dropped (X-Request-Id is set once already)", key)
	}
	if key, ok := outgoingHeaderMatcher("other"); !ok || key != "Grpc-Metadata-other" {
		t.Errorf("outgoingHeaderMatcher(other) = %q, %v; want Grpc-Metadata-other", key, ok)
	}
}

// TestForwardCredentials: the seven credential headers, and no other
// X-Pigello-* header, reach the service as metadata under their lower-case
// names with every value as sent, those gRPC metadata could not carry on a
// wire included, so that the service can say they are malformed.
func TestForwardCredentials(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/v1/workEngagements/x", nil)
	want := metadata.MD{}
	for _, k := range upstream.CredentialList() {
		r.Header.Set(k.Header, "value of "+k.Header)
		want[strings.ToLower(k.Header)] = []string{"value of " + k.Header}
	}
	r.Header.Set("X-Pigello-Client-Ct", "ct\twith-tab")
	want["x-pigello-client-ct"] = []string{"ct\twith-tab"}
	r.Header.Add("X-Pigello-Service-Id", "again")
	want["x-pigello-service-id"] = append(want["x-pigello-service-id"], "again")
	r.Header.Set("X-Pigello-Something-Else", "not a credential")
	if diff := cmp.Diff(want, forwardCredentials()(r.Context(), r)); diff != "" {
		t.Errorf("forwarded metadata mismatch (-want +got):\n%s", diff)
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
