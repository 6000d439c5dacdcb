package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/pigello-facade/pigello-facade/resilience"
)

// Every call to Pigello takes the one path in this file, top to bottom, as
// go-github's does (NewRequest → Do → BareDo → CheckResponse):
//
//	an operation method (GetWorkEngagement, …) builds its request with
//	newRequest and hands it to
//	do, the call: attempts as the retry policy (retry.go) allows, each one
//	attempt: past the breaker and the limiter, under the attempt timeout,
//	  making one
//	bareDo: one HTTP exchange, whose answer checkResponse turns into an
//	  *Error, or decode into the caller's value (response.go).
//
// How an attempt ended is an outcome (outcome.go): what the retry policy,
// the breaker and the observer decide on.

// request is one call to Pigello as an operation method describes it: what
// each of its attempts sends.
type request struct {
	op     string // the Client method, in errors and events
	method string
	path   string       // escaped, appended to the base URL
	query  url.Values   // nil: no query
	body   []byte       // JSON; nil: no body
	creds  *Credentials // pass-through credentials; nil: the client's own
}

// newRequest prepares a call to path: in (if non-nil) encoded as its JSON
// body and, in pass-through mode, the caller's credentials taken from ctx.
// Its errors leave Pigello untouched: nothing has been sent. The request is
// a value, so that it stays off the heap on the hot path.
func (c *Client) newRequest(ctx context.Context, op, method, path string, in any) (request, error) {
	r := request{op: op, method: method, path: path}
	if c.fromContext {
		creds, err := contextCredentials(ctx, op)
		if err != nil {
			return request{}, err
		}
		r.creds = creds
	}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return request{}, fmt.Errorf("upstream: %s: encode request: %w", op, err)
		}
		r.body = b
	}
	return r, nil
}

// do makes the call r and returns what the caller gets: nil once a 2xx body
// is decoded into out (if non-nil; otherwise it is ignored), an *Error for
// any other answer, or why no answer came. It attempts r as the retry policy
// allows.
func (c *Client) do(ctx context.Context, r request, out any) error {
	var last error
	applied := false // an earlier attempt may have reached Pigello and acted
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("upstream: %s: %w", r.op, err)
		}
		o, refused := c.attempt(ctx, &r, n, out)
		if refused != nil {
			if last != nil {
				return last // a refused retry: what Pigello said says more
			}
			return refused
		}
		if applied && r.method == http.MethodDelete && o.apiStatus == http.StatusNotFound {
			o.err = nil // gone either way: perhaps by the attempt that failed
		}
		delay, again := c.retryDelay(ctx, r.method, &o, n)
		if !again && o.outcomeUnknown(r.method) {
			o.err = fmt.Errorf("%w; %w", o.err, ErrOutcomeUnknown)
		}
		c.report(ctx, &r, &o, n, again, delay)
		if !again {
			return o.err
		}
		applied = applied || o.mayHaveApplied()
		last = o.err
		if err := c.waitToRetry(ctx, r.op, delay); err != nil {
			return err
		}
	}
}

// attempt makes attempt n of r: it passes the breaker and the limiter, makes
// the exchange under the attempt timeout, and tells the breaker what the
// outcome says of Pigello's health. A non-nil error means a guard refused
// the attempt and nothing was sent.
func (c *Client) attempt(ctx context.Context, r *request, n int, out any) (outcome, error) {
	ticket, ok := c.breaker.Allow()
	if !ok {
		c.stats.shortCircuited.Add(1)
		return outcome{}, fmt.Errorf("upstream: %s: %w", r.op, ErrCircuitOpen)
	}
	if err := c.limiter.Acquire(ctx); err != nil {
		ticket.Done(resilience.Neither)
		c.stats.rejected.Add(1)
		return outcome{}, overloaded(r.op, err)
	}
	defer c.limiter.Release()
	actx, cancel := ctx, context.CancelFunc(func() {})
	if c.attemptTimeout > 0 {
		actx, cancel = context.WithTimeout(ctx, c.attemptTimeout)
	}
	defer cancel()
	c.stats.requests.Add(1)
	if n > 1 {
		c.stats.retries.Add(1)
	}
	start := time.Now()
	status, sent, err := c.bareDo(ctx, actx, r, out)
	o := classify(ctx, status, sent, err)
	o.duration = time.Since(start)
	ticket.Done(o.verdict())
	return o, nil
}

// bareDo makes one HTTP exchange of r within actx, the attempt's context:
// it sends the request, reads the answer, checks it and decodes a 2xx body
// into out (if non-nil), the body closed before it returns. status is 0 if
// no response arrived; sent is false only when no byte of the request can
// have left (see watchSend). ctx is the caller's, for transportError.
func (c *Client) bareDo(ctx, actx context.Context, r *request, out any) (status int, sent bool, err error) {
	actx, connected := watchSend(actx, r.method)
	req, err := c.newHTTPRequest(actx, r)
	if err != nil {
		return 0, false, err
	}
	if c.hook != nil {
		done := c.hook(req)
		defer func() { done(status, err) }() // after the body is closed
	}
	resp, err := c.rt.RoundTrip(req) // not hc.Do: see New
	if err != nil {
		return 0, connected(), transportError(ctx, actx, r.op, "send request", err)
	}
	defer func() { err = closeBody(resp.Body, err) }()
	if successful(resp.StatusCode) && out == nil {
		return resp.StatusCode, true, nil // the body is ignored
	}
	body, err := readBody(resp.Body, resp.ContentLength)
	if err != nil {
		return resp.StatusCode, true, transportError(ctx, actx, r.op, "read response", err)
	}
	defer body.free()
	if err := checkResponse(resp, body); err != nil {
		return resp.StatusCode, true, err
	}
	return resp.StatusCode, true, decode(resp.StatusCode, body, out)
}

// newHTTPRequest builds the request of one attempt with the attempt's
// context, so its deadline bounds the whole exchange, and with its own copy
// of the headers built in New, so a transport or middleware that edits
// headers cannot race with other requests or leak into a retry.
func (c *Client) newHTTPRequest(ctx context.Context, r *request) (*http.Request, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	target := c.baseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("upstream: %s: build request: %w", r.op, unwrapURLError(err))
	}
	req.Header = c.header(r.body != nil)
	if r.creds != nil {
		r.creds.setHeaders(req.Header)
	}
	return req, nil
}

// transportError is the error of an exchange that failed in transport at
// stage ("send request" or "read response"). It prefers the caller's
// context error, so callers can test for context.DeadlineExceeded; then
// ErrAttemptTimeout if the attempt's own deadline passed; otherwise it
// keeps the transport's error in the chain (for errors.As with *net.OpError
// and the like) minus the *url.Error wrapper, whose message repeats the
// request URL. All but the first wrap ErrUnreachable.
func transportError(ctx, actx context.Context, op, stage string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("upstream: %s: %s: %w", op, stage, ctxErr)
	}
	if actx.Err() != nil {
		// The attempt's own context error is left out of the chain: it is
		// context.DeadlineExceeded, which would read as the caller's.
		err = ErrAttemptTimeout
	}
	return fmt.Errorf("upstream: %s: %s: %w: %w", op, stage, ErrUnreachable, unwrapURLError(err))
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
