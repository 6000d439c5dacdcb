package upstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	// maxResponseBytes bounds every body read from Pigello, success or
	// error, so a misbehaving upstream cannot make the facade buffer
	// without end.
	maxResponseBytes = 1 << 20
	// drainLimit is how much of an unread body is discarded before closing,
	// enough for net/http to reuse the connection after a short leftover;
	// anything longer is cheaper to drop along with the connection.
	drainLimit = 4 << 10
	// maxPooledBuffer keeps the occasional large body from pinning memory
	// in bufPool.
	maxPooledBuffer = 64 << 10
)

// successful reports whether status is a 2xx.
func successful(status int) bool { return status >= 200 && status <= 299 }

// checkResponse returns nil for a 2xx answer and an *Error for any other,
// with its body b, read as drf.go assumes Pigello shapes it, and its
// Retry-After.
func checkResponse(resp *http.Response, b body) error {
	if successful(resp.StatusCode) {
		return nil
	}
	e := &Error{
		StatusCode: resp.StatusCode,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	if b.buf.Len() > 0 {
		e.Body = bytes.Clone(b.buf.Bytes())
	}
	if b.tooLarge {
		e.err = ErrResponseTooLarge // a cut JSON body would not parse anyway
		return e
	}
	e.Detail, e.FieldErrors = parseDRF(e.Body)
	return e
}

// decode unmarshals b, the body of a 2xx answer with status, into out. A
// body that is too large or not the documented JSON becomes a *BodyError.
func decode(status int, b body, out any) error {
	if b.tooLarge {
		return &BodyError{StatusCode: status, err: ErrResponseTooLarge}
	}
	if err := unmarshal(b.buf.Bytes(), out); err != nil {
		return &BodyError{StatusCode: status, err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
	}
	return nil
}

// unmarshal decodes data into out. A json.Unmarshaler gets the bytes
// directly: json.Unmarshal would scan them twice more before calling it,
// and the caller's decoder (internal/schema's) checks the syntax as it
// reads. It must not keep data, which goes back to bufPool.
func unmarshal(data []byte, out any) error {
	if u, ok := out.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, out)
}

// bufPool recycles response buffers. Reuse is safe because decoding copies
// everything out: encoding/json copies strings and json.RawMessage values,
// and error bodies are cloned into Error.Body.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// body is a response body as read: at most the client's limit, in a pooled
// buffer to be given back with free.
type body struct {
	buf      *bytes.Buffer
	tooLarge bool // the body went on past the limit; buf holds the first limit bytes
}

// readBody reads at most maxResponseBytes of r. It asks for one byte more
// than the limit to tell a body of exactly the limit from a longer one.
func readBody(r io.Reader, contentLength int64) (body, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if contentLength > 0 && contentLength <= maxResponseBytes {
		buf.Grow(int(contentLength) + bytes.MinRead) // one read past the end sees EOF without growing
	}
	b := body{buf: buf}
	if _, err := buf.ReadFrom(io.LimitReader(r, maxResponseBytes+1)); err != nil {
		b.free()
		return body{}, err
	}
	if buf.Len() > maxResponseBytes {
		buf.Truncate(maxResponseBytes)
		b.tooLarge = true
	}
	return b, nil
}

func (b body) free() {
	if b.buf.Cap() <= maxPooledBuffer {
		bufPool.Put(b.buf)
	}
}

// closeBody drains a little of what is left so the connection can be reused,
// then closes the body, joining a close error to err rather than losing it.
func closeBody(rc io.ReadCloser, err error) error {
	_, _ = io.CopyN(io.Discard, rc, drainLimit)
	if cerr := rc.Close(); cerr != nil {
		return errors.Join(err, fmt.Errorf("upstream: close response body: %w", cerr))
	}
	return err
}

// parseRetryAfter reads RFC 9110 Retry-After: delta-seconds or an HTTP-date,
// relative to now. Anything else, a date in the past, or a delay too long to
// represent yields 0. That Pigello sends it with a 429 or 503 is assumed,
// not documented; without it the retry policy's backoff applies.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > math.MaxInt64/int64(time.Second) {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	if d := t.Sub(now); d > 0 {
		return d
	}
	return 0
}

// isDigits reports whether s is non-empty and all ASCII digits; unlike
// strconv it rejects signs, which delta-seconds does not allow.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
