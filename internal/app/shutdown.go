package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
)

// The shutdown sequence, on SIGTERM or SIGINT:
//
//  1. at once, gRPC health NOT_SERVING and /readyz 503 (notReady);
//  2. for --drain-delay both listeners keep serving, so load balancers that
//     poll readiness move traffic away first (waitDrainDelay);
//  3. the gRPC and HTTP servers stop together: neither takes a connection
//     or call from then on, and in-flight calls get --shutdown-timeout to
//     finish before what is left is cut off (drain).
//
// One log line marks the signal, one the start of the drain and one its end.

// notReady makes health checks fail while the listeners still serve.
func (f *facade) notReady() {
	f.ready.Store(false)
	f.health.Shutdown()
}

// waitDrainDelay reports not-ready and keeps serving for delay. A server
// failing meanwhile ends the wait: its error is returned.
func (f *facade) waitDrainDelay(delay time.Duration, errc <-chan error) error {
	f.notReady()
	f.logger.Info("shutdown requested: not ready; draining after the delay", "drain_delay", delay)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case err := <-errc:
		return err
	}
}

// shutdown drains both servers within timeout, then stops the file
// watchers, the debug server and tracing. Calls cut off at the timeout are
// logged, not returned: the process did what it was configured to do.
func (f *facade) shutdown(timeout time.Duration) error {
	f.notReady()
	start, running := time.Now(), f.calls.count()
	f.logger.Info("drain began: no new connections or calls; in-flight calls have until the timeout", "in_flight", running, "timeout", timeout)
	cutOff, err := f.drain(timeout)
	level := slog.LevelInfo
	if cutOff > 0 {
		level = slog.LevelWarn
	}
	f.logger.Log(context.Background(), level, "drain ended", "in_flight_at_start", running, "cut_off", cutOff,
		"took", time.Since(start).Round(time.Millisecond))
	f.stopWatching()
	if f.debugServer != nil {
		_ = f.debugServer.Close() // a profile being taken is cut short
	}
	// The spans of the last calls are sent now, with their own bound.
	flushCtx, cancelFlush := context.WithTimeout(context.Background(), traceFlushTimeout)
	defer cancelFlush()
	return errors.Join(err, f.telemetry.tracing.Shutdown(flushCtx))
}

// traceFlushTimeout bounds sending the last spans at shutdown.
const traceFlushTimeout = 5 * time.Second

// drain stops the gRPC and HTTP servers together, so neither port takes new
// work while the other drains. Calls still running after timeout are cut
// off (grpc Stop, http Close); it returns how many were.
func (f *facade) drain(timeout time.Duration) (cutOff int64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var httpErr error
	stopped := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		wg.Go(f.grpcServer.GracefulStop)
		wg.Go(func() { httpErr = f.httpServer.Shutdown(ctx) })
		wg.Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
		// Shutdown gives up on busy connections when ctx expires first.
		if !errors.Is(httpErr, context.DeadlineExceeded) {
			return 0, httpErr
		}
	case <-ctx.Done():
	}
	cutOff = f.calls.count()
	f.grpcServer.Stop()
	_ = f.httpServer.Close() // its only errors are from the listeners Shutdown closed
	<-stopped
	return cutOff, nil
}

// inFlight counts the calls being served on both listeners, which are what
// the drain waits for and may cut off: gRPC calls and streams (its
// interceptors run on the gRPC server only) and HTTP requests (REST calls,
// including those refused before reaching the service, probes, scrapes).
type inFlight struct{ n atomic.Int64 }

func (c *inFlight) count() int64 { return c.n.Load() }

func (c *inFlight) unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		c.n.Add(1)
		defer c.n.Add(-1)
		return handler(ctx, req)
	}
}

func (c *inFlight) stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		c.n.Add(1)
		defer c.n.Add(-1)
		return handler(srv, ss)
	}
}

func (c *inFlight) httpHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		defer c.n.Add(-1)
		h.ServeHTTP(w, r)
	})
}
