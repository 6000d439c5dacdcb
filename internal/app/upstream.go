package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/server"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// newUpstream builds the one Pigello client of the process, with the retry,
// concurrency and breaker policies of the configuration. Each exchange is
// traced, carries the call's request id, and is measured; the client's own
// counters are registered with the metrics.
func newUpstream(cfg Config, logger *slog.Logger, tel *telemetry) (*upstream.Client, error) {
	opts := []upstream.Option{
		upstream.WithUserAgent("pigello-facade/" + version),
		upstream.WithObserver(observer(logger, tel.metrics)),
		upstream.WithRequestHook(tel.tracing.UpstreamHook()),
		upstream.WithRetryPolicy(cfg.Upstream.Retry),
		upstream.WithAttemptTimeout(cfg.Upstream.AttemptTimeout),
		upstream.WithLimiter(cfg.Upstream.Limiter),
		upstream.WithBreaker(cfg.Upstream.Breaker),
	}
	if cfg.CredentialsFromMetadata {
		opts = append(opts, upstream.WithCredentialsFromContext())
	} else {
		opts = append(opts, upstream.WithCredentials(cfg.Credentials))
	}
	client, err := upstream.New(cfg.PigelloBaseURL, upstream.NewHTTPClient(), opts...)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if err := tel.registry.Register(newUpstreamCollector(client)); err != nil {
		return nil, fmt.Errorf("app: metrics: %w", err)
	}
	return client, nil
}

// observer feeds each Pigello exchange to the call's log line and the
// metrics, and logs every retry, so an operator sees Pigello's trouble even
// when retries hide it.
func observer(logger *slog.Logger, m *observe.Metrics) func(context.Context, upstream.Event) {
	return func(ctx context.Context, e upstream.Event) {
		server.ObserveUpstream(ctx, e)
		m.UpstreamExchange(ctx, e.Operation, e.StatusCode, e.Duration, e.Attempt)
		if e.Retrying {
			logger.WarnContext(ctx, "retrying Pigello request", "operation", e.Operation,
				"attempt", e.Attempt, "upstream_status", e.StatusCode, "retry_in", e.RetryIn, "error", errText(e.Err))
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
