package observe

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"go.opentelemetry.io/otel/trace"
)

func TestHTTPHandlerRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg, MetricsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/things/42" {
			SetRoute(r.Context(), "/v1/things/{id}")
			w.WriteHeader(http.StatusTeapot)
			return
		}
		http.NotFound(w, r)
	})
	h := m.HTTPHandler(mux)
	for _, target := range []string{"/healthz", "/v1/things/42", "/v1/nothing", "/elsewhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/v1/things/42", nil))

	tests := []struct{ method, route, code string }{
		{"GET", "/healthz", "200"},
		{"GET", "/v1/things/{id}", "418"},
		{"GET", "/v1/", "404"},
		{"GET", "unmatched", "404"},
		{"other", "/v1/things/{id}", "418"},
	}
	for _, tt := range tests {
		if got := testutil.ToFloat64(m.httpRequests.WithLabelValues(tt.method, tt.route, tt.code)); got != 1 {
			t.Errorf("http_server_requests_total{method=%q,route=%q,code=%q} = %v, want 1", tt.method, tt.route, tt.code, got)
		}
	}
	if n := testutil.CollectAndCount(m.httpRequests); n != len(tests) {
		t.Errorf("http_server_requests_total has %d series, want %d (no raw paths)", n, len(tests))
	}
	if n := testutil.CollectAndCount(m.httpDuration); n != len(tests) {
		t.Errorf("http_server_request_duration_seconds has %d series, want %d", n, len(tests))
	}
}

// TestExemplarsOnlyWhenAsked observes a Pigello exchange in a sampled trace:
// its bucket carries the trace id as exemplar only with Exemplars set.
func TestExemplarsOnlyWhenAsked(t *testing.T) {
	traceID, _ := trace.TraceIDFromHex(callerTrace)
	spanID, _ := trace.SpanIDFromHex(callerSpan)
	ctx := trace.ContextWithSpanContext(t.Context(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled,
	}))
	for _, want := range []bool{false, true} {
		m, err := NewMetrics(prometheus.NewRegistry(), MetricsOptions{Exemplars: want})
		if err != nil {
			t.Fatal(err)
		}
		m.UpstreamExchange(ctx, "GetWorkEngagement", 200, time.Millisecond, 1)
		var got dto.Metric
		if err := m.upstreamDuration.WithLabelValues("GetWorkEngagement", "200").(prometheus.Metric).Write(&got); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, b := range got.GetHistogram().GetBucket() {
			for _, l := range b.GetExemplar().GetLabel() {
				ids = append(ids, l.GetName()+"="+l.GetValue())
			}
		}
		if has := slices.Contains(ids, "trace_id="+callerTrace); has != want || (!want && len(ids) > 0) {
			t.Errorf("Exemplars %v: exemplar labels %q", want, ids)
		}
	}
}
