package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// result is how one attempt ended, with the facts retries and the breaker
// decide on.
type result struct {
	status   int // HTTP status, 0 if no response arrived
	err      error
	duration time.Duration

	callerDone bool          // the caller's context ended
	transport  bool          // ErrUnreachable: no whole answer arrived
	sent       bool          // the request may have reached Pigello (watchSend)
	apiStatus  int           // status of an *Error, 0 if none
	retryAfter time.Duration // from that *Error
}

// run makes the attempts of one call and returns what the caller gets.
func (c *Client) run(ctx context.Context, x *callSpec) error {
	var last error
	applied := false // an earlier attempt may have reached Pigello and acted
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("upstream: %s: %w", x.op, err)
		}
		r, refused := c.attempt(ctx, x, n)
		if refused != nil {
			if last != nil {
				return last // a refused retry: what Pigello said says more
			}
			return refused
		}
		if applied && x.method == http.MethodDelete && r.apiStatus == http.StatusNotFound {
			r.err = nil // gone either way: perhaps by the attempt that failed
		}
		delay, again := c.retryDelay(ctx, x, &r, n)
		if !again && r.outcomeUnknown(x.method) {
			r.err = fmt.Errorf("%w; %w", r.err, ErrOutcomeUnknown)
		}
		c.report(ctx, x, &r, n, again, delay)
		if !again {
			return r.err
		}
		applied = applied || r.mayHaveApplied()
		last = r.err
		if err := c.sleep(ctx, delay); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				err = ctxErr
			}
			return fmt.Errorf("upstream: %s: wait to retry: %w", x.op, err)
		}
	}
}

// attempt passes the breaker and the limiter and makes exchange n of x. A
// non-nil error means it was refused and nothing was sent.
func (c *Client) attempt(ctx context.Context, x *callSpec, n int) (result, error) {
	t, ok := c.breaker.allow()
	if !ok {
		c.stats.shortCircuited.Add(1)
		return result{}, fmt.Errorf("upstream: %s: %w", x.op, ErrCircuitOpen)
	}
	if err := c.limiter.acquire(ctx); err != nil {
		t.done(verdictIgnore)
		c.stats.rejected.Add(1)
		return result{}, fmt.Errorf("upstream: %s: %w", x.op, err)
	}
	defer c.limiter.release()
	actx, cancel := ctx, context.CancelFunc(func() {})
	if c.attemptTimeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.attemptTimeout)
	}
	defer cancel()
	c.stats.requests.Add(1)
	if n > 1 {
		c.stats.retries.Add(1)
	}
	start := time.Now()
	status, sent, err := c.exchange(scope{caller: ctx, attempt: actx}, x)
	r := classify(ctx, status, sent, err)
	r.duration = time.Since(start)
	t.done(r.verdict())
	return r, nil
}

// classify records the facts of an attempt's outcome.
func classify(ctx context.Context, status int, sent bool, err error) result {
	r := result{status: status, err: err, sent: sent}
	if err == nil {
		return r
	}
	if e, ok := errors.AsType[*Error](err); ok {
		r.apiStatus, r.retryAfter = e.StatusCode, e.RetryAfter
	}
	r.callerDone = ctx.Err() != nil
	r.transport = errors.Is(err, ErrUnreachable)
	return r
}

// outcomeUnknown reports whether r, a call's last attempt, leaves open
// whether Pigello applied a request that is not idempotent: it may have been
// sent, and no whole answer came back before the connection failed, the
// attempt timed out or the caller's context ended.
func (r *result) outcomeUnknown(method string) bool {
	answered := r.apiStatus != 0 || errors.As(r.err, new(*BodyError))
	return r.err != nil && !idempotent(method) && r.sent && !answered && (r.transport || r.callerDone)
}

// verdict is what an attempt tells the breaker about Pigello's health.
func (r *result) verdict() verdict {
	switch {
	case r.err == nil, r.apiStatus > 0 && r.apiStatus < 500:
		return verdictSuccess // including 4xx and 429: Pigello answered
	case r.apiStatus >= 500, r.transport:
		return verdictFailure
	case r.callerDone && errors.Is(r.err, context.DeadlineExceeded):
		return verdictFailure // the caller's deadline passed while Pigello was silent
	case errors.As(r.err, new(*BodyError)):
		return verdictSuccess // a 2xx whose body was unusable
	}
	return verdictIgnore // canceled by the caller, or never sent
}

// report tells the observer about attempt n.
func (c *Client) report(ctx context.Context, x *callSpec, r *result, n int, again bool, delay time.Duration) {
	if c.observe == nil {
		return
	}
	c.observe(ctx, Event{
		Operation: x.op, Method: x.method, StatusCode: r.status, Duration: r.duration, Err: r.err,
		Attempt: n, Retrying: again, RetryIn: delay,
	})
}
