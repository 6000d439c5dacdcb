package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
)

// telemetry is the process's metrics registry and tracer provider, and what
// each server and client needs from them. The registry is the facade's own,
// not Prometheus's global one, so only what is registered here is served.
type telemetry struct {
	registry *prometheus.Registry
	metrics  *observe.Metrics
	tracing  *observe.Tracing
}

func newTelemetry(ctx context.Context, cfg Config) (*telemetry, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("app: metrics: %w", err)
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, fmt.Errorf("app: metrics: %w", err)
	}
	tr, err := observe.NewTracing(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	m, err := observe.NewMetrics(reg, observe.MetricsOptions{Exemplars: tr.Exporting()})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("app: %w", err), tr.Shutdown(ctx))
	}
	return &telemetry{registry: reg, metrics: m, tracing: tr}, nil
}

// unary are the interceptors that run before all others: the request id
// first, so every later one and every log line of the call has it.
func (t *telemetry) unary() []grpc.UnaryServerInterceptor {
	return append([]grpc.UnaryServerInterceptor{observe.UnaryRequestID()}, t.metrics.UnaryServerInterceptors()...)
}

func (t *telemetry) stream() []grpc.StreamServerInterceptor {
	return []grpc.StreamServerInterceptor{observe.StreamRequestID(), t.metrics.StreamServerInterceptor()}
}

// httpHandler wraps the gateway's handler: the span outermost, so the
// metrics middleware can name it after the route.
func (t *telemetry) httpHandler(h http.Handler) http.Handler {
	return t.tracing.HTTPHandler(t.metrics.HTTPHandler(h))
}

// metricsHandler serves the registry, or nothing with --metrics=false.
func (t *telemetry) metricsHandler(cfg Config) http.Handler {
	if !cfg.Metrics {
		return nil
	}
	return observe.MetricsHandler(t.registry)
}
