// Package app assembles the facade: configuration, the Pigello client, the
// gRPC server, the REST gateway, the optional embedded emulator, and their
// orderly shutdown. cmd/pigello-facade is a thin main around Run, so the
// whole binary can be tested in-process.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/pigello-facade/pigello-facade/gateway"
	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
)

// version is set at build time with -ldflags "-X ...app.version=v1.2.3".
var version = "dev"

// Run starts the facade and serves until ctx is done (SIGINT or SIGTERM in
// main), then reports not-ready, keeps serving for --drain-delay, drains
// in-flight calls within --shutdown-timeout and returns (shutdown.go). While
// it runs, the Go runtime runs under the facade's memory budget (memory.go).
// It takes its environment as arguments so tests can run the whole binary
// in-process.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return run(ctx, args, getenv, stdout, containerMemoryLimit)
}

// run is Run with the container's memory limit read from cgroupLimit,
// which tests replace (memory.go).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, cgroupLimit memlimit.Provider) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.ShowVersion {
		fmt.Fprintln(stdout, "pigello-facade", version)
		return nil
	}
	out := newLogOutput(stdout, cfg.LogFlushInterval)
	defer func() { _ = out.Stop() }()
	logger, err := newLogger(cfg, out)
	if err != nil {
		return err
	}
	budget, err := resolveMemoryBudget(cfg.Memory, getenv, cgroupLimit)
	if err != nil {
		return err
	}
	defer budget.apply()()
	budget.log(logger)
	if cfg.plaintextUpstream() { // only with --insecure-upstream: check refuses it otherwise
		logger.Warn("the Pigello credentials travel unencrypted: --pigello-base-url (PIGELLO_BASE_URL) is plain http "+
			"beyond loopback, allowed by --insecure-upstream (FACADE_INSECURE_UPSTREAM)", "pigello", cfg.PigelloBaseURL)
	}
	var demo *embeddedEmulator
	if cfg.Emulator {
		if demo, err = startEmulator(cfg.Credentials, cfg.EmulatorListEnvelope); err != nil {
			return err
		}
		defer demo.close()
		cfg.PigelloBaseURL, cfg.Credentials = demo.url, demo.creds
	}
	f, err := newFacade(ctx, cfg, logger)
	if err != nil {
		return err
	}
	errc := f.serve()
	printBanner(out, cfg, f, demo)
	logger.Info("facade started", "grpc_addr", f.grpcLis.Addr().String(), "http_addr", f.httpLis.Addr().String(), "debug_addr", cfg.DebugAddr,
		"pigello", cfg.PigelloBaseURL, "credentials", cfg.Credentials, "version", version,
		"metrics", cfg.Metrics, "traces_exported", f.telemetry.tracing.Exporting())
	_ = out.Sync() // the start is shown at once; calls' lines are batched
	select {
	case <-ctx.Done():
		err = f.waitDrainDelay(cfg.Shutdown.DrainDelay, errc)
	case err = <-errc:
	}
	if err != nil {
		logger.Error("server failed; shutting down", "error", err)
	}
	return errors.Join(err, f.shutdown(cfg.Shutdown.Timeout))
}

// facade is the running servers and what connects them.
type facade struct {
	grpcServer *grpc.Server
	health     *health.Server
	httpServer *http.Server
	grpcLis    net.Listener
	httpLis    net.Listener
	// debugLis and debugServer serve profiles with --debug-addr; nil without.
	debugLis    net.Listener
	debugServer *http.Server
	ready       atomic.Bool
	// calls counts the calls in flight, for the shutdown's log lines.
	calls  inFlight
	logger *slog.Logger
	// stopWatching ends the token and certificate file watchers.
	stopWatching func()
	telemetry    *telemetry
}

// newFacade builds the servers. Every log line of a call carries its
// request id and trace id: logger is wrapped by observe.Logger.
func newFacade(ctx context.Context, cfg Config, logger *slog.Logger) (*facade, error) {
	logger = observe.Logger(logger)
	tel, err := newTelemetry(ctx, cfg)
	if err != nil {
		return nil, err
	}
	f := &facade{telemetry: tel, stopWatching: func() {}, logger: logger}
	if err := f.build(ctx, cfg, logger); err != nil {
		return nil, errors.Join(err, f.abandon(ctx))
	}
	return f, nil
}

