package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The next operations (a POST that creates, a GET with a query that lists)
// are a request and a call to do, as these test-only ones are, and inherit
// the whole path: headers, bounds, errors, and the retry policy of their
// method.

// createForTest is a Create operation: a POST of body to the collection,
// the answer decoded into out.
func (c *Client) createForTest(ctx context.Context, body json.RawMessage, out any) error {
	req, err := c.newRequest(ctx, "CreateForTest", http.MethodPost, workEngagementPath, body)
	if err != nil {
		return err
	}
	return c.do(ctx, req, out)
}

func TestPostSendsBody(t *testing.T) {
	var method, path, contentType, body string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		method, path, contentType, body = r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(b)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, minimalObj)
	})
	var got struct{ ID string }
	if err := c.createForTest(t.Context(), json.RawMessage(`{"name":"n"}`), &got); err != nil || got.ID != testID {
		t.Fatalf("create returned %+v, %v; want the created object", got, err)
	}
	want := []string{http.MethodPost, workEngagementPath, "application/json", `{"name":"n"}`}
	if diff := cmp.Diff(want, []string{method, path, contentType, body}); diff != "" {
		t.Errorf("request mismatch (-want +got):\n%s", diff)
	}
}

func TestQueryEncoded(t *testing.T) {
	var path, rawQuery string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		path, rawQuery = r.URL.Path, r.URL.RawQuery
		_, _ = io.WriteString(w, "[]")
	})
	q := url.Values{"_page": {"2"}, "color_code!": {"a&b=c"}, "_search": {"ö ?#/"}}
	if _, err := c.ListWorkEngagements(t.Context(), q, nil); err != nil {
		t.Fatalf("list returned %v", err)
	}
	if path != workEngagementPath+"list/" {
		t.Errorf("path = %q, want %q", path, workEngagementPath+"list/")
	}
	got, err := url.ParseQuery(rawQuery)
	if err != nil {
		t.Fatalf("query %q does not parse: %v", rawQuery, err)
	}
	if diff := cmp.Diff(q, got); diff != "" {
		t.Errorf("query %q mismatch (-want +got):\n%s", rawQuery, diff)
	}
}

// TestPostRetriedOnlyIfNeverSent: a POST is not idempotent, so it is
// retried only when no connection was had for it, and one that may have
// reached Pigello and got no answer is ErrOutcomeUnknown.
func TestPostRetriedOnlyIfNeverSent(t *testing.T) {
	tests := []struct {
		name     string
		refuse   int
		first    http.HandlerFunc
		requests int
		unknown  bool
		wantErr  bool
	}{
		{name: "dial refused, then retried", refuse: 1, requests: 1},
		{name: "reset after the request was read", first: reset, requests: 1, unknown: true, wantErr: true},
		{name: "503 is an answer", first: respond(503, ""), requests: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScript(okFor)
			if tt.first != nil {
				s = newScript(tt.first, okFor)
			}
			hc, _ := refusingClient(t, tt.refuse)
			c, _ := setupWith(t, s.ServeHTTP, hc, retrying(&recorder{}, WithCredentials(testCreds))...)
			err := c.createForTest(t.Context(), json.RawMessage(`{"name":"n"}`), new(any))
			if (err != nil) != tt.wantErr || errors.Is(err, ErrOutcomeUnknown) != tt.unknown {
				t.Errorf("create returned %v, want an error: %v, ErrOutcomeUnknown: %v", err, tt.wantErr, tt.unknown)
			}
			if s.requests() != tt.requests {
				t.Errorf("server saw %d requests, want %d", s.requests(), tt.requests)
			}
		})
	}
}
