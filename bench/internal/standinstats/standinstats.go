// Package standinstats is what the bench stand-in answers on GET /_stats,
// shared by the stand-in that writes it and benchrun that reads it.
package standinstats

// Stats are the stand-in's counters since it started.
type Stats struct {
	Connections int64 `json:"connections_accepted"`
	Handshakes  int64 `json:"tls_handshakes"`
	Requests    int64 `json:"requests"`
	RequestsH2  int64 `json:"requests_h2"`
	HeldNs      int64 `json:"held_ns"`
	HeldCount   int64 `json:"held_count"`
}

// Minus is what the counters rose by since before.
func (s Stats) Minus(before Stats) Stats {
	return Stats{
		Connections: s.Connections - before.Connections,
		Handshakes:  s.Handshakes - before.Handshakes,
		Requests:    s.Requests - before.Requests,
		RequestsH2:  s.RequestsH2 - before.RequestsH2,
		HeldNs:      s.HeldNs - before.HeldNs,
		HeldCount:   s.HeldCount - before.HeldCount,
	}
}
