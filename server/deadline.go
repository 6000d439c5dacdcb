package server

import (
	"context"
	"errors"
	"time"

	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// deadlineSlack is how close to its deadline a canceled call counts as one
// whose deadline passed. A gRPC client ends a call at its deadline by
// canceling the stream (RST_STREAM CANCEL, the very frame an explicit
// cancellation sends), and it has reported DEADLINE_EXCEEDED to its caller.
// The facade's own timer for that deadline was set when the call's headers
// arrived, about one network trip after the client's, so the cancellation
// often comes first: on loopback up to 1 ms before the facade's deadline,
// on a loaded 2-core machine up to about 50 ms. The slack is five times
// that; the price is that a caller canceling on its own in the last quarter
// second before its deadline is recorded as DEADLINE_EXCEEDED too.
const deadlineSlack = 250 * time.Millisecond

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

// outcomeUnknown ends the message of a status whose error wraps
// upstream.ErrOutcomeUnknown: a PATCH or POST that may have reached Pigello.
const outcomeUnknown = "; the change may or may not have been applied"

// endedStatus is the status of a call whose context ended, or whose error
// is a context's; nil for any other. It is the code the caller got: a call
// canceled at its deadline is DEADLINE_EXCEEDED, as its client reports it.
// An update or create that may have reached Pigello says so, but keeps the
// code: a deadline never says whether a change was made.
func endedStatus(ctx context.Context, err error) *status.Status {
	note := ""
	if errors.Is(err, upstream.ErrOutcomeUnknown) {
		note = outcomeUnknown
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) || canceledAtDeadline(ctx):
		return newStatus(codes.DeadlineExceeded, ReasonDeadlineExceeded, "the deadline passed before the call completed"+note, nil)
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return newStatus(codes.Canceled, ReasonCanceled, "the call was canceled"+note, nil)
	}
	return nil
}

// canceledAtDeadline reports whether ctx was canceled when its deadline had
// passed or was less than deadlineSlack away.
func canceledAtDeadline(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && errors.Is(ctx.Err(), context.Canceled) && time.Until(d) < deadlineSlack
}
