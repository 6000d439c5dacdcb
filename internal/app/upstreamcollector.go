package app

import (
	"github.com/pigello-facade/pigello-facade/upstream"
	"github.com/prometheus/client_golang/prometheus"
)

// upstreamSource is what newUpstreamCollector reads; *upstream.Client is
// one.
type upstreamSource interface {
	Stats() upstream.Stats
	BreakerState() string
}

// newUpstreamCollector returns a collector reading the Pigello client's own
// counters at each scrape: the circuit breaker's state and the attempts the
// limiter and the breaker refused (those never reach Pigello, so no
// exchange reports them).
func newUpstreamCollector(src upstreamSource) prometheus.Collector {
	return &upstreamCollector{src: src}
}

var (
	breakerStateDesc = prometheus.NewDesc("pigello_upstream_breaker_state",
		"State of the circuit breaker in front of Pigello: 0 closed, 1 half-open, 2 open.", nil, nil)
	rejectedDesc = prometheus.NewDesc("pigello_upstream_limiter_rejections_total",
		"Attempts refused because no Pigello request slot came free in time (FACADE_OVERLOADED).", nil, nil)
	shortCircuitedDesc = prometheus.NewDesc("pigello_upstream_short_circuits_total",
		"Attempts refused at once by the open circuit breaker (PIGELLO_CIRCUIT_OPEN).", nil, nil)
)

type upstreamCollector struct{ src upstreamSource }

// Describe implements prometheus.Collector.
func (c *upstreamCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- breakerStateDesc
	ch <- rejectedDesc
	ch <- shortCircuitedDesc
}

// Collect implements prometheus.Collector.
func (c *upstreamCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Stats()
	ch <- prometheus.MustNewConstMetric(breakerStateDesc, prometheus.GaugeValue, breakerValue(c.src.BreakerState()))
	ch <- prometheus.MustNewConstMetric(rejectedDesc, prometheus.CounterValue, float64(s.Rejected))
	ch <- prometheus.MustNewConstMetric(shortCircuitedDesc, prometheus.CounterValue, float64(s.ShortCircuited))
}

func breakerValue(state string) float64 {
	switch state {
	case "half-open":
		return 1
	case "open":
		return 2
	}
	return 0
}
