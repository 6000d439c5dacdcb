package upstream

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// withSleep replaces how the client waits between attempts (sleepContext):
// f must return early with ctx's error when ctx ends.
func withSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = f }
}

// recorder stands in for sleeping between attempts: it records each wait
// and returns at once (with ctx's error if ctx is done).
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *recorder) got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

// script answers request i (0-based) with replies[i], the last reply
// repeating, and counts the requests that reached the server.
type script struct {
	n       atomic.Int32
	replies []http.HandlerFunc
}

func newScript(replies ...http.HandlerFunc) *script { return &script{replies: replies} }

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	s.replies[min(i, len(s.replies)-1)](w, r)
}

func (s *script) requests() int { return int(s.n.Load()) }

// reset hangs up with a TCP RST once it has the request, before answering.
func reset(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err) // the test servers are HTTP/1.1: hijacking cannot fail
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// cutShort answers 200, promises 100 bytes of body, sends 10 and hangs up.
func cutShort(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"3f")
	_ = buf.Flush()
}

// stallUntilGone never answers; it returns when the client hangs up.
func stallUntilGone(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// refusingClient returns the production http.Client with one change: its
// first refuse dials go to a closed port and are refused for real (a
// *net.OpError with Op "dial"). dials counts every dial.
func refusingClient(t *testing.T, refuse int) (*http.Client, *atomic.Int32) {
	t.Helper()
	closed := testkit.ClosedAddr(t)
	hc := NewHTTPClient()
	tr := hc.Transport.(*http.Transport)
	var dials atomic.Int32
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if int(dials.Add(1)) <= refuse {
			addr = closed
		}
		return d.DialContext(ctx, network, addr)
	}
	return hc, &dials
}

// eventLog collects observer events.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) observe(_ context.Context, e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) got() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// pipeClient returns a Client whose requests h serves over in-memory
// connections (net.Pipe) rather than TCP. Called inside a synctest bubble,
// the client, the server and every wait between them live in the bubble:
// their I/O blocks durably, so the fake clock moves on as soon as all of
// them wait, and the client's real sleeps and deadlines run in no real time.
func pipeClient(t *testing.T, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	l := &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	hc := NewHTTPClient()
	tr := hc.Transport.(*http.Transport)
	tr.Proxy = nil
	tr.DialContext = l.dial
	t.Cleanup(func() {
		hc.CloseIdleConnections()
		_ = srv.Close()
	})
	all := append([]Option{WithCredentials(testCreds)}, opts...)
	c, err := New("http://pigello.test", hc, all...)
	if err != nil {
		t.Fatalf("New returned %v", err)
	}
	return c
}

// pipeListener hands the server end of each dialled net.Pipe to Accept.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	server, client := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
