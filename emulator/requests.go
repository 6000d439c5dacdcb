package emulator

import (
	"net/http"
	"slices"
	"strings"
	"sync"
)

// maxRecorded bounds the request log, so an emulator left running (make run)
// does not grow without limit; the oldest requests are dropped first.
const maxRecorded = 1000

// Request is one request the emulator received, as recorded for tests.
type Request struct {
	Method   string
	Path     string // escaped, exactly as sent
	RawQuery string
	Header   http.Header // a clone, credentials included
	Body     []byte      // at most the 1 MiB the emulator reads
}

// requestLog records requests in arrival order.
type requestLog struct {
	mu      sync.Mutex
	entries []Request
}

func (l *requestLog) add(r *http.Request, body []byte) {
	entry := Request{
		Method:   r.Method,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     slices.Clone(body),
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) == maxRecorded {
		l.entries = slices.Delete(l.entries, 0, 1)
	}
	l.entries = append(l.entries, entry)
}

// list returns deep copies, so callers can neither race with nor alter the log.
func (l *requestLog) list() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.entries))
	for i, r := range l.entries {
		r.Header = r.Header.Clone()
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// count returns how many recorded requests m, normalized, matches.
func (l *requestLog) count(m Match) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.entries {
		pk, _ := matchDetail(r.Path)
		if m.matches(r.Method, pk) {
			n++
		}
	}
	return n
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// Requests returns the requests received since New or the last
// ResetRequests, oldest first: every request except those to the inspection
// endpoint, including refused ones. Only the latest 1000 are kept.
func (e *Emulator) Requests() []Request {
	return e.log.list()
}

// Count returns how many of the requests Requests would return m matches,
// counting faulted and refused requests too: every attempt a client made.
// The zero Match counts them all.
func (e *Emulator) Count(m Match) int {
	m.Method, m.ID = strings.ToUpper(m.Method), strings.ToLower(m.ID)
	return e.log.count(m)
}

// ResetRequests forgets every recorded request.
func (e *Emulator) ResetRequests() {
	e.log.reset()
}

// isSecretHeader reports whether a header's values must never leave the
// emulator: the Pigello credentials, and the usual carriers of credentials.
func isSecretHeader(name string) bool {
	name = http.CanonicalHeaderKey(name)
	switch name {
	case "Authorization", "Proxy-Authorization", "Cookie":
		return true
	}
	return strings.HasPrefix(name, "X-Pigello-")
}

// redact returns a copy of h with every value of a secret header replaced.
// Names and counts are kept: a test may check a header was sent, never what
// was in it.
func redact(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for name, values := range h {
		values = slices.Clone(values)
		if isSecretHeader(name) {
			for i := range values {
				values[i] = "[redacted]"
			}
		}
		out[name] = values
	}
	return out
}
