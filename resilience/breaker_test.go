package resilience

import (
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

var testConfig = BreakerConfig{Window: 10 * time.Second, MinRequests: 4, FailureRatio: 0.5, OpenFor: 5 * time.Second}

// setup returns a breaker of cfg on a fake clock.
func setup(t *testing.T, cfg BreakerConfig) (*Breaker, *testkit.Clock) {
	t.Helper()
	clock := testkit.NewClock()
	b, err := NewBreaker(cfg, clock.Now)
	if err != nil || b == nil {
		t.Fatalf("NewBreaker(%+v) = %v, %v; want a breaker", cfg, b, err)
	}
	return b, clock
}

// pass lets one request through and reports v, failing the test if the
// breaker refuses it.
func pass(t *testing.T, b *Breaker, v Verdict) {
	t.Helper()
	tk, ok := b.Allow()
	if !ok {
		t.Fatalf("Allow refused a request in state %v", b.State())
	}
	tk.Done(v)
}

// trip opens b with MinRequests failures.
func trip(t *testing.T, b *Breaker) {
	t.Helper()
	for range b.cfg.MinRequests {
		pass(t, b, Failure)
	}
	if got := b.State(); got != Open {
		t.Fatalf("State() = %v after %d failures, want open", got, b.cfg.MinRequests)
	}
}

func TestBreakerCounts(t *testing.T) {
	const s, f, n = Success, Failure, Neither
	tests := []struct {
		name     string
		verdicts []Verdict
		want     State
	}{
		{"ratio reached at MinRequests", []Verdict{s, s, f, f}, Open},
		{"all failing", []Verdict{f, f, f, f}, Open},
		{"below the ratio", []Verdict{s, s, s, f}, Closed},
		{"too few requests", []Verdict{f, f, f}, Closed},
		{"neither is not counted", []Verdict{n, n, n, n, n, f, f, f}, Closed},
		{"opens only on a failure", []Verdict{f, f, s, s}, Closed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := setup(t, testConfig)
			for _, v := range tt.verdicts {
				pass(t, b, v)
			}
			if got := b.State(); got != tt.want {
				t.Errorf("State() = %v, want %v", got, tt.want)
			}
			if _, ok := b.Allow(); ok != (tt.want == Closed) {
				t.Errorf("Allow() = %v in state %v", ok, tt.want)
			}
		})
	}
}

func TestBreakerWindowRolls(t *testing.T) {
	b, clock := setup(t, testConfig)
	for range 3 {
		pass(t, b, Failure)
	}
	clock.Advance(testConfig.Window + time.Second) // the three failures age out
	pass(t, b, Failure)
	if got := b.State(); got != Closed {
		t.Errorf("State() = %v, want closed: only 1 request in the window", got)
	}
	clock.Advance(time.Second)
	for range 3 {
		pass(t, b, Failure)
	}
	if got := b.State(); got != Open {
		t.Errorf("State() = %v, want open after 4 failures within the window", got)
	}
}

// TestBreakerCountsWhenReported: a request that outlasts the window, as
// requests to a silent upstream do, still counts when its failure comes
// in. (gobreaker drops such a result: see the package doc.)
func TestBreakerCountsWhenReported(t *testing.T) {
	b, clock := setup(t, BreakerConfig{Window: time.Second, MinRequests: 2, FailureRatio: 1, OpenFor: time.Minute})
	var hanging []Ticket
	for range 2 {
		tk, _ := b.Allow()
		hanging = append(hanging, tk)
	}
	clock.Advance(30 * time.Second)
	for _, tk := range hanging {
		tk.Done(Failure)
	}
	if got := b.State(); got != Open {
		t.Errorf("State() = %v after two failures reported within the window, want open", got)
	}
}

