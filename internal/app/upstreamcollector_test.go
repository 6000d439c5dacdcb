package app

import (
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/upstream"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

type fakeSource struct {
	stats upstream.Stats
	state string
}

func (f fakeSource) Stats() upstream.Stats { return f.stats }
func (f fakeSource) BreakerState() string  { return f.state }

func TestUpstreamCollector(t *testing.T) {
	for state, want := range map[string]string{"closed": "0", "half-open": "1", "open": "2"} {
		src := fakeSource{stats: upstream.Stats{Rejected: 3, ShortCircuited: 5}, state: state}
		expected := `
# HELP pigello_upstream_breaker_state State of the circuit breaker in front of Pigello: 0 closed, 1 half-open, 2 open.
# TYPE pigello_upstream_breaker_state gauge
pigello_upstream_breaker_state ` + want + `
# HELP pigello_upstream_limiter_rejections_total Attempts refused because no Pigello request slot came free in time (FACADE_OVERLOADED).
# TYPE pigello_upstream_limiter_rejections_total counter
pigello_upstream_limiter_rejections_total 3
# HELP pigello_upstream_short_circuits_total Attempts refused at once by the open circuit breaker (PIGELLO_CIRCUIT_OPEN).
# TYPE pigello_upstream_short_circuits_total counter
pigello_upstream_short_circuits_total 5
`
		if err := testutil.CollectAndCompare(newUpstreamCollector(src), strings.NewReader(expected)); err != nil {
			t.Errorf("breaker %s: %v", state, err)
		}
	}
}
