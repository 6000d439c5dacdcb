package observe

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
)

// Metrics are the facade's Prometheus metrics: gRPC calls (the
// go-grpc-middleware provider's grpc_server_* series), REST requests, calls
// in flight, and each exchange with Pigello.
type Metrics struct {
	grpc     *grpcprom.ServerMetrics
	inflight prometheus.Gauge

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec

	upstreamDuration *prometheus.HistogramVec
	upstreamRetries  *prometheus.CounterVec

	exemplars bool
}

// MetricsOptions configure NewMetrics.
type MetricsOptions struct {
	// Exemplars links samples to their sampled traces (trace_id exemplars
	// in OpenMetrics). Set it only when traces are exported: otherwise the
	// links lead nowhere, and making them cost about 30 allocations per
	// call (bench/README.md).
	Exemplars bool
}

// NewMetrics builds the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer, opts MetricsOptions) (*Metrics, error) {
	m := &Metrics{
		exemplars: opts.Exemplars,
		grpc:      grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram()),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pigello_facade_inflight_calls",
			Help: "Calls being handled, gRPC and REST alike (the gateway calls the service through the same interceptors).",
		}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_server_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, httpLabels),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_server_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, httpLabels),
		upstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pigello_upstream_request_duration_seconds",
			Help: "Duration of each HTTP exchange with Pigello (each attempt of a retried call is one), " +
				`by client operation and HTTP status ("error" when no response arrived).`,
			Buckets: prometheus.DefBuckets,
		}, []string{"operation", "status"}),
		upstreamRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pigello_upstream_retries_total",
			Help: "Attempts sent to Pigello after a call's first, by client operation.",
		}, []string{"operation"}),
	}
	var err error
	for _, c := range []prometheus.Collector{m.grpc, m.inflight, m.httpRequests, m.httpDuration, m.upstreamDuration, m.upstreamRetries} {
		err = errors.Join(err, reg.Register(c))
	}
	if err != nil {
		return nil, errors.Join(errors.New("observe: register metrics"), err)
	}
	return m, nil
}

// UnaryServerInterceptors count and time each unary call by method and code
// and track the calls in flight. They belong right after UnaryRequestID, so
// calls refused by later interceptors (tokens, validation) are counted too.
func (m *Metrics) UnaryServerInterceptors() []grpc.UnaryServerInterceptor {
	return []grpc.UnaryServerInterceptor{
		m.grpc.UnaryServerInterceptor(m.grpcOptions()...),
		func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			m.inflight.Inc()
			defer m.inflight.Dec()
			return handler(ctx, req)
		},
	}
}

// StreamServerInterceptor counts streaming calls (reflection, health Watch).
func (m *Metrics) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return m.grpc.StreamServerInterceptor(m.grpcOptions()...)
}

func (m *Metrics) grpcOptions() []grpcprom.Option {
	if !m.exemplars {
		return nil
	}
	return []grpcprom.Option{grpcprom.WithExemplarFromContext(exemplar)}
}

// InitializeGRPC creates every method's series at zero, so dashboards and
// alerts see a method before its first call. Call it once the services are
// registered on gs.
func (m *Metrics) InitializeGRPC(gs *grpc.Server) {
	m.grpc.InitializeMetrics(gs)
}

// UpstreamExchange records one HTTP exchange with Pigello: attempt n
// (1-based) of a call to operation, answered with status (0 if no response
// arrived) after took. The wiring feeds it the Pigello client's events.
func (m *Metrics) UpstreamExchange(ctx context.Context, operation string, status int, took time.Duration, n int) {
	label := "error"
	if status != 0 {
		label = strconv.Itoa(status)
	}
	m.observe(ctx, m.upstreamDuration.WithLabelValues(operation, label), took.Seconds())
	if n > 1 {
		m.upstreamRetries.WithLabelValues(operation).Inc()
	}
}

// exemplar links a sample to its trace, for backends that read OpenMetrics
// exemplars. Unsampled traces are not exported, so they are not linked.
func exemplar(ctx context.Context) prometheus.Labels {
	if sc := trace.SpanContextFromContext(ctx); sc.IsSampled() {
		return prometheus.Labels{"trace_id": sc.TraceID().String()}
	}
	return nil
}

func (m *Metrics) observe(ctx context.Context, o prometheus.Observer, v float64) {
	if eo, ok := o.(prometheus.ExemplarObserver); ok && m.exemplars {
		eo.ObserveWithExemplar(v, exemplar(ctx))
		return
	}
	o.Observe(v)
}

// MetricsHandler serves g's metrics in the Prometheus text format, or
// OpenMetrics (with trace exemplars) when the scraper asks for it. A few
// scrapes at once at most, each bounded in time, so /metrics cannot be
// turned into a way to load the process.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{
		EnableOpenMetrics:   true,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
}
