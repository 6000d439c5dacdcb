package upstream

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// Defaults of RetryPolicy's zero fields.
const (
	defaultMaxAttempts   = 3
	defaultBaseDelay     = 100 * time.Millisecond
	defaultMaxDelay      = 2 * time.Second
	defaultMaxRetryAfter = 30 * time.Second
)

// RetryPolicy says how a failed call is tried again. A Client retries only
// what cannot do harm twice: GET and DELETE after a transport failure
// (ErrUnreachable, which includes ErrAttemptTimeout) or a 429, 502, 503 or
// 504; any other method (PATCH, POST) only when the request provably never
// left: no connection was had for it (the dial, DNS lookup or TLS handshake
// failed, or the attempt timed out before they ended; see watchSend). Such
// a request that may have left and got no whole answer ends the call with
// ErrOutcomeUnknown in its error. Nothing is retried once the caller's
// context is done, nor when the wait would end after its deadline.
//
// The wait before retry n (1-based) is drawn uniformly from
// [0, min(MaxDelay, BaseDelay·2^(n-1))) ("full jitter"), unless the answer
// had a Retry-After, which is then waited exactly; a Retry-After beyond
// MaxRetryAfter ends the call at once, so the caller gets the delay to pass
// on rather than a client that sits on it.
type RetryPolicy struct {
	MaxAttempts   int           // tries in all, the first included; 0 means 3, 1 disables retries
	BaseDelay     time.Duration // ceiling of the first wait; 0 means 100ms
	MaxDelay      time.Duration // cap on the ceiling; 0 means 2s
	MaxRetryAfter time.Duration // longest Retry-After waited; 0 means 30s
}

// WithRetryPolicy makes the Client retry as p says. Without it a Client
// tries each call once, as before retries existed; WithRetryPolicy(
// RetryPolicy{}) gives the defaults: 3 attempts, 100ms base, 2s cap.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(cl *Client) { cl.retry = p }
}

// WithAttemptTimeout bounds each attempt by d, in addition to the caller's
// deadline; 0, the default, sets no bound. An attempt that runs out while
// the caller's context is alive fails with ErrAttemptTimeout and
// ErrUnreachable, which GET and DELETE retry; a PATCH or POST is retried
// only if it had no connection yet, and otherwise ends with
// ErrOutcomeUnknown too (the request may have been applied).
func WithAttemptTimeout(d time.Duration) Option {
	return func(cl *Client) { cl.attemptTimeout = d }
}

// withDefaults fills in zero fields and rejects negative ones.
func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
		return p, fmt.Errorf("upstream: retry policy fields must not be negative: %+v", p)
	}
	p.MaxAttempts = cmp.Or(p.MaxAttempts, defaultMaxAttempts)
	p.BaseDelay = cmp.Or(p.BaseDelay, defaultBaseDelay)
	p.MaxDelay = cmp.Or(p.MaxDelay, defaultMaxDelay)
	p.MaxRetryAfter = cmp.Or(p.MaxRetryAfter, defaultMaxRetryAfter)
	return p, nil
}

// ceiling is the most the wait after failed attempt n (1-based) may be:
// BaseDelay doubled n-1 times, capped at MaxDelay without overflowing.
func (p RetryPolicy) ceiling(n int) time.Duration {
	d := min(p.BaseDelay, p.MaxDelay)
	for i := 1; i < n && d < p.MaxDelay; i++ {
		if d > p.MaxDelay/2 {
			return p.MaxDelay
		}
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// fullJitter draws uniformly from [0, ceiling).
func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// waitToRetry waits delay before the next attempt of op, or returns the
// caller's context error if it ends first.
func (c *Client) waitToRetry(ctx context.Context, op string, delay time.Duration) error {
	if err := c.sleep(ctx, delay); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return fmt.Errorf("upstream: %s: wait to retry: %w", op, err)
	}
	return nil
}

// sleepContext waits d or until ctx ends, whichever is first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable reports whether method may be sent again after o.
func (o *outcome) retryable(method string) bool {
	switch {
	case o.err == nil || o.callerDone:
		return false
	case !idempotent(method):
		return o.transport && !o.sent
	case o.transport:
		return true
	}
	switch o.apiStatus {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// idempotent reports whether sending a request with method twice does no
// more than sending it once: GET and DELETE, which are retried.
func idempotent(method string) bool {
	return method == http.MethodGet || method == http.MethodDelete
}

// mayHaveApplied reports whether a retryable failure o leaves open that
// Pigello acted on the request: anything but a request that never left or
// a 429.
func (o *outcome) mayHaveApplied() bool {
	return o.sent && o.apiStatus != http.StatusTooManyRequests
}

// retryDelay decides whether attempt n of a method request, which ended in
// o, is followed by another, and after how long.
func (c *Client) retryDelay(ctx context.Context, method string, o *outcome, n int) (time.Duration, bool) {
	if n >= c.retry.MaxAttempts || !o.retryable(method) || !c.breaker.WouldAllow() {
		return 0, false
	}
	d := c.jitter(c.retry.ceiling(n))
	if o.retryAfter > 0 {
		if o.retryAfter > c.retry.MaxRetryAfter {
			return 0, false
		}
		d = o.retryAfter
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Add(d).Before(deadline) {
		return 0, false // the caller would hear nothing before its deadline
	}
	return d, true
}
