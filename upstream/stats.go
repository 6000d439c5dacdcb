package upstream

import "sync/atomic"

// Stats are a Client's counters since New, for metrics. Each is a total:
// take differences between two readings for rates.
type Stats struct {
	Requests       uint64 // attempts sent to Pigello, retries included
	Retries        uint64 // attempts sent after a call's first
	Rejected       uint64 // attempts refused by WithLimiter's bound
	ShortCircuited uint64 // attempts refused by the open circuit breaker
}

// counters back Stats. They sit behind a pointer so that copying a Client
// (fmt does, when printing one) copies no atomic value.
type counters struct {
	requests, retries, rejected, shortCircuited atomic.Uint64
}

// Stats returns the client's counters. Each is read atomically, but not all
// four at one instant.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:       c.stats.requests.Load(),
		Retries:        c.stats.retries.Load(),
		Rejected:       c.stats.rejected.Load(),
		ShortCircuited: c.stats.shortCircuited.Load(),
	}
}
