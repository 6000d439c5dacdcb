package upstream

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/resilience"
)

// blocker holds each request until released, reporting arrivals.
type blocker struct {
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func newBlocker(t *testing.T) *blocker {
	b := &blocker{arrived: make(chan struct{}, 100), release: make(chan struct{})}
	t.Cleanup(b.open) // before the server closes: setup's cleanup runs later
	return b
}

func (b *blocker) open() { b.once.Do(func() { close(b.release) }) }

func (b *blocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.arrived <- struct{}{}
	<-b.release
	okFor(w, r)
}

func TestLimiterOverloaded(t *testing.T) {
	const queue = 50 * time.Millisecond
	var seen atomic.Int32
	b := newBlocker(t)
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { seen.Add(1); b.ServeHTTP(w, r) }, WithLimiter(resilience.LimiterConfig{MaxConcurrency: 1, QueueTimeout: queue}))
	first := make(chan error, 1)
	go func() { first <- c.DeleteWorkEngagement(context.Background(), testID) }()
	<-b.arrived

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err := callWith(ctx, t, c, http.MethodGet, testID)
	// A call that waited for the slot instead would end at ctx's deadline.
	if el := time.Since(start); !errors.Is(err, ErrOverloaded) || errors.Is(err, context.DeadlineExceeded) || el < queue {
		t.Errorf("second call returned %v after %v, want ErrOverloaded after the %v queue timeout", err, el, queue)
	}
	if seen.Load() != 1 {
		t.Errorf("server saw %d requests, want only the first", seen.Load())
	}
	b.open()
	if err := <-first; err != nil {
		t.Errorf("first call returned %v", err)
	}
	if err := call(t, c, http.MethodGet, testID); err != nil {
		t.Errorf("call after the slot was freed returned %v", err)
	}
	if got := c.Stats(); got.Rejected != 1 || got.Requests != 2 {
		t.Errorf("Stats() = %+v, want 1 rejected, 2 requests", got)
	}
}

func TestLimiterQueues(t *testing.T) {
	b := newBlocker(t)
	c, _ := setup(t, b.ServeHTTP, WithLimiter(resilience.LimiterConfig{MaxConcurrency: 1, QueueTimeout: 5 * time.Second}))
	first := make(chan error, 1)
	go func() { first <- call(t, c, http.MethodGet, testID) }()
	<-b.arrived
	time.AfterFunc(50*time.Millisecond, b.open)
	if err := call(t, c, http.MethodGet, testID); err != nil {
		t.Errorf("queued call returned %v, want success once the slot is free", err)
	}
	if err := <-first; err != nil {
		t.Errorf("first call returned %v", err)
	}
}

func TestLimiterContextEndsInQueue(t *testing.T) {
	b := newBlocker(t)
	c, _ := setup(t, b.ServeHTTP, WithLimiter(resilience.LimiterConfig{MaxConcurrency: 1, QueueTimeout: 5 * time.Second}))
	first := make(chan error, 1)
	go func() { first <- call(t, c, http.MethodGet, testID) }()
	<-b.arrived
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	// A queue that ignored ctx would end at its 5s timeout, without
	// context.DeadlineExceeded.
	err := callWith(ctx, t, c, http.MethodGet, testID)
	if !errors.Is(err, ErrOverloaded) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("queued call returned %v, want ErrOverloaded and the deadline at once", err)
	}
	b.open()
	<-first
}

func TestLimiterBoundsConcurrency(t *testing.T) {
	const limit = 2
	var inFlight, peak atomic.Int32
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		inFlight.Add(-1)
		okFor(w, r)
	}, WithLimiter(resilience.LimiterConfig{MaxConcurrency: limit, QueueTimeout: 5 * time.Second}))
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if err := call(t, c, http.MethodGet, testID); err != nil {
				t.Errorf("GetWorkEngagement returned %v", err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > limit || p < 1 {
		t.Errorf("peak concurrency = %d, want 1..%d", p, limit)
	}
}

// TestLimiterFreesSlotWhileWaiting: a call waiting to retry holds no slot,
// so another call gets through even with no queueing allowed.
func TestLimiterFreesSlotWhileWaiting(t *testing.T) {
	s := newScript(respond(503, ""), okFor)
	var c *Client
	var inner error
	sleep := func(ctx context.Context, d time.Duration) error {
		inner = call(t, c, http.MethodGet, testID)
		return nil
	}
	c, _ = setup(t, s.ServeHTTP, WithLimiter(resilience.LimiterConfig{MaxConcurrency: 1}), WithRetryPolicy(RetryPolicy{MaxAttempts: 2}), withSleep(sleep))
	if err := call(t, c, http.MethodGet, testID); err != nil {
		t.Errorf("GetWorkEngagement returned %v", err)
	}
	if inner != nil {
		t.Errorf("call made while the first waited returned %v, want success", inner)
	}
}
