package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pigello-facade/pigello-facade/resilience"
)

// defaultUserAgent identifies the facade to Pigello unless WithUserAgent says
// otherwise.
const defaultUserAgent = "pigello-facade"

// Client calls Pigello's REST API. It is safe for concurrent use; build one
// per process with New and share it.
type Client struct {
	baseURL string // absolute, without trailing slash
	// rt makes each exchange: the transport of the *http.Client given to
	// New, called directly (see New).
	rt      http.RoundTripper
	observe func(context.Context, Event)
	hook    RequestHook

	creds       *Credentials // set by options, cleared by New once header is built
	userAgent   string
	fromContext bool // WithCredentialsFromContext

	retry RetryPolicy
	// sleep waits between attempts: sleepContext, or in tests a stand-in
	// that records the wait (the tests' servers do real network I/O, which
	// testing/synctest's fake clock cannot wait on).
	sleep          func(context.Context, time.Duration) error
	jitter         func(ceiling time.Duration) time.Duration // in [0, ceiling)
	attemptTimeout time.Duration
	limiter        *resilience.Limiter // nil: unbounded
	breakerConfig  *resilience.BreakerConfig
	breaker        *resilience.Breaker // nil: no breaker
	stats          *counters

	// header returns a fresh copy of the request headers, built once in New,
	// with Content-Type when withBody. The templates hide in a closure
	// because fmt prints a func as an address: a map or pointer field would
	// let fmt.Printf("%s", client) print the credentials.
	header func(withBody bool) http.Header
}

// Option configures a Client in New.
type Option func(*Client)

// WithCredentials sets the seven values sent as X-PIGELLO-* headers.
func WithCredentials(c Credentials) Option {
	return func(cl *Client) { cl.creds = &c }
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(cl *Client) { cl.userAgent = ua }
}

// WithObserver registers f to be called once per HTTP exchange (each
// attempt of a retried call is one), after the body is read and closed and
// the retry decision made, including exchanges that failed in transport.
// Calls refused before any exchange (an invalid id, missing pass-through
// credentials, ErrOverloaded, ErrCircuitOpen, a context already done)
// report nothing. It runs on the calling goroutine, so it should be quick;
// it is the hook for metrics and logs without the client choosing a logger.
func WithObserver(f func(ctx context.Context, e Event)) Option {
	return func(cl *Client) { cl.observe = f }
}

// RequestHook is called before each HTTP exchange (each attempt of a
// retried call) with the request about to be sent. The request's headers are
// its own, built for this exchange, so the hook may add to them: a trace
// context, a request id. It returns a function the client calls once the
// exchange is over and its body closed, with the HTTP status (0 if no
// response arrived) and the exchange's error: where a client span ends.
//
// It saves what a RoundTripper in hc would cost for the same job: a
// RoundTripper may not edit the request, so it has to clone it, headers
// and all, on every exchange.
type RequestHook func(*http.Request) (done func(status int, err error))

// WithRequestHook registers h; see RequestHook.
func WithRequestHook(h RequestHook) Option {
	return func(cl *Client) { cl.hook = h }
}

// Event describes one HTTP exchange with Pigello.
type Event struct {
	Operation  string        // the Client method, e.g. "GetWorkEngagement"
	Method     string        // HTTP method
	StatusCode int           // 0 if no response arrived
	Duration   time.Duration // from sending the request to closing the body
	// Err is this attempt's error; on the last attempt (Retrying false) it
	// is what the Client method returned, nil on success.
	Err     error
	Attempt int // 1 for a call's first exchange, 2 for its first retry, …

	// Retrying is set when another attempt will follow after RetryIn. That
	// attempt can still be abandoned, with no further event, if the caller's
	// context ends during the wait or the limiter or breaker refuses it; the
	// call then returns the context's error or this event's Err.
	Retrying bool
	RetryIn  time.Duration
}

// New returns a Client for the API at baseURL, such as
// "https://dev.api.pigello.io" (a path prefix is allowed), sending through
// hc's transport. hc is required because the right transport is the
// caller's decision; NewHTTPClient builds the recommended one.
//
// Each exchange is one call of hc.Transport's RoundTrip (http.DefaultTransport
// when nil), not hc.Do: Do copies every request's headers in case it follows
// a redirect (issue 12 measured about 5% of throughput), and the client never
// follows one. So of hc itself only the transport is used: a redirect is
// always Pigello's answer, whatever hc.CheckRedirect says (following one
// would hand the X-PIGELLO-* credentials to another host); hc.Jar is not
// consulted (Pigello's API uses no cookies); and hc.Timeout, when set, bounds
// each attempt as WithAttemptTimeout does (the smaller of the two wins).
func New(baseURL string, hc *http.Client, opts ...Option) (*Client, error) {
	if hc == nil {
		return nil, errors.New("upstream: nil *http.Client")
	}
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL: base, rt: transportOf(hc), userAgent: defaultUserAgent,
		retry: RetryPolicy{MaxAttempts: 1}, sleep: sleepContext, jitter: fullJitter, stats: new(counters),
	}
	for _, opt := range opts {
		opt(c)
	}
	if hc.Timeout > 0 && (c.attemptTimeout == 0 || hc.Timeout < c.attemptTimeout) {
		c.attemptTimeout = hc.Timeout
	}
	if err := c.buildResilience(); err != nil {
		return nil, err
	}
	if err := c.buildHeaders(); err != nil {
		return nil, err
	}
	return c, nil
}

// buildResilience checks and completes the retry, timeout and breaker
// options.
func (c *Client) buildResilience() error {
	var err error
	if c.retry, err = c.retry.withDefaults(); err != nil {
		return err
	}
	if c.attemptTimeout < 0 {
		return fmt.Errorf("upstream: attempt timeout must not be negative, got %v", c.attemptTimeout)
	}
	if c.breakerConfig != nil {
		if c.breaker, err = resilience.NewBreaker(*c.breakerConfig, nil); err != nil {
			return fmt.Errorf("upstream: %w", err)
		}
	}
	return nil
}

func (c *Client) buildHeaders() error {
	if c.fromContext && c.creds != nil {
		return errors.New("upstream: WithCredentials and WithCredentialsFromContext exclude each other")
	}
	var creds Credentials
	if c.creds != nil {
		creds = *c.creds
	}
	if err := creds.validate(); err != nil {
		return err
	}
	if !validHeaderValue(c.userAgent) {
		return errors.New("upstream: user agent contains a character not allowed in a header value")
	}
	h := make(http.Header, credentialCount+3)
	if !c.fromContext { // pass-through requests get theirs from the context
		creds.setHeaders(h)
	}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.userAgent)
	withBody := h.Clone()
	withBody.Set("Content-Type", "application/json")
	c.header = func(body bool) http.Header {
		if body {
			return withBody.Clone()
		}
		return h.Clone()
	}
	c.creds = nil // the templates hold what is needed; keep one copy only
	return nil
}

// parseBaseURL accepts an absolute http or https URL without user info, query
// or fragment, and returns it without trailing slashes so paths can be
// appended. Errors do not echo the URL, which might hold a password.
func parseBaseURL(raw string) (string, error) {
	if strings.ContainsAny(raw, "?#") {
		return "", errors.New("upstream: base URL must not have a query or fragment")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the input
		}
		return "", fmt.Errorf("upstream: invalid base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", errors.New("upstream: base URL must be absolute with scheme http or https")
	case u.Host == "":
		return "", errors.New("upstream: base URL has no host")
	case u.User != nil:
		return "", errors.New("upstream: base URL must not contain user info")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// transportOf is the RoundTripper hc sends with.
func transportOf(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}