func TestBreakerHalfOpen(t *testing.T) {
	tests := []struct {
		probe Verdict
		want  State
	}{
		{Success, Closed},
		{Failure, Open},
		{Neither, HalfOpen},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			b, clock := setup(t, testConfig)
			trip(t, b)
			clock.Advance(testConfig.OpenFor - time.Nanosecond)
			if _, ok := b.Allow(); ok || b.State() != Open {
				t.Fatalf("Allow() let a request through before OpenFor, state %v", b.State())
			}
			clock.Advance(time.Nanosecond)
			if got := b.State(); got != HalfOpen {
				t.Fatalf("State() = %v after OpenFor, want half-open", got)
			}
			probe, ok := b.Allow()
			if !ok {
				t.Fatal("Allow() refused the probe")
			}
			if _, ok := b.Allow(); ok {
				t.Error("Allow() let a second request through while the probe is out")
			}
			if b.WouldAllow() {
				t.Error("WouldAllow() = true while the probe is out")
			}
			probe.Done(tt.probe)
			if got := b.State(); got != tt.want {
				t.Errorf("State() = %v after a %v probe, want %v", got, tt.probe, tt.want)
			}
			if tt.want == Open {
				clock.Advance(testConfig.OpenFor - time.Nanosecond)
				if b.State() != Open {
					t.Error("a failed probe did not open the breaker for another OpenFor")
				}
			}
		})
	}
}

// TestBreakerFreshWindow: a probe that closes the breaker leaves none of
// the failures that opened it in the window.
func TestBreakerFreshWindow(t *testing.T) {
	b, clock := setup(t, testConfig)
	trip(t, b)
	clock.Advance(testConfig.OpenFor)
	pass(t, b, Success)
	for range testConfig.MinRequests - 1 {
		pass(t, b, Failure)
	}
	if got := b.State(); got != Closed {
		t.Errorf("State() = %v, want closed: only %d requests since it closed", got, testConfig.MinRequests-1)
	}
}

// TestBreakerDropsStaleResults: a request let through before the breaker
// opened and closed again says nothing about the new closed state, nor
// does one let through before it opened about the open state.
func TestBreakerDropsStaleResults(t *testing.T) {
	b, clock := setup(t, BreakerConfig{MinRequests: 1, FailureRatio: 1, OpenFor: time.Second})
	slow, _ := b.Allow()
	also, _ := b.Allow()
	pass(t, b, Failure) // opens
	also.Done(Success)
	if got := b.State(); got != Open {
		t.Fatalf("State() = %v after a stale success, want open", got)
	}
	clock.Advance(time.Second)
	pass(t, b, Success) // the probe closes it
	slow.Done(Failure)
	if got := b.State(); got != Closed {
		t.Errorf("State() = %v after a stale failure, want closed", got)
	}
}

func TestNewBreaker(t *testing.T) {
	tests := []struct {
		name    string
		cfg     BreakerConfig
		wantNil bool
		wantErr bool
	}{
		{"disabled", BreakerConfig{}, true, false},
		{"negative MinRequests disables", BreakerConfig{MinRequests: -1}, true, false},
		{"defaults", BreakerConfig{MinRequests: 1}, false, false},
		{"ratio over 1", BreakerConfig{MinRequests: 1, FailureRatio: 1.5}, true, true},
		{"negative ratio", BreakerConfig{MinRequests: 1, FailureRatio: -0.1}, true, true},
		{"negative window", BreakerConfig{MinRequests: 1, Window: -time.Second}, true, true},
		{"negative open time", BreakerConfig{MinRequests: 1, OpenFor: -time.Second}, true, true},
	}
	for _, tt := range tests {
		b, err := NewBreaker(tt.cfg, nil)
		if (b == nil) != tt.wantNil || (err != nil) != tt.wantErr {
			t.Errorf("%s: NewBreaker = %v, %v; want nil %v, error %v", tt.name, b, err, tt.wantNil, tt.wantErr)
		}
	}
	b, _ := NewBreaker(BreakerConfig{MinRequests: 1}, nil)
	want := BreakerConfig{Window: 10 * time.Second, MinRequests: 1, FailureRatio: 0.5, OpenFor: 5 * time.Second}
	if b.cfg != want {
		t.Errorf("defaults: %+v, want %+v", b.cfg, want)
	}
}

// TestNilBreaker: no breaker lets everything through.
func TestNilBreaker(t *testing.T) {
	var b *Breaker
	tk, ok := b.Allow()
	tk.Done(Failure)
	if !ok || !b.WouldAllow() || b.State() != Closed {
		t.Errorf("nil breaker: Allow %v, WouldAllow %v, State %v; want true, true, closed", ok, b.WouldAllow(), b.State())
	}
}
