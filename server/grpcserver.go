package server

import (
	"fmt"
	"log/slog"

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

// NewGRPCServer returns a gRPC server serving svc behind the logging, guard
// and validation interceptors, with grpc.health.v1 and server reflection (v1
// and v1alpha) registered. Reflection serves the embedded descriptors, so
// `grpcurl describe` shows the contract's comments and rules. The returned
// health server starts SERVING; set it NOT_SERVING before draining.
func NewGRPCServer(svc *Server, logger *slog.Logger, opts ...grpc.ServerOption) (*grpc.Server, *health.Server, error) {
	validator, err := protovalidate.New()
	if err != nil {
		return nil, nil, fmt.Errorf("server: build validator: %w", err)
	}
	resolver, err := apidesc.NewResolver()
	if err != nil {
		return nil, nil, fmt.Errorf("server: %w", err)
	}
	opts = append([]grpc.ServerOption{grpc.ChainUnaryInterceptor(
		LoggingInterceptor(logger),
		GuardInterceptor(logger),
		ValidationInterceptor(validator),
	)}, opts...)
	gs := grpc.NewServer(opts...)
	accountsv1.RegisterWorkEngagementServiceServer(gs, svc)

	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	hs.SetServingStatus(accountsv1.WorkEngagementService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)

	ro := reflection.ServerOptions{Services: gs, DescriptorResolver: resolver}
	reflectionv1.RegisterServerReflectionServer(gs, reflection.NewServerV1(ro))
	reflectionv1alpha.RegisterServerReflectionServer(gs, reflection.NewServer(ro))
	return gs, hs, nil
}
