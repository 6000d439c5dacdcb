package upstream

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/resilience"
)

// openBreaker returns a client whose breaker has just opened.
func openBreaker(t *testing.T, h *switchable, gate *blocker) (*Client, *testkit.Clock) {
	t.Helper()
	c, clock := breakerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if gate != nil && h.status.Load() == 0 {
			gate.ServeHTTP(w, r) // a held probe, then 200
			return
		}
		h.ServeHTTP(w, r)
	}, testBreaker)
	h.status.Store(503)
	for range testBreaker.MinRequests {
		_ = call(t, c, http.MethodGet, testID)
	}
	if got := c.BreakerState(); got != "open" {
		t.Fatalf("BreakerState() = %q, want open", got)
	}
	return c, clock
}

func TestBreakerHalfOpen(t *testing.T) {
	for _, probe := range []int{200, 404, 500, 503} {
		t.Run(strconv.Itoa(probe), func(t *testing.T) {
			s := &switchable{}
			c, clock := openBreaker(t, s, nil)
			clock.Advance(testBreaker.OpenFor - time.Nanosecond)
			if err := call(t, c, http.MethodGet, testID); !errors.Is(err, ErrCircuitOpen) {
				t.Fatalf("call before OpenFor returned %v, want ErrCircuitOpen", err)
			}
			clock.Advance(time.Nanosecond)
			if got := c.BreakerState(); got != "half-open" {
				t.Fatalf("BreakerState() = %q after OpenFor, want half-open", got)
			}
			s.status.Store(int32(probe))
			_ = call(t, c, http.MethodGet, testID)
			want := "closed"
			if probe >= 500 {
				want = "open"
			}
			if got := c.BreakerState(); got != want {
				t.Errorf("BreakerState() = %q after a %d probe, want %s", got, probe, want)
			}
			before := s.n.Load()
			s.status.Store(200)
			err := call(t, c, http.MethodGet, testID)
			if probe >= 500 && (!errors.Is(err, ErrCircuitOpen) || s.n.Load() != before) {
				t.Errorf("call after a failed probe returned %v, want ErrCircuitOpen for another OpenFor", err)
			}
			if probe < 500 && err != nil {
				t.Errorf("call after a good probe returned %v, want success", err)
			}
		})
	}
}

// TestBreakerSingleProbe: while the probe is out, other calls are refused.
func TestBreakerSingleProbe(t *testing.T) {
	s, gate := &switchable{}, newBlocker(t)
	c, clock := openBreaker(t, s, gate)
	clock.Advance(testBreaker.OpenFor)
	s.status.Store(0) // the next request is held at the gate
	probe := make(chan error, 1)
	go func() { probe <- call(t, c, http.MethodGet, testID) }()
	<-gate.arrived
	before := s.n.Load()
	ctx, cancel := context.WithTimeout(t.Context(), time.Second) // a second probe would hang at the gate
	defer cancel()
	for range 3 {
		if err := callWith(ctx, t, c, http.MethodGet, testID); !errors.Is(err, ErrCircuitOpen) {
			t.Errorf("call during the probe returned %v, want ErrCircuitOpen", err)
		}
	}
	gate.open()
	if err := <-probe; err != nil {
		t.Errorf("probe returned %v", err)
	}
	if got := c.BreakerState(); got != "closed" || s.n.Load() != before {
		t.Errorf("BreakerState() = %q with %d requests during the probe, want closed and none", got, s.n.Load()-before)
	}
}

