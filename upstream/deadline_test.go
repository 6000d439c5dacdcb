package upstream

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pigello-facade/pigello-facade/resilience"
)

// TestRetriesStopBeforeDeadline: with waits faked, each wait the client asks
// for ends before the caller's deadline, and it stops when the next would not.
// The waits are long beside the real time the requests take (up to 15 s here
// leaves the answer unchanged), so a busy machine cannot change it.
func TestRetriesStopBeforeDeadline(t *testing.T) {
	const deadline = 35 * time.Second
	s := newScript(respond(503, ""))
	ctx, cancel := context.WithTimeout(t.Context(), deadline)
	defer cancel()
	end, _ := ctx.Deadline()
	var waits []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		if time.Now().Add(d).After(end) {
			t.Errorf("asked to wait %v, past the caller's deadline", d)
		}
		waits = append(waits, d)
		return nil
	}
	c, _ := setup(t, s.ServeHTTP, WithRetryPolicy(RetryPolicy{MaxAttempts: 10, BaseDelay: 10 * time.Second, MaxDelay: time.Minute}), withSleep(sleep))
	c.jitter = func(d time.Duration) time.Duration { return d }
	err := callWith(ctx, t, c, http.MethodGet, testID)
	if e, ok := errors.AsType[*Error](err); !ok || e.StatusCode != 503 {
		t.Errorf("GetWorkEngagement returned %v, want the last 503 at once", err)
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second} // 40s would end past 35s
	if diff := cmp.Diff(want, waits); diff != "" || s.requests() != 3 {
		t.Errorf("%d requests; waits mismatch (-want +got):\n%s", s.requests(), diff)
	}
}

// TestDeadlineNeverExceeded: with the client's own sleeps, against a
// Pigello that always answers 503 and backoff that grows far past the
// deadline, the call ends by the caller's deadline, having retried. It runs
// on synctest's fake clock, which makes the waits instant and the time
// taken exact.
func TestDeadlineNeverExceeded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const deadline = 2 * time.Second
		s := newScript(respond(503, ""))
		c := pipeClient(t, s.ServeHTTP, WithRetryPolicy(RetryPolicy{MaxAttempts: 100, BaseDelay: 100 * time.Millisecond, MaxDelay: 10 * time.Second}))
		ctx, cancel := context.WithTimeout(t.Context(), deadline)
		defer cancel()
		start := time.Now()
		err := callWith(ctx, t, c, http.MethodGet, testID)
		if took := time.Since(start); took > deadline {
			t.Errorf("GetWorkEngagement took %v, past the %v deadline", took, deadline)
		}
		if _, ok := errors.AsType[*Error](err); !ok && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("GetWorkEngagement returned %v, want a 503 or the deadline", err)
		}
		if s.requests() < 2 {
			t.Errorf("server saw %d requests, want retries within the deadline", s.requests())
		}
	})
}

func TestRetryEvents(t *testing.T) {
	s, rec, log := newScript(respond(503, ""), respond(502, ""), okFor), &recorder{}, &eventLog{}
	c, _ := setup(t, s.ServeHTTP, retrying(rec, WithObserver(log.observe))...)
	if err := call(t, c, http.MethodGet, testID); err != nil {
		t.Fatalf("GetWorkEngagement returned %v", err)
	}
	waits := rec.got()
	want := []Event{
		{Operation: "GetWorkEngagement", Method: "GET", StatusCode: 503, Attempt: 1, Retrying: true, RetryIn: waits[0]},
		{Operation: "GetWorkEngagement", Method: "GET", StatusCode: 502, Attempt: 2, Retrying: true, RetryIn: waits[1]},
		{Operation: "GetWorkEngagement", Method: "GET", StatusCode: 200, Attempt: 3},
	}
	got := log.got()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Event{}, "Duration", "Err")); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	for i, e := range got {
		if (e.Err != nil) != (i < 2) {
			t.Errorf("event %d Err = %v, want an error for the 5xx only", i, e.Err)
		}
	}
}

func TestCanceledWhileWaiting(t *testing.T) {
	s := newScript(respond(503, ""), okFor)
	ctx, cancel := context.WithCancel(t.Context())
	sleep := func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	c, _ := setup(t, s.ServeHTTP, WithRetryPolicy(RetryPolicy{}), withSleep(sleep))
	err := callWith(ctx, t, c, http.MethodGet, testID)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("GetWorkEngagement returned %v, want context.Canceled", err)
	}
	if _, ok := errors.AsType[*Error](err); ok {
		t.Errorf("GetWorkEngagement returned %v, want the context's error, not Pigello's", err)
	}
	if s.requests() != 1 {
		t.Errorf("server saw %d requests, want none after the cancel", s.requests())
	}
}

// TestRealSleepHonoursContext: sleepContext waits d, or until ctx ends,
// whichever is first (on synctest's fake clock, so exactly).
func TestRealSleepHonoursContext(t *testing.T) {
	tests := []struct {
		name      string
		ctxLimit  time.Duration
		sleep     time.Duration
		wantErr   error
		wantTaken time.Duration
	}{
		{name: "ctx ends first", ctxLimit: 20 * time.Millisecond, sleep: time.Hour, wantErr: context.DeadlineExceeded, wantTaken: 20 * time.Millisecond},
		{name: "sleep ends first", ctxLimit: time.Hour, sleep: time.Second, wantTaken: time.Second},
		{name: "nothing to wait", ctxLimit: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), tt.ctxLimit)
				defer cancel()
				start := time.Now()
				if err := sleepContext(ctx, tt.sleep); !errors.Is(err, tt.wantErr) {
					t.Errorf("sleepContext returned %v, want %v", err, tt.wantErr)
				}
				if took := time.Since(start); took != tt.wantTaken {
					t.Errorf("sleepContext took %v, want %v", took, tt.wantTaken)
				}
			})
		})
	}
}

func TestNewRejectsBadResilienceOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
	}{
		{"negative attempts", WithRetryPolicy(RetryPolicy{MaxAttempts: -1})},
		{"negative delay", WithRetryPolicy(RetryPolicy{BaseDelay: -time.Second})},
		{"negative attempt timeout", WithAttemptTimeout(-time.Second)},
		{"ratio over 1", WithBreaker(resilience.BreakerConfig{MinRequests: 1, FailureRatio: 1.5})},
		{"negative window", WithBreaker(resilience.BreakerConfig{MinRequests: 1, Window: -time.Second})},
		{"both credential sources", WithCredentialsFromContext()},
	}
	for _, tt := range tests {
		_, err := New("https://dev.api.pigello.io", http.DefaultClient, WithCredentials(testCreds), tt.opt)
		if err == nil || !strings.HasPrefix(err.Error(), "upstream: ") {
			t.Errorf("%s: New returned %v, want an upstream error", tt.name, err)
		}
	}
}
