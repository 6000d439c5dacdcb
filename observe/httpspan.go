package observe

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	noopmetric "go.opentelemetry.io/otel/metric/noop"
)

// HTTPHandler wraps the HTTP server's handler in otelhttp's: each request
// gets a server span that continues the caller's trace from its traceparent
// header, named after the method until Metrics.HTTPHandler names it after
// the route, with the status code sent. Probes and scrapes make no spans;
// otelhttp's metrics are off, the facade's own are Prometheus's (Metrics).
func (t *Tracing) HTTPHandler(next http.Handler) http.Handler {
	return otelhttp.NewHandler(next, "",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelhttp.WithFilter(notProbe),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return methodLabel(r.Method) }),
	)
}

// notProbe is false for the requests of probes and scrapes.
func notProbe(r *http.Request) bool {
	switch r.URL.Path {
	case "/healthz", "/readyz", "/metrics":
		return false
	}
	return true
}
