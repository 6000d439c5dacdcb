package upstream

import (
	"context"
	"fmt"
	"time"
)

// WithMaxConcurrency allows at most n requests in flight to Pigello at once;
// n ≤ 0, the default, sets no bound. Each attempt holds a slot only while it
// is on the wire: a call waiting between retries holds none. A call that
// finds no free slot within queueTimeout (0: no waiting at all), or before
// its context ends, fails at once with an error wrapping ErrOverloaded and
// sends nothing; a retry refused this way ends the call with the previous
// attempt's error.
func WithMaxConcurrency(n int, queueTimeout time.Duration) Option {
	return func(cl *Client) {
		cl.limiter = nil
		if n > 0 {
			cl.limiter = &limiter{slots: make(chan struct{}, n), wait: max(queueTimeout, 0)}
		}
	}
}

// limiter is a counting semaphore: a buffered channel holds a token per
// request in flight.
type limiter struct {
	slots chan struct{}
	wait  time.Duration
}

// acquire takes a slot, waiting at most l.wait. A nil limiter always
// succeeds.
func (l *limiter) acquire(ctx context.Context) error {
	if l == nil {
		return nil
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.wait == 0 {
		return ErrOverloaded
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrOverloaded
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrOverloaded, ctx.Err())
	}
}

// release frees a slot taken by acquire.
func (l *limiter) release() {
	if l != nil {
		<-l.slots
	}
}
