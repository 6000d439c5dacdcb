package observe

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	noopmetric "go.opentelemetry.io/otel/metric/noop"
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

// BenchmarkUpstreamSpan is one Pigello GET made as the Pigello client makes
// it (the hook before the request is sent, its end once the body is closed),
// with its client span, traceparent and X-Request-Id from the request hook
// (UpstreamHook, hand), against the same from otelhttp's transport with
// metrics off plus a hook for X-Request-Id alone (library). The transport behind both answers at
// once, without a network, so only the client's own work is measured.
func BenchmarkUpstreamSpan(b *testing.B) {
	tr := &Tracing{provider: idProvider{}, propagator: newPropagator(), shutdown: func(context.Context) error { return nil }}
	requestID := func(r *http.Request) func(int, error) {
		if id := RequestIDFromContext(r.Context()); id != "" {
			r.Header.Set(RequestIDHeader, id)
		}
		return func(int, error) {}
	}
	variants := []struct {
		name string
		wrap func(http.RoundTripper) http.RoundTripper
		hook func(*http.Request) func(int, error)
	}{
		{"span=hand", func(rt http.RoundTripper) http.RoundTripper { return rt }, tr.UpstreamHook()},
		{"span=library", func(rt http.RoundTripper) http.RoundTripper {
			return otelhttp.NewTransport(rt, otelhttp.WithTracerProvider(tr.provider), otelhttp.WithPropagators(tr.propagator),
				otelhttp.WithMeterProvider(noopmetric.NewMeterProvider()),
				otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return spanName(r.Method) }))
		}, requestID},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			hc := &http.Client{Transport: v.wrap(answerAtOnce{})}
			ctx := ContextWithRequestID(b.Context(), "req-1")
			b.ReportAllocs()
			for b.Loop() {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://pigello.test/"+testPK+"/", nil)
				if err != nil {
					b.Fatal(err)
				}
				done := v.hook(req)
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				done(resp.StatusCode, nil)
			}
		})
	}
}

// answerAtOnce answers every request with an empty work engagement.
type answerAtOnce struct{}

func (answerAtOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(strings.NewReader(`{"id":"` + testPK + `"}`)),
		Request: r,
	}, nil
}
