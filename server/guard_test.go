package server

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestGuardInterceptorRecoversPanics(t *testing.T) {
	var logs bytes.Buffer
	guard := GuardInterceptor(slog.New(slog.NewTextHandler(&logs, nil)))
	_, err := guard(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/m"}, func(context.Context, any) (any, error) {
		panic("secret-value in a panic")
	})
	st := status.Convert(err)
	testkit.AssertStatus(t, st.Err(), codes.Internal, ReasonInternal)
	if strings.Contains(st.Message(), "secret-value") {
		t.Errorf("message %q repeats the panic value to the caller", st.Message())
	}
	if !strings.Contains(logs.String(), "guard_test.go") {
		t.Errorf("log has no stack trace:\n%s", logs.String())
	}
}

func TestGuardInterceptorAddsErrorInfo(t *testing.T) {
	guard := GuardInterceptor(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	_, err := guard(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/m"}, func(context.Context, any) (any, error) {
		return nil, status.Error(codes.FailedPrecondition, "bare")
	})
	testkit.AssertStatus(t, err, codes.FailedPrecondition, "FAILED_PRECONDITION")
}
