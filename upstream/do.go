package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sync"
)

const (
	// drainLimit is how much of an unread body is discarded before closing,
	// enough for net/http to reuse the connection after a short leftover;
	// anything longer is cheaper to drop along with the connection.
	drainLimit = 4 << 10
	// maxPooledBuffer keeps the occasional large body from pinning memory
	// in bufPool.
	maxPooledBuffer = 64 << 10
)

// bufPool recycles response buffers. Reuse is safe because decoding copies
// everything out: encoding/json copies strings and json.RawMessage values,
// and error bodies are cloned into Error.Body.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// validator is implemented by response types that check what encoding/json
// cannot, such as required fields.
type validator interface{ validate() error }

// callSpec is one Client method call: what each of its attempts sends.
type callSpec struct {
	op, method, path string
	body             []byte       // JSON request body, nil without one
	creds            *Credentials // pass-through credentials; nil for the static ones
	out              any          // decoded from a 2xx body if non-nil
}

// do performs a call to Pigello: a method request to path, with in (if
// non-nil) as its JSON body, attempted as the retry policy allows. A non-2xx
// answer becomes an *Error; a 2xx body is decoded into out (if non-nil) and
// otherwise ignored. Every request goes through here, so headers, bounds,
// retries and error shapes are decided in one place. op names the operation
// in errors and events.
func (c *Client) do(ctx context.Context, op, method, path string, in, out any) error {
	x := &callSpec{op: op, method: method, path: path, out: out}
	if c.fromContext {
		creds, err := contextCredentials(ctx, op)
		if err != nil {
			return err
		}
		x.creds = creds
	}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("upstream: encode request: %w", err)
		}
		x.body = b
	}
	return c.run(ctx, x)
}

// scope holds the two contexts of an attempt: the caller's, whose errors
// are reported as themselves, and the attempt's, which may also carry the
// deadline of WithAttemptTimeout.
type scope struct{ caller, attempt context.Context }

// exchange performs one attempt: one request and the reading of its answer,
// the body closed before it returns. status is 0 if no response arrived;
// sent is false only when no byte of the request can have left (see
// watchSend).
func (c *Client) exchange(s scope, x *callSpec) (status int, sent bool, err error) {
	ctx, connected := watchSend(s.attempt, x.method)
	req, err := c.newRequest(ctx, x)
	if err != nil {
		return 0, false, err
	}
	if c.hook != nil {
		done := c.hook(req)
		defer func() { done(status, err) }() // after the body is closed
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, connected(), sendError(s, x.op, err)
	}
	defer func() { err = closeBody(resp.Body, err) }()
	if err := checkResponse(s, x.op, resp, c.maxBytes); err != nil {
		return resp.StatusCode, true, err
	}
	if x.out == nil {
		return resp.StatusCode, true, nil
	}
	return resp.StatusCode, true, decode(s, x.op, resp, c.maxBytes, x.out)
}

// newRequest builds the request with the attempt's context, so its deadline
// bounds the whole exchange, and with its own copy of the headers built in
// New, so a transport or middleware that edits headers cannot race with
// other requests or leak into a retry.
func (c *Client) newRequest(ctx context.Context, x *callSpec) (*http.Request, error) {
	var body io.Reader
	if x.body != nil {
		body = bytes.NewReader(x.body)
	}
	req, err := http.NewRequestWithContext(ctx, x.method, c.baseURL+x.path, body)
	if err != nil {
		return nil, fmt.Errorf("upstream: build request: %w", unwrapURLError(err))
	}
	req.Header = c.header(x.body != nil)
	if x.creds != nil {
		x.creds.setHeaders(req.Header)
	}
	return req, nil
}

// sendError prefers the caller's context error, so callers can test for
// context.DeadlineExceeded, then the attempt's timeout, and otherwise keeps
// the transport error in the chain (for errors.As with *net.OpError and the
// like) minus the *url.Error wrapper, whose message repeats the request URL.
func sendError(s scope, op string, err error) error {
	if ctxErr := s.caller.Err(); ctxErr != nil {
		return fmt.Errorf("upstream: %s: %w", op, ctxErr)
	}
	if s.attempt.Err() != nil {
		// The attempt's own context error is left out of the chain: it is
		// context.DeadlineExceeded, which would read as the caller's.
		return fmt.Errorf("upstream: %s: send request: %w: %w", op, ErrUnreachable, ErrAttemptTimeout)
	}
	return fmt.Errorf("upstream: %s: send request: %w: %w", op, ErrUnreachable, unwrapURLError(err))
}

// readError is sendError for a failure while reading the body.
func readError(s scope, op string, err error) error {
	if ctxErr := s.caller.Err(); ctxErr != nil {
		return fmt.Errorf("upstream: %s: read response: %w", op, ctxErr)
	}
	if s.attempt.Err() != nil {
		return fmt.Errorf("upstream: %s: read response: %w: %w", op, ErrUnreachable, ErrAttemptTimeout)
	}
	return fmt.Errorf("upstream: %s: read response: %w: %w", op, ErrUnreachable, unwrapURLError(err))
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decode reads a 2xx body and unmarshals it into out. A body that is too
// large or not the documented JSON becomes a *BodyError.
func decode(s scope, op string, resp *http.Response, limit int64, out any) error {
	buf, tooLarge, err := readBody(resp.Body, limit, resp.ContentLength)
	if err != nil {
		return readError(s, op, err)
	}
	defer putBuffer(buf)
	if tooLarge {
		return &BodyError{StatusCode: resp.StatusCode, err: ErrResponseTooLarge}
	}
	if err := json.Unmarshal(buf.Bytes(), out); err != nil {
		return &BodyError{StatusCode: resp.StatusCode, err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
	}
	if v, ok := out.(validator); ok {
		if err := v.validate(); err != nil {
			return &BodyError{StatusCode: resp.StatusCode, err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
		}
	}
	return nil
}

// readBody reads at most limit bytes of r into a pooled buffer. It asks for
// one byte more than the limit to tell a body of exactly limit bytes from a
// longer one; a longer one is reported as tooLarge with the buffer holding
// the first limit bytes.
func readBody(r io.Reader, limit, contentLength int64) (buf *bytes.Buffer, tooLarge bool, err error) {
	buf = bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if contentLength > 0 && contentLength <= limit {
		buf.Grow(int(contentLength) + bytes.MinRead) // one read past the end sees EOF without growing
	}
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, n)); err != nil {
		putBuffer(buf)
		return nil, false, err
	}
	if int64(buf.Len()) > limit {
		buf.Truncate(int(limit))
		return buf, true, nil
	}
	return buf, false, nil
}

func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuffer {
		bufPool.Put(buf)
	}
}

// closeBody drains a little of what is left so the connection can be reused,
// then closes the body, joining a close error to err rather than losing it.
func closeBody(body io.ReadCloser, err error) error {
	_, _ = io.CopyN(io.Discard, body, drainLimit)
	if cerr := body.Close(); cerr != nil {
		return errors.Join(err, fmt.Errorf("upstream: close response body: %w", cerr))
	}
	return err
}
