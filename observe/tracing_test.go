package observe

import (
	"bytes"
	"context"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/upstream"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestTracingConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    TracingConfig
		wantErr string
	}{
		{"nothing set: no export", nil, TracingConfig{}, ""},
		{"none", map[string]string{"OTEL_TRACES_EXPORTER": "none"}, TracingConfig{}, ""},
		{"endpoint alone means otlp", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"},
			TracingConfig{Exporters: []string{"otlp"}}, ""},
		{"traces endpoint alone means otlp", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"},
			TracingConfig{Exporters: []string{"otlp"}}, ""},
		{"none wins over an endpoint", map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"},
			TracingConfig{}, ""},
		{"a list, with the grpc protocol", map[string]string{"OTEL_TRACES_EXPORTER": " OTLP, console ", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			TracingConfig{Exporters: []string{"otlp", "console"}, Protocol: "grpc"}, ""},
		{"the traces protocol wins", map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
			"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, TracingConfig{Exporters: []string{"otlp"}, Protocol: "http/protobuf"}, ""},
		{"SDK disabled", map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, TracingConfig{}, ""},
		{"unknown exporter", map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, TracingConfig{}, `unsupported exporter "zipkin"`},
		{"unknown protocol", map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			TracingConfig{}, `unsupported protocol "http/json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TracingConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("TracingConfigFromEnv returned %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("TracingConfigFromEnv returned %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(TracingConfig{}, "Console")); diff != "" {
				t.Errorf("TracingConfigFromEnv mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
)

// TestTracingPropagates sends a request with a traceparent through
// HTTPHandler to a handler that calls a backend through UpstreamHook: the
// backend must see the caller's trace id with another parent span id,
// although nothing is exported.
func TestTracingPropagates(t *testing.T) {
	tr, err := NewTracing(t.Context(), TracingConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Shutdown(context.Background())
	var got string
	pigello := pigelloClient(t, tr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Traceparent")
		w.WriteHeader(http.StatusNotFound)
	}))
	front := tr.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = pigello.GetWorkEngagement(r.Context(), testPK, new(any))
	}))
	r := httptest.NewRequest(http.MethodGet, "/v1/x", nil)
	r.Header.Set("traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	front.ServeHTTP(httptest.NewRecorder(), r)

	parts := strings.Split(got, "-")
	if len(parts) != 4 || parts[1] != callerTrace || parts[2] == callerSpan || parts[3] != "01" {
		t.Errorf("backend received traceparent %q, want trace %s with a new parent span, sampled", got, callerTrace)
	}
}

// TestTracingExportsOnShutdown checks the OTLP/HTTP exporter is chosen by
// the configuration and that Shutdown sends the spans it still holds.
func TestTracingExportsOnShutdown(t *testing.T) {
	collector := testkit.NewCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	cfg, err := TracingConfigFromEnv(func(k string) string {
		if k == "OTEL_EXPORTER_OTLP_ENDPOINT" {
			return collector.URL
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTracing(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := tr.HTTPHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/x", nil))
	if err := tr.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown returned %v", err)
	}
	var names []string
	for _, span := range collector.Spans() {
		names = append(names, span.GetName())
	}
	if !slices.Contains(names, "GET") {
		t.Errorf("collector received spans %q, want the request's span", names)
	}
}

// TestSpansRecordOutcome exports a REST request's server span and the client
// span of the request it makes, both answered 503: each records the status
// code and is marked as an error, and the client span is the server span's
// child.
func TestSpansRecordOutcome(t *testing.T) {
	collector := testkit.NewCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	tr, err := NewTracing(t.Context(), TracingConfig{Exporters: []string{"otlp"}})
	if err != nil {
		t.Fatal(err)
	}
	pigello := pigelloClient(t, tr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	front := tr.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := pigello.GetWorkEngagement(r.Context(), testPK, new(any)); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	front.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/x", nil))
	if err := tr.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	byKind := map[tracepb.Span_SpanKind]*tracepb.Span{}
	for _, s := range collector.Spans() {
		byKind[s.GetKind()] = s
	}
	server, client := byKind[tracepb.Span_SPAN_KIND_SERVER], byKind[tracepb.Span_SPAN_KIND_CLIENT]
	if server == nil || client == nil {
		t.Fatalf("exported spans %v, want a server and a client span", collector.Spans())
	}
	if !bytes.Equal(client.GetParentSpanId(), server.GetSpanId()) {
		t.Error("the client span is not the server span's child")
	}
	for _, s := range []*tracepb.Span{server, client} {
		if s.GetStatus().GetCode() != tracepb.Status_STATUS_CODE_ERROR {
			t.Errorf("span %q has status %v, want an error", s.GetName(), s.GetStatus())
		}
		var code int64
		for _, a := range s.GetAttributes() {
			if a.GetKey() == "http.response.status_code" {
				code = a.GetValue().GetIntValue()
			}
		}
		if code != http.StatusServiceUnavailable {
			t.Errorf("span %q has http.response.status_code %d, want 503", s.GetName(), code)
		}
	}
}

// testPK is a well-formed work engagement id.
const testPK = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"

// pigelloClient is a Pigello client with tr's UpstreamHook, one attempt per
// call, in front of a server answering with h.
func pigelloClient(t *testing.T, tr *Tracing, h http.Handler) *upstream.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := upstream.New(srv.URL, upstream.NewHTTPClient(),
		upstream.WithCredentials(upstream.Credentials{
			ApplicationID: "a", ClientCT: "b", ClientEntity: "c", ClientSecret: "d",
			CustomerID: "e", ServiceID: "f", ServiceVersionID: "g",
		}),
		upstream.WithRetryPolicy(upstream.RetryPolicy{MaxAttempts: 1}),
		upstream.WithRequestHook(tr.UpstreamHook()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
