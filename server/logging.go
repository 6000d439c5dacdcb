package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// call collects what one RPC's log line reports beyond its code.
// Handlers and the upstream observer run on the RPC's goroutine, so it needs
// no lock.
type call struct {
	upstreamStatus int
	err            error
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// ObserveUpstream records Pigello's answer for the call's log line. Pass it
// to upstream.WithObserver.
func ObserveUpstream(ctx context.Context, e upstream.Event) {
	if c := callFrom(ctx); c != nil {
		c.upstreamStatus = e.StatusCode
	}
}

// noteError keeps the underlying error for the log: callers get a sanitized
// message, operators get the cause.
func noteError(ctx context.Context, err error) {
	if c := callFrom(ctx); c != nil {
		c.err = err
	}
}

// LoggingInterceptor writes one line per call: method, code, duration, and
// Pigello's status when Pigello was called. It logs with the call's context,
// so a logger from observe.Logger adds the call's request_id and trace_id.
// It never logs request contents, so no credential or personal data reaches
// the log.
func LoggingInterceptor(logger *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		c := &call{}
		resp, err := handler(context.WithValue(ctx, callKey{}, c), req)
		st := status.Convert(err)
		attrs := []slog.Attr{
			slog.String("method", info.FullMethod),
			slog.String("code", st.Code().String()),
			slog.Duration("duration", time.Since(start)),
		}
		if c.upstreamStatus != 0 {
			attrs = append(attrs, slog.Int("upstream_status", c.upstreamStatus))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", errorText(c.err, st)))
		}
		logger.LogAttrs(ctx, callLevel(info.FullMethod, st.Code(), c), "rpc", attrs...)
		return resp, err
	}
}

func errorText(cause error, st *status.Status) string {
	if cause != nil {
		return cause.Error()
	}
	return st.Message()
}

// callLevel keeps health probes out of the default log and raises what an
// operator has to act on.
func callLevel(method string, code codes.Code, c *call) slog.Level {
	switch {
	case method == healthpb.Health_Check_FullMethodName:
		return slog.LevelDebug
	case c.upstreamStatus == 401:
		// The facade's own Pigello credentials were refused.
		return slog.LevelError
	case code == codes.Internal || code == codes.Unknown || code == codes.DataLoss:
		return slog.LevelError
	case code == codes.Unavailable || code == codes.DeadlineExceeded:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
