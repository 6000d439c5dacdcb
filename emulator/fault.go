package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// maxOversized caps Fault.Oversized: the body is built in memory, and a
// fault posted over HTTP must not be able to exhaust the emulator's.
const maxOversized = 64 << 20

// Fault is what the emulator does to one request instead of, or after
// delaying, its normal answer. It simulates the network or a server in
// trouble, not the API: a fault is applied after the request is recorded and
// before its credentials are checked.
//
// A fault does at most one of these: answer Status and/or Body, answer
// Malformed, answer Oversized, Hang, Close, or ServeThenClose. When it does none of them the
// request gets its normal answer (after Latency, with RetryAfter), so the
// zero Fault is a normal answer that still takes its turn in a queue.
// Reset cuts whichever answer the fault gives, including the normal one.
type Fault struct {
	// Latency is waited before anything else. The wait ends early, without
	// an answer, when the client goes away; Close ends it too, dropping the
	// connection.
	Latency time.Duration
	// Status answers with this status (200–599) instead of the normal
	// answer, with DRF's {"detail": ...} body for it: DRF's default detail
	// where DRF has one (429 adds "Expected available in N seconds." when
	// RetryAfter is a number of seconds, as DRF's Throttled does), else
	// Go's status text and a period. 204 and 304 have no body.
	Status int
	// Body replaces that body, verbatim: sent with Status, or with 200 when
	// Status is 0. Its Content-Type is application/json if it is valid JSON,
	// else text/html; charset=utf-8 (as a proxy's error page). An empty Body
	// means the default one; an empty answer cannot be scripted.
	Body string
	// RetryAfter is sent verbatim as the Retry-After header ("2", or an
	// HTTP-date) with whatever answer the fault gives, normal ones included.
	RetryAfter string
	// Reset sends the status line, the headers (with the Content-Length of
	// the whole body) and the first half of the body, then drops the
	// connection: a client sees the headers, then an unexpected EOF. With no
	// other answer set it cuts the normal answer, so the request is served
	// for real first: a PATCH or POST is applied, and its answer lost. An
	// answer without a body (the 204 of a DELETE) cannot be cut mid-body;
	// its connection is dropped before anything is sent, as with Close.
	Reset bool
	// Hang never answers: the request is held until the client goes away,
	// or Close drops its connection.
	Hang bool
	// Malformed answers 200 with an application/json body that is not JSON:
	// a record's opening cut off mid-way, with a Content-Length that matches.
	Malformed bool
	// Oversized answers 200 with a valid JSON record of at least this many
	// bytes (at most 64 MiB), its name padded out.
	Oversized int
	// Close drops the connection without sending a byte. Go's http.Transport
	// retries a GET (or any replayable request) on its own when a reused
	// connection ends this way, so a Go client only sees the error on a
	// fresh connection; a request without a replayable body is not retried.
	Close bool
	// ServeThenClose serves the request for real, then drops the connection
	// before a byte of the answer is sent: a PATCH or POST is applied and
	// its whole answer lost, as when the network fails between Pigello and
	// its client after Pigello acted. (Close drops the request unserved;
	// Reset sends part of the answer.) Go's transport does not replay a
	// request on a fresh connection, nor a PATCH or POST on any.
	ServeThenClose bool
}

// matchMethods are the methods a Match may name: those a client can send a
// DRF view and get an answer for. Anything else is a typo ("GTE") that
// would leave a script waiting for a request that never comes.
var matchMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

// Match limits a scripted fault to some requests. Its zero value matches
// every request the emulator records: all but those to /_emulator/.
type Match struct {
	// Method, if set, is the request method (compared in upper case): one
	// of GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS.
	Method string
	// ID, if set, is the pk of a detail path; a collection request never
	// matches a Match with an ID.
	ID string
}

// normalize returns m in the form requests are compared in, or an error if
// no request could ever match it.
func (m Match) normalize() (Match, error) {
	m.Method = strings.ToUpper(m.Method)
	if m.Method != "" && !slices.Contains(matchMethods, m.Method) {
		return Match{}, fmt.Errorf("match: method %q is not one of %s", m.Method, strings.Join(matchMethods, ", "))
	}
	if m.ID != "" && !uuidPattern.MatchString(m.ID) {
		return Match{}, fmt.Errorf("match: id %q is not a UUID", m.ID)
	}
	m.ID = strings.ToLower(m.ID)
	return m, nil
}

// matches reports whether a request with method to pk ("" for a path that
// is not a detail path) meets m, which must be normalized.
func (m Match) matches(method, pk string) bool {
	return (m.Method == "" || m.Method == method) && (m.ID == "" || m.ID == pk)
}

// validate reports every way f contradicts itself or cannot be sent.
func (f Fault) validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if f.Latency < 0 {
		add("latency %v is negative", f.Latency)
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		add("status %d is not between 200 and 599", f.Status)
	}
	if f.Body != "" && !bodyAllowed(f.status()) {
		add("a %d answer has no body", f.Status)
	}
	if f.Oversized < 0 || f.Oversized > maxOversized {
		add("oversized %d is not between 0 and %d", f.Oversized, maxOversized)
	}
	if kinds := f.kinds(); len(kinds) > 1 {
		add("%s exclude each other", strings.Join(kinds, ", "))
	}
	if (f.Hang || f.Close || f.ServeThenClose) && (f.Reset || f.RetryAfter != "") {
		add("hang, close and serve_then_close send nothing, so reset and retry_after cannot apply")
	}
	if !validHeaderValue(f.RetryAfter) {
		add("retry_after %q is not a valid header value", f.RetryAfter)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// kinds names the answers f asks for, of which there may be one at most.
func (f Fault) kinds() []string {
	var kinds []string
	for _, k := range []struct {
		set  bool
		name string
	}{
		{f.Status != 0 || f.Body != "", "status/body"},
		{f.Malformed, "malformed"},
		{f.Oversized > 0, "oversized"},
		{f.Hang, "hang"},
		{f.Close, "close"},
		{f.ServeThenClose, "serve_then_close"},
	} {
		if k.set {
			kinds = append(kinds, k.name)
		}
	}
	return kinds
}

// status is the status f answers with, if it sets one; a Body alone is a 200.
func (f Fault) status() int {
	if f.Status == 0 && (f.Body != "" || f.Malformed || f.Oversized > 0) {
		return 200
	}
	return f.Status
}

// validHeaderValue reports whether s can be sent in a header as it is:
// no control characters other than tab.
func validHeaderValue(s string) bool {
	for _, c := range []byte(s) {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// bodyAllowed reports whether an answer with status may carry a body.
func bodyAllowed(status int) bool {
	return status != 204 && status != 304
}
