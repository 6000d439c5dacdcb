package upstream

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/resilience"
)

// switchable answers with whatever status it is set to (200: okFor) and
// counts requests.
type switchable struct {
	status atomic.Int32
	n      atomic.Int32
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.n.Add(1)
	if st := int(s.status.Load()); st != http.StatusOK {
		respond(st, "")(w, r)
		return
	}
	okFor(w, r)
}

// breakerClient returns a client with the breaker WithBreaker(cfg) built,
// put on a fake clock.
func breakerClient(t *testing.T, h http.HandlerFunc, cfg resilience.BreakerConfig, opts ...Option) (*Client, *testkit.Clock) {
	t.Helper()
	c, _ := setup(t, h, append([]Option{WithBreaker(cfg)}, opts...)...)
	if c.breaker == nil {
		t.Fatalf("WithBreaker(%+v) built no breaker", cfg)
	}
	clock := testkit.NewClock()
	var err error
	if c.breaker, err = resilience.NewBreaker(cfg, clock.Now); err != nil {
		t.Fatal(err)
	}
	return c, clock
}

var testBreaker = resilience.BreakerConfig{Window: 10 * time.Second, MinRequests: 4, FailureRatio: 0.5, OpenFor: 5 * time.Second}

func TestBreakerOpens(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int // answers, in order
		wantOpen bool
	}{
		{"ratio reached at MinRequests", []int{200, 200, 500, 503}, true},
		{"all failing", []int{502, 503, 504, 500}, true},
		{"below the ratio", []int{200, 200, 200, 500}, false},
		{"too few requests", []int{500, 500, 500}, false},
		{"4xx never count as failures", []int{400, 401, 403, 404, 409, 429, 429, 429}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &switchable{}
			c, _ := breakerClient(t, s.ServeHTTP, testBreaker)
			for _, st := range tt.statuses {
				s.status.Store(int32(st))
				_ = call(t, c, http.MethodGet, testID)
			}
			if got := c.BreakerState(); (got == "open") != tt.wantOpen {
				t.Fatalf("BreakerState() = %q, want open: %v", got, tt.wantOpen)
			}
			before := s.n.Load()
			s.status.Store(200)
			err := call(t, c, http.MethodGet, testID)
			if tt.wantOpen {
				if !errors.Is(err, ErrCircuitOpen) || s.n.Load() != before || c.Stats().ShortCircuited != 1 {
					t.Errorf("call returned %v with %d new requests, want ErrCircuitOpen and none", err, s.n.Load()-before)
				}
			} else if err != nil {
				t.Errorf("call returned %v, want success through a closed breaker", err)
			}
		})
	}
}

func TestBreakerDisabled(t *testing.T) {
	s := &switchable{}
	s.status.Store(500)
	c, _ := setup(t, s.ServeHTTP, WithBreaker(resilience.BreakerConfig{}))
	for range 50 {
		_ = call(t, c, http.MethodGet, testID)
	}
	if c.breaker != nil || c.BreakerState() != "closed" || s.n.Load() != 50 {
		t.Errorf("MinRequests 0: breaker %v, state %q, %d requests; want none, closed, 50", c.breaker, c.BreakerState(), s.n.Load())
	}
}
