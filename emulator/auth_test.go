package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
)

const (
	notProvided = `{"detail": "Authentication credentials were not provided."}`
	incorrect   = `{"detail": "Incorrect authentication credentials."}`
)

func TestAuth(t *testing.T) {
	demo := emulator.DemoCredentials()
	tests := []struct {
		name   string
		method string
		path   func(f *fixture) string
		body   string
		edits  []func(*http.Request)
		status int
		want   string
	}{
		{name: "missing application id", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-APPLICATION-ID")}, status: 401, want: notProvided},
		{name: "missing client ct", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-CLIENT-CT")}, status: 401, want: notProvided},
		{name: "missing client entity", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-CLIENT-ENTITY")}, status: 401, want: notProvided},
		{name: "missing client secret", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-CLIENT-SECRET")}, status: 401, want: notProvided},
		{name: "missing customer id", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-CUSTOMER-ID")}, status: 401, want: notProvided},
		{name: "missing service id", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-SERVICE-ID")}, status: 401, want: notProvided},
		{name: "missing service version id", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-SERVICE-VERSION-ID")}, status: 401, want: notProvided},
		{name: "empty secret", method: "GET", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-SECRET", "")}, status: 401, want: notProvided},
		{name: "missing beats wrong", method: "GET", path: firstDemo, edits: []func(*http.Request){withoutHeader("X-PIGELLO-CUSTOMER-ID"), withHeader("X-PIGELLO-CLIENT-SECRET", "nope")}, status: 401, want: notProvided},
		{name: "wrong secret", method: "GET", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-SECRET", "nope")}, status: 401, want: incorrect},
		{name: "wrong service version", method: "GET", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-SERVICE-VERSION-ID", demo.ServiceID)}, status: 401, want: incorrect},
		{name: "secret with a suffix", method: "GET", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-SECRET", demo.ClientSecret+"x")}, status: 401, want: incorrect},
		{name: "lower-case header names", method: "GET", path: firstDemo, edits: []func(*http.Request){lowerCaseHeaders}, status: 200},
		// A header sent twice reaches Django as one comma-joined value.
		{name: "secret repeated with another value", method: "GET", path: firstDemo, edits: []func(*http.Request){alsoHeader("X-PIGELLO-CLIENT-SECRET", "nope")}, status: 401, want: incorrect},
		{name: "wrong secret, then the right one", method: "GET", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-SECRET", "nope"), alsoHeader("X-PIGELLO-CLIENT-SECRET", demo.ClientSecret)}, status: 401, want: incorrect},
		{name: "secret repeated with the same value", method: "GET", path: firstDemo, edits: []func(*http.Request){alsoHeader("X-PIGELLO-CLIENT-SECRET", demo.ClientSecret)}, status: 401, want: incorrect},
		{name: "empty secret, then the right one", method: "GET", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-SECRET", ""), alsoHeader("X-PIGELLO-CLIENT-SECRET", demo.ClientSecret)}, status: 401, want: incorrect},
		{name: "before 404 of unknown pk", method: "GET", path: unknownRecord, edits: []func(*http.Request){withoutHeader("X-PIGELLO-CLIENT-SECRET")}, status: 401, want: notProvided},
		{name: "before 405", method: "PUT", path: firstDemo, edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-SECRET", "nope")}, status: 401, want: incorrect},
		{name: "before 415", method: "POST", path: collectionOf, body: "x", edits: []func(*http.Request){withoutHeader("X-PIGELLO-CLIENT-CT"), withHeader("Content-Type", "text/plain")}, status: 401, want: notProvided},
		{name: "before validation", method: "POST", path: collectionOf, body: "{}", edits: []func(*http.Request){withHeader("X-PIGELLO-CLIENT-CT", "nope")}, status: 401, want: incorrect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, emulator.Config{})
			resp := f.call(t, tt.method, tt.path(f), tt.body, tt.edits...)
			if tt.status == 200 {
				if resp.status != 200 {
					t.Fatalf("status = %d, want 200 (body %s)", resp.status, resp.body)
				}
				return
			}
			resp.check(t, tt.status, tt.want)
			if got := resp.header.Get("WWW-Authenticate"); got != "" {
				t.Errorf("WWW-Authenticate = %q, want none", got)
			}
		})
	}
}

func TestAuthCustomCredentials(t *testing.T) {
	custom := emulator.Credentials{
		ApplicationID: "app", ClientCT: "ct", ClientEntity: "entity", ClientSecret: "s3cret",
		CustomerID: "customer", ServiceID: "service", ServiceVersionID: "version",
	}
	f := setup(t, emulator.Config{Credentials: custom})
	if resp := f.call(t, "GET", firstDemo(f), ""); resp.status != 200 {
		t.Errorf("GET with the configured credentials: status = %d, want 200 (body %s)", resp.status, resp.body)
	}
	var demo []func(*http.Request)
	for name, value := range credentialHeaders(emulator.DemoCredentials()) {
		demo = append(demo, withHeader(name, value))
	}
	f.call(t, "GET", firstDemo(f), "", demo...).check(t, 401, incorrect)
}

func TestNewPanicsOnBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  emulator.Config
	}{
		{"partial credentials", emulator.Config{Credentials: emulator.Credentials{ClientSecret: "x"}}},
		{"organization not a uuid", emulator.Config{Organizations: []string{"acme"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", tt.cfg)
				}
			}()
			emulator.New(tt.cfg)
		})
	}
}

func firstDemo(f *fixture) string   { return detailPath(f.emu.DemoIDs()[0]) }
func unknownRecord(*fixture) string { return detailPath("11111111-2222-4333-8444-555555555555") }
func collectionOf(*fixture) string  { return collection }

// alsoHeader adds a value to a header after those it has: the header is
// then sent as two field lines.
func alsoHeader(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Add(name, value) }
}

// lowerCaseHeaders sends every header name in lower case, which HTTP allows.
func lowerCaseHeaders(r *http.Request) {
	for name, values := range r.Header {
		delete(r.Header, name)
		r.Header[strings.ToLower(name)] = values
	}
}
