package upstream

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// retrying returns options for three attempts with waits recorded, not slept.
func retrying(rec *recorder, more ...Option) []Option {
	return append([]Option{WithRetryPolicy(RetryPolicy{MaxAttempts: 3}), withSleep(rec.sleep)}, more...)
}

func TestRetryStatuses(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		for _, method := range allMethods {
			t.Run(strconv.Itoa(status)+"/"+method, func(t *testing.T) {
				s, rec := newScript(respond(status, `{"detail":"x"}`), okFor), &recorder{}
				c, _ := setup(t, s.ServeHTTP, retrying(rec)...)
				err := call(t, c, method, testID)
				if method == http.MethodPatch {
					// The request reached Pigello: it may have been applied.
					if e, ok := errors.AsType[*Error](err); !ok || e.StatusCode != status {
						t.Errorf("PATCH returned %v, want *Error %d", err, status)
					}
					if s.requests() != 1 || len(rec.got()) != 0 {
						t.Errorf("PATCH: server saw %d requests after %v waits, want 1 and none", s.requests(), rec.got())
					}
					return
				}
				if err != nil || s.requests() != 2 || len(rec.got()) != 1 {
					t.Errorf("%s returned %v after %d requests and waits %v, want nil after 2 requests and 1 wait", method, err, s.requests(), rec.got())
				}
			})
		}
	}
}

func TestNoRetry(t *testing.T) {
	tests := []struct {
		name  string
		reply http.HandlerFunc
	}{
		{"400", respond(400, `{"name":["Required."]}`)},
		{"401", respond(401, `{"detail":"No."}`)},
		{"403", respond(403, `{"detail":"No."}`)},
		{"404", respond(404, `{"detail":"Not found."}`)},
		{"409", respond(409, "")},
		{"500", respond(500, "")},
		{"501", respond(501, "")},
		{"302", respond(302, "", "Location", "/elsewhere")},
		{"malformed 2xx", respond(200, `not json`)},
		{"oversized 2xx", respond(200, objectOfSize(t, maxResponseBytes+1))},
	}
	for _, tt := range tests {
		for _, method := range allMethods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				s, rec := newScript(tt.reply, okFor), &recorder{}
				c, _ := setup(t, s.ServeHTTP, retrying(rec)...)
				_ = call(t, c, method, testID)
				if s.requests() != 1 || len(rec.got()) != 0 {
					t.Errorf("%s: server saw %d requests, waits %v; want 1 request, no wait", method, s.requests(), rec.got())
				}
			})
		}
	}
}

func TestRetryTransportFailures(t *testing.T) {
	tests := []struct {
		name         string
		refuse       int              // dials refused before the server is reached
		first        http.HandlerFunc // the first request's fate; nil: none reaches the server
		opts         []Option
		methods      []string
		patchRetried bool
		wantErr      error // of a PATCH that is not retried
	}{
		{name: "connection refused", refuse: 1, methods: allMethods, patchRetried: true},
		{name: "reset before the answer", first: reset, methods: allMethods, wantErr: ErrUnreachable},
		// A DELETE's 200 is its answer, body or not, so only GET and PATCH.
		{name: "body cut short", first: cutShort, methods: []string{http.MethodGet, http.MethodPatch}, wantErr: ErrUnreachable},
		{name: "attempt timeout", first: stallUntilGone, opts: []Option{WithAttemptTimeout(50 * time.Millisecond)}, methods: allMethods, wantErr: ErrAttemptTimeout},
	}
	for _, tt := range tests {
		for _, method := range tt.methods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				s := newScript(okFor)
				if tt.first != nil {
					s = newScript(tt.first, okFor)
				}
				hc, dials := refusingClient(t, tt.refuse)
				rec := &recorder{}
				c, _ := setupWith(t, s.ServeHTTP, hc, retrying(rec, append(tt.opts, WithCredentials(testCreds))...)...)
				err := call(t, c, method, testID)
				wantRequests := 2 - tt.refuse
				if method == http.MethodPatch && !tt.patchRetried {
					if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("PATCH returned %v, want %v and ErrUnreachable, without context.DeadlineExceeded", err, tt.wantErr)
					}
					wantRequests = 1
				} else if err != nil {
					t.Errorf("%s returned %v, want success on retry", method, err)
				}
				if s.requests() != wantRequests {
					t.Errorf("%s: server saw %d requests, want %d", method, s.requests(), wantRequests)
				}
				if tt.refuse > 0 && dials.Load() != 2 {
					t.Errorf("%s: %d dials, want 2", method, dials.Load())
				}
			})
		}
	}
}

func TestDeleteNotFoundAfterRetry(t *testing.T) {
	notFound := respond(404, `{"detail":"Not found."}`)
	tests := []struct {
		name    string
		method  string
		refuse  int
		first   http.HandlerFunc
		opts    []Option
		want404 bool
	}{
		{name: "503 then 404", method: http.MethodDelete, first: respond(503, "")},
		{name: "502 then 404", method: http.MethodDelete, first: respond(502, "")},
		{name: "504 then 404", method: http.MethodDelete, first: respond(504, "")},
		{name: "reset then 404", method: http.MethodDelete, first: reset},
		{name: "attempt timeout then 404", method: http.MethodDelete, first: stallUntilGone, opts: []Option{WithAttemptTimeout(50 * time.Millisecond)}},
		{name: "first-attempt 404", method: http.MethodDelete, want404: true},
		{name: "dial failure then 404", method: http.MethodDelete, refuse: 1, want404: true},
		{name: "429 then 404", method: http.MethodDelete, first: respond(429, ""), want404: true},
		{name: "GET 503 then 404", method: http.MethodGet, first: respond(503, ""), want404: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScript(notFound)
			if tt.first != nil {
				s = newScript(tt.first, notFound)
			}
			hc, _ := refusingClient(t, tt.refuse)
			rec := &recorder{}
			c, _ := setupWith(t, s.ServeHTTP, hc, retrying(rec, append(tt.opts, WithCredentials(testCreds))...)...)
			err := call(t, c, tt.method, testID)
			e, is404 := errors.AsType[*Error](err)
			if tt.want404 != (is404 && e.StatusCode == 404) || (!tt.want404 && err != nil) {
				t.Errorf("%s returned %v, want 404 *Error: %v", tt.method, err, tt.want404)
			}
		})
	}
}

func TestDefaultIsOneAttempt(t *testing.T) {
	s := newScript(respond(503, ""), okFor)
	c, _ := setup(t, s.ServeHTTP)
	if err := call(t, c, http.MethodGet, testID); err == nil || s.requests() != 1 {
		t.Errorf("GetWorkEngagement returned %v after %d requests, want the 503 after 1", err, s.requests())
	}
}
