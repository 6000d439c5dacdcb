package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// defaultMaxResponseBytes bounds every body read from Pigello, success or
// error, so a misbehaving upstream cannot make the facade buffer without end.
const defaultMaxResponseBytes = 1 << 20

// defaultUserAgent identifies the facade to Pigello unless WithUserAgent says
// otherwise.
const defaultUserAgent = "pigello-facade"

// Client calls Pigello's REST API. It is safe for concurrent use; build one
// per process with New and share it.
type Client struct {
	baseURL  string // absolute, without trailing slash
	hc       *http.Client
	maxBytes int64
	observe  func(context.Context, Event)

	creds     *Credentials // set by options, cleared by New once header is built
	userAgent string

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

// WithMaxResponseBytes sets the largest response body the client reads; a
// larger one yields ErrResponseTooLarge. The default is 1 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(cl *Client) { cl.maxBytes = n }
}

// WithObserver registers f to be called once per HTTP exchange, after the
// body is read and closed, including exchanges that failed in transport. It
// runs on the calling goroutine, so it should be quick; it is the hook for
// metrics and logs without the client choosing a logger.
func WithObserver(f func(ctx context.Context, e Event)) Option {
	return func(cl *Client) { cl.observe = f }
}

// Event describes one HTTP exchange with Pigello.
type Event struct {
	Operation  string        // the Client method, e.g. "GetWorkEngagement"
	Method     string        // HTTP method
	StatusCode int           // 0 if no response arrived
	Duration   time.Duration // from sending the request to closing the body
	Err        error         // what the Client method returned, nil on success
}

// New returns a Client for the API at baseURL, such as
// "https://dev.api.pigello.io" (a path prefix is allowed), sending through hc.
// hc is required because the right transport and redirect policy are the
// caller's decision; NewHTTPClient builds the recommended one.
func New(baseURL string, hc *http.Client, opts ...Option) (*Client, error) {
	if hc == nil {
		return nil, errors.New("upstream: nil *http.Client")
	}
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{baseURL: base, hc: hc, maxBytes: defaultMaxResponseBytes, userAgent: defaultUserAgent}
	for _, opt := range opts {
		opt(c)
	}
	if c.maxBytes <= 0 {
		return nil, fmt.Errorf("upstream: max response bytes must be positive, got %d", c.maxBytes)
	}
	if err := c.buildHeaders(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) buildHeaders() error {
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
	creds.setHeaders(h)
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
