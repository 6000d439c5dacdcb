package server

import (
	"context"
	"time"

	"google.golang.org/grpc"
)

// DeadlineInterceptor gives calls that arrive without a deadline one of d,
// so no call waits on Pigello for ever. A caller's own deadline is kept,
// however long. d ≤ 0 turns it off.
func DeadlineInterceptor(d time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if _, ok := ctx.Deadline(); ok || d <= 0 {
			return handler(ctx, req)
		}
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return handler(ctx, req)
	}
}
