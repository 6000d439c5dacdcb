package server

import (
	"context"
	"strings"

	"github.com/pigello-facade/pigello-facade/auth"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
)

// TokenChecker decides whether an authorization value ("Bearer <token>")
// lets a call in. auth.Tokens is the implementation.
type TokenChecker interface {
	Check(authorization string) error
}

// healthPrefix names the methods that stay open without a token, so probes
// and load balancers need no secret.
var healthPrefix = "/" + healthpb.Health_ServiceDesc.ServiceName + "/"

// AuthUnaryInterceptor refuses calls without a valid bearer token with
// UNAUTHENTICATED, before anything else looks at them.
func AuthUnaryInterceptor(tc TokenChecker) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if err := authenticate(ctx, tc, info.FullMethod); err != nil {
			return nil, errorStatus(ctx, err, "")
		}
		return handler(ctx, req)
	}
}

// AuthStreamInterceptor is AuthUnaryInterceptor for streams (reflection).
func AuthStreamInterceptor(tc TokenChecker) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if err := authenticate(ss.Context(), tc, info.FullMethod); err != nil {
			return toStatus(ss.Context(), err, "").Err()
		}
		return handler(srv, ss)
	}
}

func authenticate(ctx context.Context, tc TokenChecker, method string) error {
	if strings.HasPrefix(method, healthPrefix) {
		return nil
	}
	v := metadata.ValueFromIncomingContext(ctx, "authorization")
	switch len(v) {
	case 0:
		return tc.Check("")
	case 1:
		return tc.Check(v[0])
	}
	// Several values: which one to trust is ambiguous, so none is.
	return auth.ErrMalformedToken
}
