package resilience

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/semaphore"
)

// ErrFull is returned by Limiter.Acquire when no slot came free within the
// limiter's wait.
var ErrFull = errors.New("resilience: no free slot")

// LimiterConfig configures a [Limiter].
type LimiterConfig struct {
	MaxConcurrency int           // requests in flight at most; 0 or less sets no bound
	QueueTimeout   time.Duration // longest wait for a free slot; 0 or less: no waiting
}

// Limiter bounds the requests in flight at once; waiting callers are served
// in the order they came. A nil *Limiter sets no bound.
type Limiter struct {
	slots *semaphore.Weighted
	wait  time.Duration
}

// NewLimiter returns a Limiter as cfg says, or nil, no bound, when
// cfg.MaxConcurrency ≤ 0.
func NewLimiter(cfg LimiterConfig) *Limiter {
	if cfg.MaxConcurrency <= 0 {
		return nil
	}
	return &Limiter{slots: semaphore.NewWeighted(int64(cfg.MaxConcurrency)), wait: max(cfg.QueueTimeout, 0)}
}

// Acquire takes a slot, to be given back with Release. It returns ErrFull
// when none came free within the limiter's wait, or ctx's error when ctx
// ended first; either way no slot is held.
func (l *Limiter) Acquire(ctx context.Context) error {
	if l == nil || l.slots.TryAcquire(1) {
		return nil
	}
	if l.wait == 0 {
		return ErrFull
	}
	wctx, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	if l.slots.Acquire(wctx, 1) == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return ErrFull
}

// Release gives back a slot taken by Acquire.
func (l *Limiter) Release() {
	if l != nil {
		l.slots.Release(1)
	}
}
