package app

import (
	"log/slog"
	"net/http"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// grpcOptions are the gRPC server's transport limits: message size,
// keepalive enforcement so idle or abusive connections are shed, header
// size. TLS is not among them: it wraps the TCP listeners instead (see
// listen), the gRPC and the HTTP one alike, with one reloading
// configuration.
func grpcOptions(cfg Config) []grpc.ServerOption {
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.Server.MaxRequestBytes),
		grpc.MaxHeaderListSize(64 << 10),
		grpc.ConnectionTimeout(10 * time.Second),
		// Calls run on long-lived workers whose stacks have already grown
		// to the depth of a call (interceptors, net/http, JSON): a new
		// goroutine per call spent about 7% of the CPU copying stacks as they
		// grew (bench/README.md). Beyond this many calls at once, grpc-go
		// starts goroutines as before.
		grpc.NumStreamWorkers(streamWorkers),
		// Fixed flow-control windows, large enough for a whole largest
		// request, turn off grpc-go's bandwidth-delay estimation: with it,
		// the server answered nearly every request with a window update and
		// a PING, whose ack the caller then sent back, a write and a read
		// more per call for messages of a few hundred bytes (bench/README.md).
		grpc.StaticStreamWindowSize(flowWindow(cfg.Server.MaxRequestBytes)),
		grpc.StaticConnWindowSize(2 * flowWindow(cfg.Server.MaxRequestBytes)),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             10 * time.Second,
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle: 5 * time.Minute,
			// A GOAWAY after about 5 minutes (±10% jitter) makes clients
			// reconnect and re-resolve, so new replicas get a share of
			// long-lived connections; in-flight calls get 30 s to finish.
			MaxConnectionAge:      5 * time.Minute,
			MaxConnectionAgeGrace: 30 * time.Second,
			Time:                  time.Minute,
			Timeout:               20 * time.Second,
		}),
	}
	return opts
}

// flowWindow is a gRPC flow-control window that holds a request of
// maxRequest bytes with its framing: at least HTTP/2's 64 KiB.
func flowWindow(maxRequest int) int32 {
	const framing = 1 << 10
	return int32(min(max(maxRequest+framing, 64<<10), 1<<30))
}

// streamWorkers is the gRPC server's pool of call goroutines.
const streamWorkers = 128

// newHTTPServer bounds what a client can make the HTTP server hold: slow
// headers, slow bodies, idle connections, header size.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
