package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// objectOfSize returns a valid work engagement body of exactly n bytes.
func objectOfSize(t *testing.T, n int) string {
	t.Helper()
	pad := n - len(`{"id":"`+testID+`","name":""}`)
	if pad < 0 {
		t.Fatalf("objectOfSize(%d) is too small", n)
	}
	return `{"id":"` + testID + `","name":"` + strings.Repeat("x", pad) + `"}`
}

// chunked answers body without Content-Length, so only the bounded read can
// tell its size.
func chunked(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, body)
	}
}

func TestResponseTooLarge(t *testing.T) {
	const limit = maxResponseBytes
	tests := []struct {
		name      string
		handler   func(t *testing.T) http.HandlerFunc
		wantLarge bool
		wantAPI   int // status of the *Error, 0 if none
	}{
		{"2xx at the limit", func(t *testing.T) http.HandlerFunc { return respond(200, objectOfSize(t, limit)) }, false, 0},
		{"2xx one byte over", func(t *testing.T) http.HandlerFunc { return respond(200, objectOfSize(t, limit+1)) }, true, 0},
		{"2xx chunked over", func(t *testing.T) http.HandlerFunc { return chunked(200, objectOfSize(t, limit+1)) }, true, 0},
		{"2xx far over", func(t *testing.T) http.HandlerFunc { return respond(200, objectOfSize(t, 8<<20)) }, true, 0},
		{"error at the limit", func(t *testing.T) http.HandlerFunc { return respond(500, strings.Repeat("e", limit)) }, false, 500},
		{"error over", func(t *testing.T) http.HandlerFunc { return respond(503, strings.Repeat("e", limit+1)) }, true, 503},
		{"error chunked far over", func(t *testing.T) http.HandlerFunc { return chunked(400, strings.Repeat("e", 8<<20)) }, true, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, tt.handler(t))
			err := c.GetWorkEngagement(t.Context(), testID, new(object))
			if got := errors.Is(err, ErrResponseTooLarge); got != tt.wantLarge {
				t.Errorf("GetWorkEngagement returned %v; errors.Is(ErrResponseTooLarge) = %v, want %v", err, got, tt.wantLarge)
			}
			e, ok := errors.AsType[*Error](err)
			if tt.wantAPI == 0 {
				if ok {
					t.Errorf("GetWorkEngagement returned *Error %v, want none", e)
				}
				if be, ok := errors.AsType[*BodyError](err); tt.wantLarge && (!ok || be.StatusCode != http.StatusOK) {
					t.Errorf("GetWorkEngagement returned %v, want a *BodyError with status 200", err)
				}
				if !tt.wantLarge && err != nil {
					t.Errorf("GetWorkEngagement returned %v, want success", err)
				}
				return
			}
			if !ok || e.StatusCode != tt.wantAPI {
				t.Fatalf("GetWorkEngagement returned %v, want *Error with status %d", err, tt.wantAPI)
			}
			if len(e.Body) != limit {
				t.Errorf("len(Error.Body) = %d, want %d", len(e.Body), limit)
			}
		})
	}
}

func TestObserver(t *testing.T) {
	var (
		mu     sync.Mutex
		events []Event
	)
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPatch:
			respond(http.StatusBadRequest, `{"name":["Required."]}`)(w, r)
		default:
			okFor(w, r)
		}
	}, WithObserver(func(ctx context.Context, e Event) {
		if ctx == nil {
			t.Error("observer got a nil context")
		}
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}))
	for _, method := range allMethods {
		_ = call(t, c, method, testID)
	}
	want := []Event{
		{Operation: "GetWorkEngagement", Method: "GET", StatusCode: 200, Attempt: 1},
		{Operation: "UpdateWorkEngagement", Method: "PATCH", StatusCode: 400, Attempt: 1},
		{Operation: "DeleteWorkEngagement", Method: "DELETE", StatusCode: 204, Attempt: 1},
	}
	if diff := cmp.Diff(want, events, cmpopts.IgnoreFields(Event{}, "Duration", "Err")); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	for i, e := range events {
		if (e.Err != nil) != (i == 1) {
			t.Errorf("event %d Err = %v, want an error only for the 400", i, e.Err)
		}
		if e.Duration <= 0 {
			t.Errorf("event %d Duration = %v, want > 0", i, e.Duration)
		}
	}
}

// headerSettingTransport stands for middleware that adds a header to each
// request; if the client shared one header map between requests, the race
// detector would flag this.
type headerSettingTransport struct{ next http.RoundTripper }

func (h headerSettingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("X-Request-Id", "x")
	return h.next.RoundTrip(r)
}

func TestConcurrentRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-PIGELLO-CLIENT-SECRET") != testCreds.ClientSecret {
			t.Error("request without the client secret")
		}
		okFor(w, r)
	}))
	tr := NewTransport()
	t.Cleanup(func() { srv.Close(); tr.CloseIdleConnections() })
	hc := &http.Client{Transport: headerSettingTransport{tr}}
	c, err := New(srv.URL, hc, WithCredentials(testCreds))
	if err != nil {
		t.Fatalf("New returned %v", err)
	}
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range 10 {
				if err := call(t, c, http.MethodGet, testID); err != nil {
					t.Errorf("GetWorkEngagement returned %v", err)
				}
				if err := call(t, c, http.MethodPatch, testID); err != nil {
					t.Errorf("UpdateWorkEngagement returned %v", err)
				}
			}
		})
	}
	wg.Wait()
}

func TestErrorsNeverContainSecrets(t *testing.T) {
	handlers := []http.HandlerFunc{
		respond(404, `{"detail":"Not found."}`),
		respond(400, `{"name":["Required."],"organization":{"id":["Bad."]}}`),
		respond(502, `<html>bad gateway</html>`),
		respond(200, `not json`),
		respond(200, `{"id":"x"}`),
		respond(500, strings.Repeat("e", maxResponseBytes+1)), // cut at the limit
		respond(302, "", "Location", "https://elsewhere.example/"),
	}
	for _, h := range handlers {
		c, _ := setup(t, h)
		for _, method := range allMethods {
			if err := call(t, c, method, testID); err != nil {
				testkit.AssertNoSecret(t, method+" error", err.Error(), secrets)
				testkit.AssertNoSecret(t, method+" error with %+v", fmt.Sprintf("%+v", err), secrets)
			}
		}
		if err := call(t, c, http.MethodGet, "../"+testCreds.ClientSecret); err != nil {
			testkit.AssertNoSecret(t, "invalid id error", err.Error(), secrets)
		}
	}
}
