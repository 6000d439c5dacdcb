package upstream

import (
	"context"
	"errors"
	"time"

	"github.com/pigello-facade/pigello-facade/resilience"
)

// outcome is how one attempt ended, with the facts the retry policy, the
// breaker and the observer decide on.
type outcome struct {
	status   int // HTTP status, 0 if no response arrived
	err      error
	duration time.Duration

	callerDone bool          // the caller's context ended
	transport  bool          // ErrUnreachable: no whole answer arrived
	sent       bool          // the request may have reached Pigello (watchSend)
	apiStatus  int           // status of an *Error, 0 if none
	retryAfter time.Duration // from that *Error
}

// classify records the facts of an attempt's end.
func classify(ctx context.Context, status int, sent bool, err error) outcome {
	o := outcome{status: status, err: err, sent: sent}
	if err == nil {
		return o
	}
	if e, ok := errors.AsType[*Error](err); ok {
		o.apiStatus, o.retryAfter = e.StatusCode, e.RetryAfter
	}
	o.callerDone = ctx.Err() != nil
	o.transport = errors.Is(err, ErrUnreachable)
	return o
}

// outcomeUnknown reports whether o, a call's last attempt, leaves open
// whether Pigello applied a request that is not idempotent: it may have been
// sent, and no whole answer came back before the connection failed, the
// attempt timed out or the caller's context ended.
func (o *outcome) outcomeUnknown(method string) bool {
	answered := o.apiStatus != 0 || errors.As(o.err, new(*BodyError))
	return o.err != nil && !idempotent(method) && o.sent && !answered && (o.transport || o.callerDone)
}

// verdict is what an attempt tells the breaker about Pigello's health; the
// mapping is documented at WithBreaker.
func (o *outcome) verdict() resilience.Verdict {
	switch {
	case o.err == nil, o.apiStatus > 0 && o.apiStatus < 500:
		return resilience.Success // including 4xx and 429: Pigello answered
	case o.apiStatus >= 500, o.transport:
		return resilience.Failure
	case o.callerDone && errors.Is(o.err, context.DeadlineExceeded):
		return resilience.Failure // the caller's deadline passed while Pigello was silent
	case errors.As(o.err, new(*BodyError)):
		return resilience.Success // a 2xx whose body was unusable
	}
	return resilience.Neither // canceled by the caller, or never sent
}

// report tells the observer about attempt n of r.
func (c *Client) report(ctx context.Context, r *request, o *outcome, n int, again bool, delay time.Duration) {
	if c.observe == nil {
		return
	}
	c.observe(ctx, Event{
		Operation: r.op, Method: r.method, StatusCode: o.status, Duration: o.duration, Err: o.err,
		Attempt: n, Retrying: again, RetryIn: delay,
	})
}