// TestBreakerStopsRetries: each retry passes the breaker, so one opened by
// a call's own failures ends its retries.
func TestBreakerStopsRetries(t *testing.T) {
	s, rec, log := &switchable{}, &recorder{}, &eventLog{}
	s.status.Store(503)
	c, _ := breakerClient(t, s.ServeHTTP, resilience.BreakerConfig{MinRequests: 2, FailureRatio: 1},
		WithRetryPolicy(RetryPolicy{MaxAttempts: 10}), withSleep(rec.sleep), WithObserver(log.observe))
	err := call(t, c, http.MethodGet, testID)
	if e, ok := errors.AsType[*Error](err); !ok || e.StatusCode != 503 || s.n.Load() != 2 {
		t.Errorf("GetWorkEngagement returned %v after %d requests, want the 503 after 2", err, s.n.Load())
	}
	// The attempt that opened the breaker promises no retry.
	if ev := log.got(); len(ev) != 2 || !ev[0].Retrying || ev[1].Retrying || len(rec.got()) != 1 {
		t.Errorf("events %+v and waits %v, want a retry after the first attempt only", ev, rec.got())
	}
}

// TestBreakerCallerContext: the caller canceling never counts; its deadline
// passing while Pigello is silent counts as a failure.
func TestBreakerCallerContext(t *testing.T) {
	cfg := resilience.BreakerConfig{MinRequests: 1, FailureRatio: 1}
	for _, deadline := range []bool{false, true} {
		t.Run("deadline="+strconv.FormatBool(deadline), func(t *testing.T) {
			c, _ := breakerClient(t, stallUntilGone, cfg)
			// Only one of the two may end the call: with both, a busy
			// machine could run the deadline's timer before the cancel's.
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if deadline {
				var stop context.CancelFunc
				ctx, stop = context.WithTimeout(ctx, 50*time.Millisecond)
				defer stop()
			} else {
				time.AfterFunc(20*time.Millisecond, cancel)
			}
			_ = callWith(ctx, t, c, http.MethodGet, testID)
			want := map[bool]string{false: "closed", true: "open"}[deadline]
			if got := c.BreakerState(); got != want {
				t.Errorf("BreakerState() = %q, want %s", got, want)
			}
		})
	}
}

// TestBreakerCanceledProbe: a probe the caller abandons says nothing, so the
// breaker stays half-open and the next call probes.
func TestBreakerCanceledProbe(t *testing.T) {
	var stall atomic.Bool
	s := &switchable{}
	c, clock := breakerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if stall.Load() {
			stallUntilGone(w, r)
			return
		}
		s.ServeHTTP(w, r)
	}, testBreaker)
	s.status.Store(500)
	for range testBreaker.MinRequests {
		_ = call(t, c, http.MethodGet, testID)
	}
	clock.Advance(testBreaker.OpenFor)
	stall.Store(true)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := callWith(ctx, t, c, http.MethodGet, testID); !errors.Is(err, context.Canceled) {
		t.Fatalf("probe returned %v, want context.Canceled", err)
	}
	if got := c.BreakerState(); got != "half-open" {
		t.Errorf("BreakerState() = %q after a canceled probe, want half-open", got)
	}
	stall.Store(false)
	s.status.Store(200)
	if err := call(t, c, http.MethodGet, testID); err != nil || c.BreakerState() != "closed" {
		t.Errorf("next call returned %v, state %q; want it to probe and close the breaker", err, c.BreakerState())
	}
}

// TestBreakerDropsStaleResults: an attempt let through before the breaker
// opened and closed again says nothing about the new closed state.
func TestBreakerDropsStaleResults(t *testing.T) {
	s, gate := &switchable{}, newBlocker(t)
	c, clock := breakerClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			<-gate.release
			respond(500, "")(w, r)
			return
		}
		s.ServeHTTP(w, r)
	}, resilience.BreakerConfig{MinRequests: 1, FailureRatio: 1, OpenFor: time.Second})
	slow := make(chan error, 1)
	go func() { slow <- call(t, c, http.MethodDelete, testID) }()
	for c.Stats().Requests == 0 { // wait until the DELETE is let through
		time.Sleep(time.Millisecond)
	}
	s.status.Store(503)
	_ = call(t, c, http.MethodGet, testID) // opens
	clock.Advance(time.Second)
	s.status.Store(200)
	_ = call(t, c, http.MethodGet, testID) // the probe closes it
	gate.open()
	<-slow
	if got := c.BreakerState(); got != "closed" {
		t.Errorf("BreakerState() = %q after a stale failure, want closed", got)
	}
}
