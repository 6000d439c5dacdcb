package upstream

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testCreds are the client's own credentials and callerCreds a
// pass-through caller's: each value distinct and recognisable
// (testkit.CredentialValue), so a leak of any one of them shows.
var testCreds, callerCreds = credentialsOf("SECRET"), credentialsOf("CALLER")

func credentialsOf(set string) Credentials {
	var c Credentials
	for _, k := range CredentialList() {
		k.Set(&c, testkit.CredentialValue(set, k.Header))
	}
	return c
}

// secrets are the values no error, log line or formatted value may hold,
// for testkit.AssertNoSecret.
var secrets = func() []string {
	var vs []string
	for _, k := range CredentialList() {
		vs = append(vs, k.Value(testCreds), k.Value(callerCreds))
	}
	return vs
}()

const (
	testID     = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
	testPath   = "/accounts/users/organization/workengagement/" + testID + "/"
	minimalObj = `{"id":"` + testID + `","name":"n"}`
)

// setup starts a server running h and returns a Client for it with test
// credentials, using NewHTTPClient so tests exercise the production policy.
// Cleanup closes both.
func setup(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	return setupWith(t, h, NewHTTPClient(), append([]Option{WithCredentials(testCreds)}, opts...)...)
}

// setupWith is setup with the caller's http.Client and without default
// credentials.
func setupWith(t *testing.T, h http.HandlerFunc, hc *http.Client, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		hc.CloseIdleConnections()
	})
	all := append([]Option{WithUserAgent("test-agent/1")}, opts...)
	c, err := New(srv.URL, hc, all...)
	if err != nil {
		t.Fatalf("New returned %v", err)
	}
	return c, srv
}

// respond returns a handler answering status, headers and body.
func respond(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// call runs one of the operations by its HTTP method, for tables covering
// several.
func call(t *testing.T, c *Client, method, id string) error {
	t.Helper()
	return callWith(t.Context(), t, c, method, id)
}

// callWith is call with the caller's context.
func callWith(ctx context.Context, t *testing.T, c *Client, method, id string) error {
	t.Helper()
	switch method {
	case http.MethodGet:
		return c.GetWorkEngagement(ctx, id, new(object))
	case http.MethodPatch:
		return c.UpdateWorkEngagement(ctx, id, json.RawMessage(`{"name":"n"}`), new(object))
	case http.MethodDelete:
		return c.DeleteWorkEngagement(ctx, id)
	case http.MethodPost: // a create names no id
		return c.CreateWorkEngagement(ctx, json.RawMessage(`{"name":"n"}`), new(object))
	}
	t.Fatalf("unknown method %s", method)
	return nil
}

var allMethods = []string{http.MethodGet, http.MethodPatch, http.MethodDelete}

// okFor answers what Pigello answers on success for the request's method.
func okFor(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		w.WriteHeader(http.StatusCreated)
	}
	_, _ = io.WriteString(w, minimalObj)
}
