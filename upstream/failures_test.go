package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

func TestRedirectNotFollowed(t *testing.T) {
	var targetCalls atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetCalls.Add(1)
		t.Errorf("redirect target saw %s %s with secret %q", r.Method, r.URL.Path, r.Header.Get("X-PIGELLO-CLIENT-SECRET"))
	}))
	t.Cleanup(target.Close)
	// NewHTTPClient sets no redirect policy, so its http.Client would
	// follow each of these: the Client, sending with the transport alone,
	// never does (see New).
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range allMethods {
			t.Run(http.StatusText(status)+"/"+method, func(t *testing.T) {
				c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, target.URL+r.URL.Path, status)
				})
				err := call(t, c, method, testID)
				e, ok := errors.AsType[*Error](err)
				if !ok || e.StatusCode != status {
					t.Errorf("%s returned %v, want *Error with status %d", method, err, status)
				}
			})
		}
	}
	if n := targetCalls.Load(); n != 0 {
		t.Errorf("redirect target saw %d requests, want 0", n)
	}
}

// stall writes status and partial (unless status is 0) and then waits until
// the client goes away or the test ends. It reads the request body first:
// net/http only notices a client hanging up once the body is consumed.
func stall(release <-chan struct{}, status int, partial string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if status != 0 {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, partial)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
}

func TestContextDeadline(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		partial string
	}{
		{"no answer", 0, ""},
		{"stalls mid-body", http.StatusOK, `{"id":"`},
		{"stalls mid-error-body", http.StatusBadRequest, `{"name":`},
	}
	for _, tt := range tests {
		for _, method := range allMethods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				release := make(chan struct{})
				c, _ := setup(t, stall(release, tt.status, tt.partial))
				t.Cleanup(func() { close(release) }) // runs before setup's cleanup closes the server
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				defer cancel()
				start := time.Now()
				var err error
				switch method {
				case http.MethodGet:
					err = c.GetWorkEngagement(ctx, testID, new(object))
				case http.MethodPatch:
					err = c.UpdateWorkEngagement(ctx, testID, json.RawMessage(`{}`), new(object))
				default:
					err = c.DeleteWorkEngagement(ctx, testID)
				}
				if method == http.MethodDelete && tt.status == http.StatusOK {
					// The status says the deletion happened; its body is ignored.
					if err != nil {
						t.Errorf("DELETE returned %v, want nil after a 200", err)
					}
					return
				}
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("%s returned %v, want context.DeadlineExceeded", method, err)
				}
				if el := time.Since(start); el > 5*time.Second {
					t.Errorf("%s took %v, want the deadline to apply", method, el)
				}
				testkit.AssertNoSecret(t, "error", err.Error(), secrets)
			})
		}
	}
}

func TestContextCanceled(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("request sent with a canceled context") })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.GetWorkEngagement(ctx, testID, new(object)); !errors.Is(err, context.Canceled) {
		t.Errorf("GetWorkEngagement returned %v, want context.Canceled", err)
	}
}

func TestTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	var events []Event
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(base, hc, WithCredentials(testCreds), WithObserver(func(_ context.Context, e Event) { events = append(events, e) }))
	if err != nil {
		t.Fatalf("New returned %v", err)
	}
	err = c.GetWorkEngagement(t.Context(), testID, new(object))
	if _, ok := errors.AsType[*net.OpError](err); !ok {
		t.Errorf("GetWorkEngagement returned %v (%T), want a *net.OpError in the chain", err, err)
	}
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("GetWorkEngagement returned %v, want ErrUnreachable in the chain", err)
	}
	if _, ok := errors.AsType[*Error](err); ok {
		t.Errorf("GetWorkEngagement returned *Error %v for a transport failure", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "upstream: ") || strings.Contains(msg, "/accounts/") {
		t.Errorf("error = %q, want upstream-prefixed and without the URL", msg)
	}
	testkit.AssertNoSecret(t, "error", msg, secrets)
	if len(events) != 1 || events[0].StatusCode != 0 || events[0].Err != err || events[0].Operation != "GetWorkEngagement" {
		t.Errorf("events = %+v, want one GetWorkEngagement event with status 0 and the error", events)
	}
}

func TestBodyCutShortIsUnreachable(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		// Promise 100 bytes, send 10, hang up.
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"3f")
		buf.Flush()
	})
	err := c.GetWorkEngagement(t.Context(), testID, new(object))
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("GetWorkEngagement returned %v, want ErrUnreachable for a body cut short", err)
	}
}

// TestClientTimeoutBoundsEachAttempt: the Timeout of the *http.Client given
// to New bounds each attempt, as WithAttemptTimeout does, although the
// Client sends with its transport alone.
func TestClientTimeoutBoundsEachAttempt(t *testing.T) {
	hc := NewHTTPClient()
	hc.Timeout = 50 * time.Millisecond
	c, _ := setupWith(t, stallUntilGone, hc, WithCredentials(testCreds))
	if err := call(t, c, http.MethodGet, testID); !errors.Is(err, ErrAttemptTimeout) {
		t.Errorf("GET returned %v, want ErrAttemptTimeout", err)
	}
}
