package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// panicValue is what the handler panics with; it must reach the log only.
const panicValue = "secret-value in a panic"

// panickingTransport stands for a bug anywhere below the interceptors: the
// upstream client calls it on the RPC's own goroutine, inside the handler.
type panickingTransport struct{}

func (panickingTransport) RoundTrip(*http.Request) (*http.Response, error) { panic(panicValue) }

// escapedGuard is the outermost interceptor of the tests' chain: a panic
// that reaches it got past the guard. It answers a status the guard never
// gives, so the test fails with a message instead of crashing the binary.
func escapedGuard(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, status.Errorf(codes.Unknown, "panic escaped the chain: %v", r)
		}
	}()
	return handler(ctx, req)
}

// guardSetup returns a service whose every call panics below the
// interceptors, the chain's Config, and where the chain logs.
func guardSetup(t *testing.T) (*Server, Config, *testkit.SyncBuffer) {
	t.Helper()
	client, err := upstream.New("http://127.0.0.1", &http.Client{Transport: panickingTransport{}})
	if err != nil {
		t.Fatal(err)
	}
	logs := &testkit.SyncBuffer{}
	cfg := Config{
		Logger:            slog.New(slog.NewTextHandler(logs, nil)),
		UnaryInterceptors: []grpc.UnaryServerInterceptor{escapedGuard},
	}
	return New(client), cfg, logs
}

// serveGRPC serves gs on a free loopback port and returns a client of it.
func serveGRPC(t *testing.T, gs *grpc.Server) accountsv1.WorkEngagementServiceClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return accountsv1.NewWorkEngagementServiceClient(conn)
}

// TestGuardInTheChain panics inside a handler reached through the chains
// callers use: the gRPC server NewGRPCServer builds, and NewInProcess, which
// the REST gateway calls. Each must answer INTERNAL without the panic's
// value and log the stack; without the guard in a chain, the panic reaches
// escapedGuard instead.
func TestGuardInTheChain(t *testing.T) {
	type getFunc func(context.Context, *accountsv1.GetWorkEngagementRequest) (*accountsv1.WorkEngagement, error)
	chains := []struct {
		name  string
		build func(t *testing.T, svc *Server, cfg Config) getFunc
	}{
		{"gRPC server", func(t *testing.T, svc *Server, cfg Config) getFunc {
			gs, _ := NewGRPCServer(svc, cfg)
			client := serveGRPC(t, gs)
			return func(ctx context.Context, req *accountsv1.GetWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
				return client.GetWorkEngagement(ctx, req)
			}
		}},
		{"in process", func(_ *testing.T, svc *Server, cfg Config) getFunc {
			return NewInProcess(svc, cfg).GetWorkEngagement
		}},
	}
	for _, c := range chains {
		t.Run(c.name, func(t *testing.T) {
			svc, cfg, logs := guardSetup(t)
			get := c.build(t, svc, cfg)
			_, err := get(t.Context(), &accountsv1.GetWorkEngagementRequest{Id: "00000000-0000-4000-8000-000000000000"})
			st := status.Convert(err)
			testkit.AssertStatus(t, st.Err(), codes.Internal, ReasonInternal)
			if strings.Contains(fmt.Sprint(st.Proto()), panicValue) {
				t.Errorf("status %v repeats the panic value to the caller", st.Proto())
			}
			if log := logs.String(); !strings.Contains(log, "panic in handler") || !strings.Contains(log, "guard_chain_test.go") {
				t.Errorf("log has no panic line with a stack:\n%s", log)
			}
		})
	}
}
