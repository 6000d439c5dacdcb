package observe

import (
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	noopmetric "go.opentelemetry.io/otel/metric/noop"
	"google.golang.org/grpc/stats"
)

// GRPCStatsHandler is otelgrpc's server handler (grpc.StatsHandler): each
// gRPC call gets a server span that continues the caller's trace from its
// traceparent metadata, named after the method
// ("pigello.accounts.v1.WorkEngagementService/GetWorkEngagement"), with the
// status code the caller got (rpc.response.status_code), an error status
// only for codes that mean the server failed. It runs before every
// interceptor, so they and every log line see the span. Health checks,
// which probes send every few seconds, make no spans; otelgrpc's metrics
// are off, the facade's own are Prometheus's (Metrics).
func (t *Tracing) GRPCStatsHandler() stats.Handler {
	return otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(t.provider),
		otelgrpc.WithPropagators(t.propagator),
		otelgrpc.WithMeterProvider(noopmetric.NewMeterProvider()),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	)
}