// build makes the facade's parts in order; abandon undoes what it made.
func (f *facade) build(ctx context.Context, cfg Config, logger *slog.Logger) error {
	client, err := newUpstream(cfg, logger, f.telemetry)
	if err != nil {
		return err
	}
	sec, err := newSecurity(ctx, cfg.Security, logger)
	if err != nil {
		return err
	}
	f.stopWatching = sec.stop
	svc, scfg := server.New(client), f.serverConfig(cfg, logger, sec)
	f.newGRPCServer(svc, scfg)
	if err := f.listen(cfg, sec.tls); err != nil {
		return err
	}
	handler, err := f.newGateway(ctx, cfg, sec, svc, scfg)
	if err != nil {
		return err
	}
	f.httpServer = newHTTPServer(f.calls.httpHandler(f.telemetry.httpHandler(handler)), logger)
	return nil
}

// serverConfig is what the gRPC server and the gateway's in-process calls
// share: the interceptors every call passes. The count of calls in flight
// is gRPC-only: REST requests are counted by the HTTP server's handler.
func (f *facade) serverConfig(cfg Config, logger *slog.Logger, sec *security) server.Config {
	tel := f.telemetry
	return server.Config{
		Logger:                  logger,
		DefaultTimeout:          cfg.Server.DefaultTimeout,
		Tokens:                  sec.tokenChecker(),
		CredentialsFromMetadata: cfg.CredentialsFromMetadata,
		// The span of a gRPC call comes from a stats handler, which runs
		// before every interceptor; a REST call's from its HTTP handler.
		ServerOptions:          append(grpcOptions(cfg), grpc.StatsHandler(tel.tracing.GRPCStatsHandler())),
		UnaryInterceptors:      tel.unary(),
		StreamInterceptors:     tel.stream(),
		GRPCUnaryInterceptors:  []grpc.UnaryServerInterceptor{f.calls.unary()},
		GRPCStreamInterceptors: []grpc.StreamServerInterceptor{f.calls.stream()},
	}
}

func (f *facade) newGRPCServer(svc *server.Server, scfg server.Config) {
	f.grpcServer, f.health = server.NewGRPCServer(svc, scfg)
	f.telemetry.metrics.InitializeGRPC(f.grpcServer)
}

// listen opens the gRPC and HTTP listeners, behind TLS when configured: the
// handshake then runs in each connection's own goroutine on first read, and
// ALPN offers h2 to gRPC clients.
func (f *facade) listen(cfg Config, tlsConfig *tls.Config) (err error) {
	if f.grpcLis, err = net.Listen("tcp", cfg.GRPCAddr); err != nil {
		return fmt.Errorf("app: gRPC listener: %w", err)
	}
	if f.httpLis, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		return fmt.Errorf("app: HTTP listener: %w", err)
	}
	if tlsConfig != nil {
		f.grpcLis = tls.NewListener(f.grpcLis, tlsConfig)
		f.httpLis = tls.NewListener(f.httpLis, tlsConfig)
	}
	f.debugLis, err = listenDebug(cfg)
	return err
}

// newGateway serves REST by calling svc in process, through the same
// interceptors as a gRPC call (server.NewInProcess).
func (f *facade) newGateway(ctx context.Context, cfg Config, sec *security, svc *server.Server, scfg server.Config) (http.Handler, error) {
	return gateway.New(ctx, server.NewInProcess(svc, scfg), gateway.Options{
		MaxBodyBytes:       int64(cfg.Server.MaxRequestBytes),
		Ready:              f.ready.Load,
		Tokens:             sec.tokenChecker(),
		ForwardCredentials: cfg.CredentialsFromMetadata,
		Metrics:            f.telemetry.metricsHandler(cfg),
	})
}

// abandon releases what a failed build made.
func (f *facade) abandon(ctx context.Context) error {
	var errs []error
	for _, l := range []net.Listener{f.grpcLis, f.httpLis, f.debugLis} {
		if l != nil {
			errs = append(errs, l.Close())
		}
	}
	f.stopWatching()
	return errors.Join(append(errs, f.telemetry.tracing.Shutdown(ctx))...)
}

// serve starts the servers; the channel gets the first one's failure.
func (f *facade) serve() <-chan error {
	errc := make(chan error, 3)
	if f.debugLis != nil {
		f.debugServer = newDebugServer()
		go func() { errc <- serveErr("debug", f.debugServer.Serve(f.debugLis)) }()
	}
	go func() { errc <- serveErr("gRPC", f.grpcServer.Serve(f.grpcLis)) }()
	go func() { errc <- serveErr("HTTP", f.httpServer.Serve(f.httpLis)) }()
	f.ready.Store(true)
	return errc
}

func serveErr(name string, err error) error {
	if err == nil || errors.Is(err, http.ErrServerClosed) || errors.Is(err, grpc.ErrServerStopped) {
		return nil
	}
	return fmt.Errorf("app: %s server: %w", name, err)
}
