package server

import (
	"log/slog"
	"slices"
	"time"

	"buf.build/go/protovalidate"
	"github.com/pigello-facade/pigello-facade/apidesc"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	reflectionv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
)

// Config configures the gRPC server NewGRPCServer builds, and the calls
// NewInProcess makes.
type Config struct {
	Logger *slog.Logger
	// DefaultTimeout is the deadline of calls that arrive without one; zero
	// leaves them without.
	DefaultTimeout time.Duration
	// Tokens, when set, is asked about every call's authorization metadata
	// before anything else happens; health checks stay open.
	Tokens TokenChecker
	// CredentialsFromMetadata takes the seven Pigello credentials from each
	// call's metadata instead of the facade's own (pass-through mode).
	CredentialsFromMetadata bool
	// ServerOptions are transport options: TLS, message limits, keepalive.
	ServerOptions []grpc.ServerOption

	// UnaryInterceptors and StreamInterceptors run before all others,
	// outermost first: request ids and metrics, which must see every call,
	// refused ones included, and must be in place for the call's log line.
	UnaryInterceptors  []grpc.UnaryServerInterceptor
	StreamInterceptors []grpc.StreamServerInterceptor
	// GRPCUnaryInterceptors and GRPCStreamInterceptors run first of all,
	// on the gRPC server only: what REST calls get from their HTTP handler
	// before NewInProcess's calls run (the count of calls in flight).
	GRPCUnaryInterceptors  []grpc.UnaryServerInterceptor
	GRPCStreamInterceptors []grpc.StreamServerInterceptor
}

// NewGRPCServer returns a gRPC server serving svc with grpc.health.v1 and
// server reflection (v1 and v1alpha). Calls pass, in order: cfg's gRPC-only
// interceptors, its own (request id, metrics), logging, panic
// guard, token check, default deadline, pass-through credentials and
// validation. Reflection serves the embedded descriptors, so `grpcurl
// describe` shows the contract's comments and rules. The returned health
// server starts SERVING; set it NOT_SERVING before draining.
func NewGRPCServer(svc *Server, cfg Config) (*grpc.Server, *health.Server) {
	unary := append(slices.Clip(cfg.GRPCUnaryInterceptors), cfg.unaryInterceptors()...)
	stream := append(slices.Clip(cfg.GRPCStreamInterceptors), cfg.StreamInterceptors...)
	if cfg.Tokens != nil {
		stream = append(stream, AuthStreamInterceptor(cfg.Tokens))
	}
	opts := append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
	}, cfg.ServerOptions...)
	gs := grpc.NewServer(opts...)
	accountsv1.RegisterWorkEngagementServiceServer(gs, svc)

	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	hs.SetServingStatus(accountsv1.WorkEngagementService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)

	ro := reflection.ServerOptions{Services: gs, DescriptorResolver: apidesc.Resolver{}}
	reflectionv1.RegisterServerReflectionServer(gs, reflection.NewServerV1(ro))
	reflectionv1alpha.RegisterServerReflectionServer(gs, reflection.NewServer(ro))
	return gs, hs
}

// unaryInterceptors are the interceptors every call passes, outermost
// first, on the gRPC server and in process (NewInProcess) alike.
func (cfg Config) unaryInterceptors() []grpc.UnaryServerInterceptor {
	unary := append(slices.Clip(cfg.UnaryInterceptors), LoggingInterceptor(cfg.Logger), GuardInterceptor(cfg.Logger))
	if cfg.Tokens != nil {
		unary = append(unary, AuthUnaryInterceptor(cfg.Tokens))
	}
	unary = append(unary, DeadlineInterceptor(cfg.DefaultTimeout))
	if cfg.CredentialsFromMetadata {
		unary = append(unary, PassThroughInterceptor())
	}
	// One validator for the gRPC server and the gateway: each holds the
	// compiled rules (about 2.5 MB).
	return append(unary, ValidationInterceptor(protovalidate.GlobalValidator))
}
