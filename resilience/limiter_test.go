package resilience

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// The limiter's waits run on synctest's clock: they end at once, and
// exactly when due.

func TestLimiterFull(t *testing.T) {
	for _, wait := range []time.Duration{0, time.Second} {
		synctest.Test(t, func(t *testing.T) {
			l := NewLimiter(LimiterConfig{MaxConcurrency: 1, QueueTimeout: wait})
			if err := l.Acquire(t.Context()); err != nil {
				t.Fatalf("Acquire of a free slot returned %v", err)
			}
			start := time.Now()
			if err := l.Acquire(t.Context()); !errors.Is(err, ErrFull) {
				t.Errorf("Acquire with no free slot returned %v, want ErrFull", err)
			}
			if waited := time.Since(start); waited != wait {
				t.Errorf("Acquire waited %v, want %v", waited, wait)
			}
			l.Release()
			if err := l.Acquire(t.Context()); err != nil {
				t.Errorf("Acquire after Release returned %v", err)
			}
		})
	}
}

func TestLimiterQueues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterConfig{MaxConcurrency: 1, QueueTimeout: time.Minute})
		_ = l.Acquire(t.Context())
		got := make(chan error, 1)
		go func() { got <- l.Acquire(t.Context()) }()
		time.Sleep(30 * time.Second)
		l.Release()
		if err := <-got; err != nil {
			t.Errorf("queued Acquire returned %v, want the freed slot", err)
		}
	})
}

// TestLimiterContextEnds: a caller whose context ends while it waits gets
// its context's error, not ErrFull.
func TestLimiterContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterConfig{MaxConcurrency: 1, QueueTimeout: time.Minute})
		_ = l.Acquire(t.Context())
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrFull) {
			t.Errorf("Acquire returned %v, want the context's deadline", err)
		}
	})
}

func TestNilLimiter(t *testing.T) {
	if l := NewLimiter(LimiterConfig{QueueTimeout: time.Second}); l != nil {
		t.Fatalf("NewLimiter with MaxConcurrency 0 = %v, want nil: no bound", l)
	}
	var l *Limiter
	for range 3 {
		if err := l.Acquire(t.Context()); err != nil {
			t.Errorf("nil limiter: Acquire returned %v", err)
		}
	}
	l.Release()
}
