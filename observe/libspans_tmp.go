package observe

import (
	"net/http"
	"os"
	"strings"

	"github.com/pigello-facade/pigello-facade/upstream"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	noopmetric "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/stats"
)

// Variant is a temporary A/B switch.
func Variant(piece string) bool {
	return strings.Contains(os.Getenv("PF_VARIANT"), piece) || os.Getenv("PF_VARIANT") == "lib"
}

func useSDK(t *Tracing) {
	if os.Getenv("PF_PROVIDER") == "sdk" {
		if _, ok := t.provider.(idProvider); ok {
			t.provider = sdktrace.NewTracerProvider()
		}
	}
}

func (t *Tracing) GRPCStatsHandler() stats.Handler {
	useSDK(t)
	return otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(t.provider),
		otelgrpc.WithPropagators(t.propagator),
		otelgrpc.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	)
}

func (t *Tracing) LibHTTPHandler(next http.Handler) http.Handler {
	useSDK(t)
	return otelhttp.NewHandler(next, "",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelhttp.WithFilter(func(r *http.Request) bool {
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
				return false
			}
			return true
		}),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return methodLabel(r.Method) }),
	)
}

func (t *Tracing) Transport(base http.RoundTripper) http.RoundTripper {
	useSDK(t)
	return otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return spanName(r.Method) }),
	)
}

func RequestIDHook() upstream.RequestHook {
	return func(r *http.Request) func(int, error) {
		if id := RequestIDFromContext(r.Context()); id != "" {
			r.Header.Set(RequestIDHeader, id)
		}
		return func(int, error) {}
	}
}

// HandHook is UpstreamHook with the provider switch.
func (t *Tracing) HandHook() upstream.RequestHook { useSDK(t); return t.UpstreamHook() }
func (t *Tracing) HandHTTP(next http.Handler) http.Handler { useSDK(t); return t.HTTPHandler(next) }
