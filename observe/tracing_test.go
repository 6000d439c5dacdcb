package observe

import (
	"bytes"
	"context"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// otelEnv are the variables that choose what tracing exports.
var otelEnv = []string{
	"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_SDK_DISABLED", "OTEL_TRACES_SAMPLER",
}

// newTracing is NewTracing in a process environment where, of otelEnv,
// only env is set; the tracing is shut down at cleanup.
func newTracing(t *testing.T, env map[string]string) (*Tracing, error) {
	t.Helper()
	for _, k := range otelEnv {
		t.Setenv(k, env[k])
	}
	tr, err := NewTracing(t.Context(), "test")
	if err == nil {
		t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	}
	return tr, err
}

func TestNewTracingFromEnv(t *testing.T) {
	const endpoint = "http://127.0.0.1:1"
	tests := []struct {
		name    string
		env     map[string]string
		export  bool
		wantErr string
	}{
		{name: "nothing set: no export"},
		{name: "none", env: map[string]string{"OTEL_TRACES_EXPORTER": "none"}},
		{name: "endpoint alone means otlp", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}, export: true},
		{name: "traces endpoint alone means otlp", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint + "/v1/traces"}, export: true},
		{name: "none wins over an endpoint", env: map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}},
		{name: "otlp over grpc", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, export: true},
		{name: "console", env: map[string]string{"OTEL_TRACES_EXPORTER": "console"}, export: true},
		{name: "SDK disabled", env: map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}},
		{name: "unknown exporter", env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, wantErr: `OTEL_TRACES_EXPORTER="zipkin"`},
		{name: "a list (autoexport takes one name)", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp,console"}, wantErr: `OTEL_TRACES_EXPORTER="otlp,console"`},
		{name: "unknown protocol", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"},
			wantErr: "invalid OTLP protocol"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := newTracing(t, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewTracing returned %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewTracing returned %v", err)
			}
			if tr.Exporting() != tt.export {
				t.Errorf("Exporting() = %v, want %v", tr.Exporting(), tt.export)
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
	tr, err := newTracing(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	pigello := pigelloClient(t, tr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Traceparent")
		w.WriteHeader(http.StatusNotFound)
	}))
	front := tr.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pigello(r.Context())
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
// the environment and that Shutdown sends the spans it still holds.
func TestTracingExportsOnShutdown(t *testing.T) {
	collector := testkit.NewCollector(t)
	tr, err := newTracing(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
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
	tr, err := newTracing(t, map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
	if err != nil {
		t.Fatal(err)
	}
	pigello := pigelloClient(t, tr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	front := tr.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pigello(r.Context())
		w.WriteHeader(http.StatusServiceUnavailable)
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

// pigelloClient returns a function that sends a GET to a server answering
// with h, through tr's UpstreamHook as the Pigello client calls it: before
// the request is sent, and once its body is closed.
func pigelloClient(t *testing.T, tr *Tracing, h http.Handler) func(ctx context.Context) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	hook := tr.UpstreamHook()
	return func(ctx context.Context) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/"+testPK+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		done := hook(req)
		resp, err := srv.Client().Do(req)
		if err != nil {
			done(0, err)
			return
		}
		_ = resp.Body.Close()
		done(resp.StatusCode, nil)
	}
}
