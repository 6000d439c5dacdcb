package observe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// This benchmark keeps a hand-written piece of tracing honest against the
// library it replaces (bench/README.md, library choices): it does the same
// job the facade's way (span=hand) and the library's (span=library).
// Compare with benchstat:
//
//	go test -run '^$' -bench 'NoExport|UpstreamSpan' -count 10 ./observe/ > /tmp/spans.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /span /tmp/spans.txt
//
// The whole-call measurements behind the choice are in bench/README.md.

// BenchmarkNoExportProvider is one REST call's spans when nothing is
// exported, a server span continuing the caller's trace and a client span
// for Pigello carrying traceparent, under idProvider (hand) and under the
// SDK's provider without an exporter (library: recording spans no one
// takes).
func BenchmarkNoExportProvider(b *testing.B) {
	providers := []struct {
		name     string
		provider trace.TracerProvider
	}{
		{"span=hand", idProvider{}},
		{"span=library", sdktrace.NewTracerProvider()},
	}
	for _, p := range providers {
		b.Run(p.name, func(b *testing.B) {
			tr := &Tracing{provider: p.provider, propagator: newPropagator(), shutdown: func(context.Context) error { return nil }}
			hook := tr.UpstreamHook()
			h := tr.HTTPHandler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				out := httptest.NewRequestWithContext(r.Context(), http.MethodGet, "http://pigello.test/accounts/x/", nil)
				hook(out)(http.StatusOK, nil)
			}))
			in := httptest.NewRequest(http.MethodGet, "/v1/workEngagements/x", nil)
			in.Header.Set("Traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, in)
			}
		})
	}
}
