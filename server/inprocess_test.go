package server

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestInProcessRunsInterceptors calls every method of the in-process
// service with an invalid request: each must pass cfg's interceptors, in
// order, and be refused by validation, never reach Pigello nor answer
// UNIMPLEMENTED.
func TestInProcessRunsInterceptors(t *testing.T) {
	var seen []string
	record := func(name string) grpc.UnaryServerInterceptor {
		return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			seen = append(seen, name+" "+info.FullMethod)
			return h(ctx, req)
		}
	}
	svc := setupPigelloFunc(t, func(_ http.ResponseWriter, r *http.Request) {
		t.Errorf("Pigello received %s %s", r.Method, r.URL.Path)
	})
	local := NewInProcess(svc, Config{
		Logger:            slog.New(slog.DiscardHandler),
		UnaryInterceptors: []grpc.UnaryServerInterceptor{record("first"), record("second")},
	})
	calls := []struct {
		method string
		call   func(context.Context) error
	}{
		{accountsv1.WorkEngagementService_CreateWorkEngagement_FullMethodName, func(ctx context.Context) error {
			_, err := local.CreateWorkEngagement(ctx, &accountsv1.CreateWorkEngagementRequest{})
			return err
		}},
		{accountsv1.WorkEngagementService_GetWorkEngagement_FullMethodName, func(ctx context.Context) error {
			_, err := local.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: "not-a-uuid"})
			return err
		}},
		{accountsv1.WorkEngagementService_UpdateWorkEngagement_FullMethodName, func(ctx context.Context) error {
			_, err := local.UpdateWorkEngagement(ctx, &accountsv1.UpdateWorkEngagementRequest{})
			return err
		}},
		{accountsv1.WorkEngagementService_DeleteWorkEngagement_FullMethodName, func(ctx context.Context) error {
			_, err := local.DeleteWorkEngagement(ctx, &accountsv1.DeleteWorkEngagementRequest{Id: "not-a-uuid"})
			return err
		}},
		{accountsv1.WorkEngagementService_ListWorkEngagements_FullMethodName, func(ctx context.Context) error {
			_, err := local.ListWorkEngagements(ctx, &accountsv1.ListWorkEngagementsRequest{PageSize: -1})
			return err
		}},
	}
	for _, c := range calls {
		seen = nil
		err := c.call(t.Context())
		if got := status.Code(err); got != codes.InvalidArgument {
			t.Errorf("%s: code %v (%v), want InvalidArgument from validation", c.method, got, err)
		}
		want := []string{"first " + c.method, "second " + c.method}
		if len(seen) != 2 || seen[0] != want[0] || seen[1] != want[1] {
			t.Errorf("%s: interceptors saw %q, want %q", c.method, seen, want)
		}
	}
}
