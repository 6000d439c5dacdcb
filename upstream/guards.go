package upstream

import (
	"errors"
	"fmt"

	"github.com/pigello-facade/pigello-facade/resilience"
)

// WithLimiter allows at most cfg.MaxConcurrency requests in flight to
// Pigello at once; without this option, or with MaxConcurrency ≤ 0, there is
// no bound. Each attempt holds a slot only while it is on the wire: a call
// waiting between retries holds none. A call that finds no free slot within
// cfg.QueueTimeout (0: no waiting at all), or before its context ends, fails
// at once with an error wrapping ErrOverloaded and sends nothing; a retry
// refused this way ends the call with the previous attempt's error. Waiting
// calls get slots in the order they came.
func WithLimiter(cfg resilience.LimiterConfig) Option {
	return func(cl *Client) { cl.limiter = resilience.NewLimiter(cfg) }
}

// WithBreaker puts a circuit breaker configured by cfg in front of Pigello
// (see resilience.BreakerConfig for how it counts, opens and probes). Each
// attempt of a retried call passes through it, so an open breaker also ends
// retrying; a refused attempt fails with ErrCircuitOpen and sends nothing.
// Without this option there is no breaker.
//
// What an attempt tells it: transport failures (ErrUnreachable, per-attempt
// timeouts included), 5xx answers, and the caller's deadline passing while
// Pigello had not answered are failures; 2xx and 4xx answers, 429 included,
// and a 2xx whose body was unusable are successes; an attempt the caller
// canceled, or one the limiter refused, is neither and not counted.
func WithBreaker(cfg resilience.BreakerConfig) Option {
	return func(cl *Client) { cl.breakerConfig = &cfg }
}

// BreakerState returns "closed", "open" or "half-open"; "closed" when the
// Client has no breaker. "half-open" means OpenFor has passed and the next
// call will be (or is) the probe.
func (c *Client) BreakerState() string {
	return c.breaker.State().String()
}

// overloaded is the error of a call the limiter refused with err: ErrFull,
// or the caller's context error, which joins ErrOverloaded in the chain.
func overloaded(op string, err error) error {
	if errors.Is(err, resilience.ErrFull) {
		return fmt.Errorf("upstream: %s: %w", op, ErrOverloaded)
	}
	return fmt.Errorf("upstream: %s: %w: %w", op, ErrOverloaded, err)
}
