package resilience

import (
	"cmp"
	"fmt"
	"math"
	"sync"
	"time"
)

// Defaults of BreakerConfig's zero fields.
const (
	defaultWindow       = 10 * time.Second
	defaultFailureRatio = 0.5
	defaultOpenFor      = 5 * time.Second
	// buckets is how many slices the window is counted in; the oldest
	// slice drops out whole as time moves on.
	buckets = 10
)

// BreakerConfig configures a [Breaker].
//
// The breaker counts the verdicts of the requests it let through in a
// rolling Window (in ten buckets), each when it is reported, however long
// ago its request was let through. A [Neither] verdict is not counted at
// all. After a failure, if the window holds at least MinRequests counted
// requests and failures/requests ≥ FailureRatio, the breaker opens: for
// OpenFor it refuses every request. Then it is half-open and lets exactly
// one request through as a probe, refusing the others; a probe that
// succeeds closes it with a fresh window, one that fails opens it for
// another OpenFor, and one judged Neither leaves it half-open for the next
// request to probe.
type BreakerConfig struct {
	Window       time.Duration // rolling window; 0 means 10s
	MinRequests  int           // counted requests in the window before it may open, 20 is typical; 0 or less disables the breaker
	FailureRatio float64       // in (0, 1]; 0 means 0.5
	OpenFor      time.Duration // time open before a probe; 0 means 5s
}

// State is a breaker's state.
type State uint8

// The states of a Breaker.
const (
	Closed   State = iota // requests pass and are counted
	Open                  // requests are refused
	HalfOpen              // OpenFor has passed: the next request is (or is out as) the probe
)

// String returns "closed", "open" or "half-open".
func (s State) String() string {
	return [...]string{"closed", "open", "half-open"}[s]
}

// Verdict is what one request says about the service's health.
type Verdict uint8

// The verdicts a Ticket is handed back with.
const (
	// Neither says nothing about the service: a request the caller
	// abandoned, or one that was never sent.
	Neither Verdict = iota
	Success
	Failure
)

// Breaker is the circuit breaker described at BreakerConfig. It is safe
// for concurrent use. A nil *Breaker lets every request through.
type Breaker struct {
	cfg   BreakerConfig
	width time.Duration // of a bucket
	now   func() time.Time

	mu       sync.Mutex
	state    State
	gen      uint64 // bumped on each state change; results of older ones are dropped
	openedAt time.Time
	probing  bool // half-open and the probe is out
	buckets  [buckets]bucket
}

// bucket counts the verdicts of one slice of time, numbered slot.
type bucket struct {
	slot               int64
	requests, failures int
}

// NewBreaker checks cfg and returns a Breaker reading time from now
// (time.Now if nil), or nil when cfg disables the breaker.
func NewBreaker(cfg BreakerConfig, now func() time.Time) (*Breaker, error) {
	if cfg.Window < 0 || cfg.OpenFor < 0 || math.IsNaN(cfg.FailureRatio) || cfg.FailureRatio < 0 || cfg.FailureRatio > 1 {
		return nil, fmt.Errorf("resilience: invalid breaker config: %+v", cfg)
	}
	if cfg.MinRequests <= 0 {
		return nil, nil
	}
	cfg.Window = cmp.Or(cfg.Window, defaultWindow)
	cfg.FailureRatio = cmp.Or(cfg.FailureRatio, defaultFailureRatio)
	cfg.OpenFor = cmp.Or(cfg.OpenFor, defaultOpenFor)
	if now == nil {
		now = time.Now
	}
	return &Breaker{cfg: cfg, width: max(cfg.Window/buckets, 1), now: now}, nil
}

// Ticket is a pass through the breaker, to be handed back with the
// request's verdict. The zero Ticket (from a nil Breaker) ignores it.
type Ticket struct {
	b     *Breaker
	gen   uint64
	probe bool
}

// Allow lets a request through, or refuses it while open or while the
// half-open probe is out.
func (b *Breaker) Allow() (Ticket, bool) {
	if b == nil {
		return Ticket{}, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.current(b.now()) {
	case Closed:
		return Ticket{b: b, gen: b.gen}, true
	case HalfOpen:
		if !b.probing {
			b.probing = true
			return Ticket{b: b, gen: b.gen, probe: true}, true
		}
	}
	return Ticket{}, false
}

// WouldAllow reports whether Allow would let a request through now, so a
// retry is not promised that the breaker is sure to refuse.
func (b *Breaker) WouldAllow() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.current(b.now())
	return s == Closed || (s == HalfOpen && !b.probing)
}

// State returns the breaker's state now; Closed for a nil Breaker.
func (b *Breaker) State() State {
	if b == nil {
		return Closed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.current(b.now())
}

// Done records the verdict of the request t let through. A verdict
// reported after the breaker changed state is dropped: the request was let
// through under another state and says nothing of this one.
func (t Ticket) Done(v Verdict) {
	b := t.b
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.gen != b.gen {
		return
	}
	now := b.now()
	switch {
	case t.probe && v == Success:
		b.setState(Closed)
		b.buckets = [buckets]bucket{}
	case t.probe && v == Failure:
		b.trip(now)
	case t.probe:
		b.probing = false // the next request probes
	case v != Neither:
		b.record(now, v == Failure)
	}
}

// current returns the state at now, turning open into half-open once
// OpenFor has passed.
func (b *Breaker) current(now time.Time) State {
	if b.state == Open && !now.Before(b.openedAt.Add(b.cfg.OpenFor)) {
		b.setState(HalfOpen)
	}
	return b.state
}

func (b *Breaker) setState(s State) {
	b.state, b.probing = s, false
	b.gen++
}

func (b *Breaker) trip(now time.Time) {
	b.setState(Open)
	b.openedAt = now
}

// record counts a closed-state verdict and opens the breaker if a failure
// brings the window over the threshold.
func (b *Breaker) record(now time.Time, failed bool) {
	slot := now.UnixNano() / int64(b.width)
	bk := &b.buckets[(slot%buckets+buckets)%buckets]
	if bk.slot != slot {
		*bk = bucket{slot: slot}
	}
	bk.requests++
	if !failed {
		return
	}
	bk.failures++
	var requests, failures int
	for _, x := range b.buckets {
		if x.slot > slot-buckets && x.slot <= slot {
			requests += x.requests
			failures += x.failures
		}
	}
	if requests >= b.cfg.MinRequests && float64(failures) >= b.cfg.FailureRatio*float64(requests) {
		b.trip(now)
	}
}
