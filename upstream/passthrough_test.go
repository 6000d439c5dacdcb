package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// echoCreds answers okFor if the request carries want's seven headers,
// exactly once each, and 401 otherwise.
func echoCreds(t *testing.T, want Credentials, seen *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		for _, p := range want.pairs() {
			if got := r.Header.Values(p[0]); len(got) != 1 || got[0] != p[1] {
				t.Errorf("header %s = %q, want the context's value", p[0], got)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		okFor(w, r)
	}
}

func TestCredentialsFromContext(t *testing.T) {
	var seen atomic.Int32
	var want atomic.Pointer[Credentials]
	c, _ := setupWith(t, func(w http.ResponseWriter, r *http.Request) {
		echoCreds(t, *want.Load(), &seen)(w, r)
	}, NewHTTPClient(), WithCredentialsFromContext())
	for _, creds := range []Credentials{callerCreds, testCreds} {
		want.Store(&creds)
		ctx := ContextWithCredentials(t.Context(), creds)
		for _, method := range allMethods {
			if err := callWith(ctx, t, c, method, testID); err != nil {
				t.Errorf("%s returned %v", method, err)
			}
		}
	}
	if seen.Load() != 6 {
		t.Errorf("server saw %d requests, want 6", seen.Load())
	}
}

func TestCredentialsFromContextOnRetry(t *testing.T) {
	var seen atomic.Int32
	s := newScript(respond(503, ""), echoCreds(t, callerCreds, &seen))
	rec := &recorder{}
	c, _ := setupWith(t, s.ServeHTTP, NewHTTPClient(), retrying(rec, WithCredentialsFromContext())...)
	ctx := ContextWithCredentials(t.Context(), callerCreds)
	if err := callWith(ctx, t, c, http.MethodGet, testID); err != nil || seen.Load() != 1 {
		t.Errorf("GetWorkEngagement returned %v; the retry carried the credentials %d times, want 1", err, seen.Load())
	}
}

func TestCredentialsFromContextRefused(t *testing.T) {
	partial := callerCreds
	partial.ClientSecret, partial.ServiceID = "", ""
	invalid := callerCreds
	invalid.ClientSecret = "secret-CALLER-4\r\nX-Evil: 1"
	tests := []struct {
		name    string
		ctx     func(context.Context) context.Context
		mention string // a header the error must name
	}{
		{"none in context", func(ctx context.Context) context.Context { return ctx }, ""},
		{"incomplete", func(ctx context.Context) context.Context { return ContextWithCredentials(ctx, partial) }, "X-PIGELLO-SERVICE-ID"},
		{"invalid value", func(ctx context.Context) context.Context { return ContextWithCredentials(ctx, invalid) }, "X-PIGELLO-CLIENT-SECRET"},
	}
	for _, tt := range tests {
		for _, method := range allMethods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				var seen, events atomic.Int32
				c, _ := setupWith(t, echoCreds(t, callerCreds, &seen), NewHTTPClient(),
					WithCredentialsFromContext(), WithObserver(func(context.Context, Event) { events.Add(1) }))
				err := callWith(tt.ctx(t.Context()), t, c, method, testID)
				if !errors.Is(err, ErrNoCredentials) || !strings.HasPrefix(err.Error(), "upstream: ") || !strings.Contains(err.Error(), tt.mention) {
					t.Errorf("%s returned %v, want ErrNoCredentials naming %q", method, err, tt.mention)
				}
				for _, v := range callerCreds.pairs() {
					if strings.Contains(err.Error(), v[1]) {
						t.Errorf("error %q contains a credential value", err)
					}
				}
				if seen.Load() != 0 || events.Load() != 0 {
					t.Errorf("%d requests and %d events, want none", seen.Load(), events.Load())
				}
			})
		}
	}
}

func TestStaticCredentialsNotSentInPassThrough(t *testing.T) {
	// Static and context credentials exclude each other, so a caller's
	// request can never go out under the facade's own.
	if _, err := New("https://dev.api.pigello.io", http.DefaultClient, WithCredentials(testCreds), WithCredentialsFromContext()); err == nil {
		t.Error("New accepted both credential sources")
	}
	ctx := ContextWithCredentials(context.Background(), callerCreds)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(f, ctx)
		for _, v := range callerCreds.pairs() {
			if strings.Contains(got, v[1]) {
				t.Errorf("Sprintf(%q, ctx) = %q contains a credential value", f, got)
			}
		}
	}
}
