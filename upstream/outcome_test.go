package upstream

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// stallingClient returns the production http.Client with one change: its
// first stall dials hang until the test ends, as a dial to a host that
// drops packets does, so no connection opens for those attempts.
func stallingClient(t *testing.T, stall int) *http.Client {
	t.Helper()
	hc, _ := refusingClient(t, 0)
	tr := hc.Transport.(*http.Transport)
	dial, released := tr.DialContext, make(chan struct{})
	t.Cleanup(func() { close(released) })
	var dials atomic.Int32 // net/http dials on goroutines of its own
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if int(dials.Add(1)) <= stall {
			<-released // net/http dials apart from the request's context
			return nil, errors.New("dial abandoned")
		}
		return dial(ctx, network, addr)
	}
	return hc
}

// TestOutcomeUnknown: a PATCH or POST that may have reached Pigello and got
// no whole answer is marked ErrOutcomeUnknown, whatever ended it; one that
// never left, and any GET or DELETE (retried, and harmless to repeat), is
// not.
func TestOutcomeUnknown(t *testing.T) {
	attemptTimeout := WithAttemptTimeout(50 * time.Millisecond)
	// A create is no more idempotent than an update: the same rules.
	writes := []string{http.MethodPatch, http.MethodPost}
	tests := []struct {
		name     string
		methods  []string
		refuse   int                // dials refused, every one of a call's when 3
		stall    int                // dials that hang until the test ends
		replies  []http.HandlerFunc // the requests' fates, the last repeating; nil: okFor
		opts     []Option
		deadline time.Duration // the caller's; 0 for none
		unknown  bool
		want     error // also in the chain; nil for success
		requests int   // that reached the server
	}{
		{methods: writes, name: "reset after the request was read", replies: []http.HandlerFunc{reset, okFor},
			unknown: true, want: ErrUnreachable, requests: 1},
		{methods: writes, name: "connection closed after the request was read", replies: []http.HandlerFunc{hangUp, okFor},
			unknown: true, want: ErrUnreachable, requests: 1},
		{methods: writes, name: "answer cut short", replies: []http.HandlerFunc{cutShort, okFor},
			unknown: true, want: ErrUnreachable, requests: 1},
		{methods: writes, name: "attempt timed out awaiting the answer", replies: []http.HandlerFunc{stallUntilGone, okFor}, opts: []Option{attemptTimeout},
			unknown: true, want: ErrAttemptTimeout, requests: 1},
		{methods: writes, name: "caller's deadline passed awaiting the answer", replies: []http.HandlerFunc{stallUntilGone, okFor}, deadline: 50 * time.Millisecond,
			unknown: true, want: context.DeadlineExceeded, requests: 1},
		{methods: writes, name: "every dial refused", refuse: 3,
			want: ErrUnreachable, requests: 0},
		{methods: writes, name: "dial refused, then retried", refuse: 1,
			requests: 1},
		// The retried attempt must connect and be answered within the same
		// bound, so it is generous for a loaded machine.
		{methods: writes, name: "attempt timed out while dialling, then retried", stall: 1, opts: []Option{WithAttemptTimeout(time.Second)},
			requests: 1},
		{methods: writes, name: "503 is an answer", replies: []http.HandlerFunc{respond(503, ""), okFor},
			want: &Error{}, requests: 1},
		{methods: []string{http.MethodGet}, name: "reset, then retried", replies: []http.HandlerFunc{reset, okFor},
			requests: 2},
		{methods: []string{http.MethodDelete}, name: "every answer lost", replies: []http.HandlerFunc{reset},
			want: ErrUnreachable, requests: 3},
	}
	for _, tt := range tests {
		for _, method := range tt.methods {
			t.Run(method+" "+tt.name, func(t *testing.T) {
				s := newScript(okFor)
				if tt.replies != nil {
					s = newScript(tt.replies...)
				}
				hc, _ := refusingClient(t, tt.refuse)
				if tt.stall > 0 {
					hc = stallingClient(t, tt.stall)
				}
				opts := append([]Option{WithCredentials(testCreds)}, tt.opts...)
				c, _ := setupWith(t, s.ServeHTTP, hc, retrying(&recorder{}, opts...)...)
				ctx := t.Context()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				err := callWith(ctx, t, c, method, testID)
				if got := errors.Is(err, ErrOutcomeUnknown); got != tt.unknown {
					t.Errorf("%s returned %v: ErrOutcomeUnknown in the chain is %v, want %v", method, err, got, tt.unknown)
				}
				switch want := tt.want.(type) {
				case nil:
					if err != nil {
						t.Errorf("%s returned %v, want success", method, err)
					}
				case *Error:
					if !errors.As(err, &want) {
						t.Errorf("%s returned %v, want an *Error", method, err)
					}
				default:
					if !errors.Is(err, want) {
						t.Errorf("%s returned %v, want %v in the chain", method, err, want)
					}
				}
				if s.requests() != tt.requests {
					t.Errorf("%s: server saw %d requests, want %d", method, s.requests(), tt.requests)
				}
			})
		}
	}
}

// hangUp reads the request and closes the connection (a FIN, unlike reset's
// RST) without a byte of answer.
func hangUp(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err) // the test servers are HTTP/1.1: hijacking cannot fail
	}
	_ = conn.Close()
}
