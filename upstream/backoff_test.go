package upstream

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		retryAfter   string
		timeout      time.Duration // of the caller's context; 0: none
		wantRequests int
		wantWaits    []time.Duration
	}{
		{name: "503 waits Retry-After", status: 503, retryAfter: "2", wantRequests: 2, wantWaits: []time.Duration{2 * time.Second}},
		{name: "429 waits Retry-After", status: 429, retryAfter: "1", wantRequests: 2, wantWaits: []time.Duration{time.Second}},
		{name: "Retry-After within the deadline", status: 503, retryAfter: "1", timeout: 10 * time.Second, wantRequests: 2, wantWaits: []time.Duration{time.Second}},
		{name: "Retry-After beyond the deadline", status: 429, retryAfter: "7", timeout: time.Second, wantRequests: 1},
		{name: "Retry-After at MaxRetryAfter", status: 503, retryAfter: "30", wantRequests: 2, wantWaits: []time.Duration{30 * time.Second}},
		{name: "Retry-After beyond MaxRetryAfter", status: 503, retryAfter: "31", wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rec := newScript(respond(tt.status, "", "Retry-After", tt.retryAfter), okFor), &recorder{}
			c, _ := setup(t, s.ServeHTTP, retrying(rec)...)
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			err := callWith(ctx, t, c, http.MethodGet, testID)
			if s.requests() != tt.wantRequests {
				t.Errorf("server saw %d requests, want %d", s.requests(), tt.wantRequests)
			}
			if diff := cmp.Diff(tt.wantWaits, rec.got(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
			if tt.wantRequests == 1 {
				e, ok := errors.AsType[*Error](err)
				if !ok || e.StatusCode != tt.status || e.RetryAfter.String() != tt.retryAfter+"s" {
					t.Errorf("GetWorkEngagement returned %v, want the %d with its Retry-After", err, tt.status)
				}
			}
		})
	}
}

func TestCeiling(t *testing.T) {
	p, _ := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	want := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, w := range want {
		if got := p.ceiling(i + 1); got != w*time.Millisecond {
			t.Errorf("ceiling(%d) = %v, want %v", i+1, got, w*time.Millisecond)
		}
	}
	huge := RetryPolicy{BaseDelay: time.Hour, MaxDelay: 1<<63 - 1}
	if got := huge.ceiling(200); got != huge.MaxDelay {
		t.Errorf("ceiling(200) with a huge MaxDelay = %v, want it capped without overflow", got)
	}
}

func TestBackoffCappedAndJittered(t *testing.T) {
	policy := RetryPolicy{MaxAttempts: 8, BaseDelay: 100 * time.Millisecond, MaxDelay: 500 * time.Millisecond}
	ceilings := []time.Duration{100, 200, 400, 500, 500, 500, 500}
	t.Run("ceiling", func(t *testing.T) {
		s, rec := newScript(respond(503, "")), &recorder{}
		c, _ := setup(t, s.ServeHTTP, WithRetryPolicy(policy), withSleep(rec.sleep))
		c.jitter = func(d time.Duration) time.Duration { return d } // the top of the range
		_ = call(t, c, http.MethodGet, testID)
		var want []time.Duration
		for _, d := range ceilings {
			want = append(want, d*time.Millisecond)
		}
		if diff := cmp.Diff(want, rec.got()); diff != "" {
			t.Errorf("waits mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("jitter", func(t *testing.T) {
		distinct := map[time.Duration]bool{}
		for range 20 {
			s, rec := newScript(respond(503, "")), &recorder{}
			c, _ := setup(t, s.ServeHTTP, WithRetryPolicy(policy), withSleep(rec.sleep))
			_ = call(t, c, http.MethodGet, testID)
			for i, d := range rec.got() {
				if d < 0 || d >= ceilings[i]*time.Millisecond {
					t.Errorf("wait %d = %v, want in [0, %v)", i+1, d, ceilings[i]*time.Millisecond)
				}
				distinct[d] = true
			}
		}
		if len(distinct) < 100 {
			t.Errorf("140 waits took %d distinct values, want them jittered", len(distinct))
		}
	})
}

func TestMaxAttempts(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			s, rec, log := newScript(respond(503, "")), &recorder{}, &eventLog{}
			c, _ := setup(t, s.ServeHTTP, WithRetryPolicy(RetryPolicy{MaxAttempts: n}), withSleep(rec.sleep), WithObserver(log.observe))
			err := call(t, c, http.MethodGet, testID)
			if e, ok := errors.AsType[*Error](err); !ok || e.StatusCode != 503 {
				t.Errorf("GetWorkEngagement returned %v, want the last 503", err)
			}
			if s.requests() != n {
				t.Errorf("server saw %d requests, want %d", s.requests(), n)
			}
			waits, events := rec.got(), log.got()
			if len(events) != n {
				t.Fatalf("%d events, want %d", len(events), n)
			}
			for i, e := range events {
				last := i == n-1
				if e.Attempt != i+1 || e.StatusCode != 503 || e.Retrying == last || (!last && e.RetryIn != waits[i]) || (last && e.Err != err) {
					t.Errorf("event %d = %+v, want attempt %d, retrying %v", i, e, i+1, !last)
				}
			}
			if got, want := c.Stats(), (Stats{Requests: uint64(n), Retries: uint64(n - 1)}); got != want {
				t.Errorf("Stats() = %+v, want %+v", got, want)
			}
		})
	}
}
