package upstream

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Defaults of BreakerConfig's zero fields.
const (
	defaultBreakerWindow  = 10 * time.Second
	defaultFailureRatio   = 0.5
	defaultBreakerOpenFor = 5 * time.Second
	// breakerBuckets is how many slices the window is counted in; the
	// oldest slice drops out whole as time moves on.
	breakerBuckets = 10
)

// BreakerConfig configures the circuit breaker of WithBreaker.
//
// The breaker counts the attempts that went to Pigello in a rolling Window
// (in ten buckets). Failures are transport failures (ErrUnreachable, per-
// attempt timeouts included), 5xx answers, and the caller's deadline passing
// while Pigello had not answered. 2xx and 4xx answers, 429 included, count
// as successes; an attempt the caller canceled is not counted at all. After
// a failure, if the window holds at least MinRequests attempts and
// failures/attempts ≥ FailureRatio, the breaker opens: for OpenFor every
// call fails at once with ErrCircuitOpen and nothing is sent. Then it is
// half-open and lets exactly one attempt through as a probe, refusing the
// others; a probe that succeeds closes it with a fresh window, one that
// fails opens it for another OpenFor.
type BreakerConfig struct {
	Window       time.Duration // rolling window; 0 means 10s
	MinRequests  int           // attempts in the window before it may open, 20 is typical; 0 or less disables the breaker
	FailureRatio float64       // in (0, 1]; 0 means 0.5
	OpenFor      time.Duration // time open before a probe; 0 means 5s
}

// WithBreaker puts a circuit breaker configured by cfg in front of
// Pigello. Each attempt of a retried call passes through it, so an open
// breaker also ends retrying. Without this option there is no breaker.
func WithBreaker(cfg BreakerConfig) Option {
	return func(cl *Client) { cl.breakerConfig = &cfg }
}

// BreakerState returns "closed", "open" or "half-open"; "closed" when the
// Client has no breaker. "half-open" means OpenFor has passed and the next
// call will be (or is) the probe.
func (c *Client) BreakerState() string {
	if c.breaker == nil {
		return stateClosed.String()
	}
	c.breaker.mu.Lock()
	defer c.breaker.mu.Unlock()
	return c.breaker.current(c.breaker.now()).String()
}

type breakerState uint8

const (
	stateClosed breakerState = iota
	stateOpen
	stateHalfOpen
)

func (s breakerState) String() string {
	return [...]string{"closed", "open", "half-open"}[s]
}

// verdict is what one attempt says about Pigello's health.
type verdict uint8

const (
	verdictIgnore verdict = iota
	verdictSuccess
	verdictFailure
)

// breaker is the state machine described at BreakerConfig.
type breaker struct {
	cfg   BreakerConfig
	width time.Duration    // of a bucket
	now   func() time.Time // replaced by tests

	mu       sync.Mutex
	state    breakerState
	gen      uint64 // bumped on each state change; results of older ones are dropped
	openedAt time.Time
	probing  bool // half-open and the probe is out
	buckets  [breakerBuckets]bucket
}

// bucket counts the attempts of one slice of time, numbered slot.
type bucket struct {
	slot               int64
	requests, failures int
}

// newBreaker checks cfg and returns nil when it disables the breaker.
func newBreaker(cfg BreakerConfig) (*breaker, error) {
	if cfg.Window < 0 || cfg.OpenFor < 0 || math.IsNaN(cfg.FailureRatio) || cfg.FailureRatio < 0 || cfg.FailureRatio > 1 {
		return nil, fmt.Errorf("upstream: invalid breaker config: %+v", cfg)
	}
	if cfg.MinRequests <= 0 {
		return nil, nil
	}
	if cfg.Window == 0 {
		cfg.Window = defaultBreakerWindow
	}
	if cfg.FailureRatio == 0 {
		cfg.FailureRatio = defaultFailureRatio
	}
	if cfg.OpenFor == 0 {
		cfg.OpenFor = defaultBreakerOpenFor
	}
	return &breaker{cfg: cfg, width: max(cfg.Window/breakerBuckets, 1), now: time.Now}, nil
}

// ticket is a pass through the breaker, to be handed back with the
// attempt's verdict. The zero ticket (no breaker) ignores it.
type ticket struct {
	b     *breaker
	gen   uint64
	probe bool
}

// allow lets an attempt through, or refuses it while open or while the
// half-open probe is out. A nil breaker always allows.
func (b *breaker) allow() (ticket, bool) {
	if b == nil {
		return ticket{}, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.current(b.now()) {
	case stateClosed:
		return ticket{b: b, gen: b.gen}, true
	case stateHalfOpen:
		if !b.probing {
			b.probing = true
			return ticket{b: b, gen: b.gen, probe: true}, true
		}
	}
	return ticket{}, false
}

// wouldAllow reports whether allow would let an attempt through now, so a
// retry is not promised that the breaker is sure to refuse.
func (b *breaker) wouldAllow() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.current(b.now())
	return s == stateClosed || (s == stateHalfOpen && !b.probing)
}

// done records the verdict of the attempt t let through.
func (t ticket) done(v verdict) {
	b := t.b
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if t.gen != b.gen {
		return // admitted before the state changed: says nothing of the new one
	}
	now := b.now()
	switch {
	case t.probe && v == verdictSuccess:
		b.setState(stateClosed)
		b.buckets = [breakerBuckets]bucket{}
	case t.probe && v == verdictFailure:
		b.trip(now)
	case t.probe:
		b.probing = false // not sent, or canceled: the next call probes
	case v != verdictIgnore:
		b.record(now, v == verdictFailure)
	}
}

// current returns the state at now, turning open into half-open once
// OpenFor has passed.
func (b *breaker) current(now time.Time) breakerState {
	if b.state == stateOpen && !now.Before(b.openedAt.Add(b.cfg.OpenFor)) {
		b.setState(stateHalfOpen)
	}
	return b.state
}

func (b *breaker) setState(s breakerState) {
	b.state, b.probing = s, false
	b.gen++
}

func (b *breaker) trip(now time.Time) {
	b.setState(stateOpen)
	b.openedAt = now
}

// record counts a closed-state attempt and opens the breaker if a failure
// brings the window over the threshold.
func (b *breaker) record(now time.Time, failed bool) {
	slot := now.UnixNano() / int64(b.width)
	bk := &b.buckets[(slot%breakerBuckets+breakerBuckets)%breakerBuckets]
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
		if x.slot > slot-breakerBuckets && x.slot <= slot {
			requests += x.requests
			failures += x.failures
		}
	}
	if requests >= b.cfg.MinRequests && float64(failures) >= b.cfg.FailureRatio*float64(requests) {
		b.trip(now)
	}
}
