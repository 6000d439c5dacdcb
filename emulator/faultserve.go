package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// placeholderID stands in for the pk in made-up bodies of requests that
// name none.
const placeholderID = "00000000-0000-4000-8000-000000000000"

// serveFault answers r as f says; b is its body, as read.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request, pk string, f Fault, b body) {
	if f.Latency > 0 && !e.hold(w, r, f.Latency) {
		return
	}
	switch {
	case f.Close:
		dropConnection(w)
		return
	case f.Hang:
		e.hold(w, r, -1)
		return
	case f.ServeThenClose:
		e.capture(r, b) // served for real: a write is applied
		dropConnection(w)
		return
	}
	ans, ok := f.answer(r, pk)
	switch {
	case ok:
	case f.Reset:
		ans = e.capture(r, b)
	default:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		e.serveResource(w, r, b)
		return
	}
	if f.RetryAfter != "" {
		ans.header.Set("Retry-After", f.RetryAfter)
	}
	if f.Reset {
		ans.cut(w)
		return
	}
	ans.send(w)
}

// hold waits d, or until the client goes away or the emulator is closed if
// d is negative. It reports whether the request is still to be answered;
// when the emulator was closed it has dropped the connection.
func (e *Emulator) hold(w http.ResponseWriter, r *http.Request, d time.Duration) bool {
	var elapsed <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		elapsed = t.C
	}
	select {
	case <-elapsed:
		return true
	case <-r.Context().Done():
		return false
	case <-e.closed:
		dropConnection(w)
		return false
	}
}

// dropConnection closes the connection under w without a further byte. A
// connection that cannot be hijacked (HTTP/2) has its stream aborted
// instead, by the panic net/http reserves for that; it must be the last
// thing the handler does.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// rawAnswer is a complete answer, held so that it can be sent whole or cut.
type rawAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a rawAnswer) send(w http.ResponseWriter) {
	for name, values := range a.header {
		w.Header()[name] = values
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// cut sends a's status and headers, declaring its whole length, and the
// first half of its body, then drops the connection. An answer with no body
// cannot be cut mid-body, so it is dropped before anything is sent.
func (a rawAnswer) cut(w http.ResponseWriter) {
	if len(a.body) == 0 || !bodyAllowed(a.status) {
		dropConnection(w)
		return
	}
	a.header.Set("Content-Length", strconv.Itoa(len(a.body)))
	a.body = a.body[:len(a.body)/2]
	a.send(w)
	_ = http.NewResponseController(w).Flush()
	dropConnection(w)
}

// answer returns the answer f gives in place of the normal one, if any.
func (f Fault) answer(r *http.Request, pk string) (rawAnswer, bool) {
	if pk == "" {
		pk = placeholderID
	}
	status := f.status()
	switch {
	case f.Body != "":
		ct := "text/html; charset=utf-8"
		if json.Valid([]byte(f.Body)) {
			ct = "application/json"
		}
		return newRawAnswer(status, ct, []byte(f.Body)), true
	case f.Malformed:
		return newRawAnswer(status, "application/json", malformedBody(pk)), true
	case f.Oversized > 0:
		return newRawAnswer(status, "application/json", oversizedBody(pk, f.Oversized)), true
	case f.Status != 0 && !bodyAllowed(f.Status):
		return newRawAnswer(status, "", nil), true
	case f.Status != 0:
		detail, _ := json.Marshal(map[string]string{"detail": defaultDetail(r, f.Status, f.RetryAfter)})
		return newRawAnswer(status, "application/json", detail), true
	}
	return rawAnswer{}, false
}

func newRawAnswer(status int, contentType string, body []byte) rawAnswer {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return rawAnswer{status: status, header: h, body: body}
}

// defaultDetail is the detail DRF's exception for status carries by
// default, or Go's status text where DRF has no such exception.
func defaultDetail(r *http.Request, status int, retryAfter string) string {
	switch status {
	case 400:
		return "Malformed request." // ParseError
	case 401:
		return detailIncorrect // AuthenticationFailed: as when credentials are revoked
	case 403:
		return "You do not have permission to perform this action."
	case 404:
		return "Not found."
	case 405:
		return `Method "` + r.Method + `" not allowed.`
	case 406:
		return "Could not satisfy the request Accept header."
	case 415:
		return `Unsupported media type "` + r.Header.Get("Content-Type") + `" in request.`
	case 429:
		return throttledDetail(retryAfter)
	case 500:
		return "A server error occurred."
	}
	return http.StatusText(status) + "."
}

// throttledDetail is DRF's Throttled detail, which names the wait when it
// is known in seconds.
func throttledDetail(retryAfter string) string {
	wait, err := strconv.Atoi(retryAfter)
	switch {
	case err != nil || wait < 0:
		return "Request was throttled."
	case wait == 1:
		return "Request was throttled. Expected available in 1 second."
	}
	return fmt.Sprintf("Request was throttled. Expected available in %d seconds.", wait)
}

// malformedBody is the opening of a record cut off mid-way: what a broken
// proxy or a crashed worker might send, and no JSON decoder accepts.
func malformedBody(pk string) []byte {
	return []byte(`{"id":"` + pk + `","organization":{"id":`)
}

// oversizedBody is a valid record of at least n bytes, its name padded.
func oversizedBody(pk string, n int) []byte {
	rec := record{ID: pk, Name: "", CreatedAt: "2024-01-01T00:00:00Z"}
	short, _ := json.Marshal(rec)
	if pad := n - len(short); pad > 0 {
		rec.Name = strings.Repeat("x", pad)
	}
	body, _ := json.Marshal(rec)
	return body
}

// capture serves r normally into a rawAnswer instead of the connection.
func (e *Emulator) capture(r *http.Request, b body) rawAnswer {
	rec := &recorder{header: http.Header{}}
	e.serveResource(rec, r, b)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rawAnswer{status: rec.status, header: rec.header, body: rec.body.Bytes()}
}

// recorder is the http.ResponseWriter capture serves into.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}
