package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

func TestNewBaseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want string // "" means New must fail
	}{
		{"https://dev.api.pigello.io", "https://dev.api.pigello.io"},
		{"https://dev.api.pigello.io/", "https://dev.api.pigello.io"},
		{"http://127.0.0.1:8080/prefix//", "http://127.0.0.1:8080/prefix"},
		{"HTTPS://dev.api.pigello.io/api/v2", "https://dev.api.pigello.io/api/v2"},
		{"https://dev.api.pigello.io/a%20b/", "https://dev.api.pigello.io/a%20b"},
		{"", ""},
		{"dev.api.pigello.io", ""},
		{"/relative/path", ""},
		{"ftp://dev.api.pigello.io", ""},
		{"https://", ""},
		{"https:opaque", ""},
		{"https://user:hunter2@dev.api.pigello.io", ""},
		{"https://dev.api.pigello.io?x=1", ""},
		{"https://dev.api.pigello.io/?", ""},
		{"https://dev.api.pigello.io#frag", ""},
		{"http://[::1", ""},
		{"https://dev.api.pigello.io/\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			c, err := New(tt.raw, http.DefaultClient)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("New(%q) succeeded, want error", tt.raw)
				}
				if !strings.HasPrefix(err.Error(), "upstream: ") || strings.Contains(err.Error(), "hunter2") {
					t.Errorf("New(%q) error = %q, want upstream-prefixed, without the password", tt.raw, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q) returned %v", tt.raw, err)
			}
			if c.baseURL != tt.want {
				t.Errorf("New(%q) base = %q, want %q", tt.raw, c.baseURL, tt.want)
			}
		})
	}
}

func TestNewOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		hc   *http.Client
		opts []Option
	}{
		{"nil http client", nil, nil},
		{"newline in secret", http.DefaultClient, []Option{WithCredentials(Credentials{ClientSecret: "secret-VALUE-d4\r\nX-Evil: 1"})}},
		{"nul in customer id", http.DefaultClient, []Option{WithCredentials(Credentials{CustomerID: "customer-VALUE-e5\x00"})}},
		{"newline in user agent", http.DefaultClient, []Option{WithUserAgent("ua\nX-Evil: 1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New("https://dev.api.pigello.io", tt.hc, tt.opts...)
			if err == nil {
				t.Fatal("New succeeded, want error")
			}
			testkit.AssertNoSecret(t, "New error", err.Error(), secrets)
			if !strings.HasPrefix(err.Error(), "upstream: ") {
				t.Errorf("New error = %q, want prefix %q", err, "upstream: ")
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	want := map[string]string{
		"X-PIGELLO-APPLICATION-ID":     testCreds.ApplicationID,
		"X-PIGELLO-CLIENT-CT":          testCreds.ClientCT,
		"X-PIGELLO-CLIENT-ENTITY":      testCreds.ClientEntity,
		"X-PIGELLO-CLIENT-SECRET":      testCreds.ClientSecret,
		"X-PIGELLO-CUSTOMER-ID":        testCreds.CustomerID,
		"X-PIGELLO-SERVICE-ID":         testCreds.ServiceID,
		"X-PIGELLO-SERVICE-VERSION-ID": testCreds.ServiceVersionID,
		"Accept":                       "application/json",
		"User-Agent":                   "test-agent/1",
	}
	for _, method := range allMethods {
		t.Run(method, func(t *testing.T) {
			var calls atomic.Int32
			c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if r.Method != method {
					t.Errorf("method = %s, want %s", r.Method, method)
				}
				for k, v := range want {
					if got := r.Header.Values(k); len(got) != 1 || got[0] != v {
						t.Errorf("header %s = %q, want [%q]", k, got, v)
					}
				}
				wantCT := ""
				if method == http.MethodPatch {
					wantCT = "application/json"
				}
				if got := r.Header.Get("Content-Type"); got != wantCT {
					t.Errorf("Content-Type = %q, want %q", got, wantCT)
				}
				okFor(w, r)
			})
			if err := call(t, c, method, testID); err != nil {
				t.Fatalf("%s returned %v", method, err)
			}
			if calls.Load() != 1 {
				t.Errorf("server saw %d requests, want 1", calls.Load())
			}
		})
	}
}

func TestDefaultUserAgent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("User-Agent"); got != defaultUserAgent {
			t.Errorf("User-Agent = %q, want %q", got, defaultUserAgent)
		}
		okFor(w, r)
	}))
	hc := NewHTTPClient()
	t.Cleanup(func() { srv.Close(); hc.CloseIdleConnections() })
	c, err := New(srv.URL, hc)
	if err != nil {
		t.Fatalf("New returned %v", err)
	}
	if err := c.GetWorkEngagement(t.Context(), testID, new(object)); err != nil {
		t.Fatalf("GetWorkEngagement returned %v", err)
	}
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name   string
		prefix string // appended to the server URL to form the base URL
		id     string
		want   string // request URI the server must see
	}{
		{"lower-case id", "", testID, testPath},
		{"upper-case id is lower-cased", "", strings.ToUpper(testID), testPath},
		{"mixed case", "", "497F6ECA-6276-4993-bfeb-53CBBBBA6f08", testPath},
		{"path prefix", "/api/v2", testID, "/api/v2" + testPath},
		{"path prefix with trailing slash", "/api/v2/", testID, "/api/v2" + testPath},
	}
	for _, tt := range tests {
		for _, method := range allMethods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.RequestURI != tt.want {
						t.Errorf("request URI = %q, want %q", r.RequestURI, tt.want)
					}
					okFor(w, r)
				}))
				hc := NewHTTPClient()
				t.Cleanup(func() { srv.Close(); hc.CloseIdleConnections() })
				c, err := New(srv.URL+tt.prefix, hc, WithCredentials(testCreds))
				if err != nil {
					t.Fatalf("New returned %v", err)
				}
				if err := call(t, c, method, tt.id); err != nil {
					t.Fatalf("%s returned %v", method, err)
				}
			})
		}
	}
}

func TestInvalidIDsNeverReachServer(t *testing.T) {
	ids := []string{
		"",
		"../x",
		"%2F",
		"a/b",
		"?",
		"#",
		"497f6eca-6276-4993-bfeb-53cbbbba6f0\n",
		"497f6eca-6276-4993-bfeb-53cbbbba6f0\r",
		"497f6eca-6276-4993-bfeb-53cbbbba6f08\r\n",
		"{497f6eca-6276-4993-bfeb-53cbbbba6f08}",
		"urn:uuid:497f6eca-6276-4993-bfeb-53cbbbba6f08",
		"497f6eca62764993bfeb53cbbbba6f08",
		"497f6eca-6276-4993-bfeb-53cbbbba6f0８",     // fullwidth digit
		"٤97f6eca-6276-4993-bfeb-53cbbbba6f0",      // Arabic-Indic digit, 36 bytes
		"497f6eca-6276-4993-bfeb-53cbbbba6f0g",     // not hex
		"497f6eca6-276-4993-bfeb-53cbbbba6f08",     // dash misplaced
		"497f6eca-6276-4993-bfeb-53cbbbba6f08/",    // trailing slash
		"497f6eca-6276-4993-bfeb-53cbbbba6f08/../", // traversal after a valid id
		"../../../../../../../../../../../../",     // 36 bytes of traversal
		"497f6eca-6276-4993-bfeb-53cbbbba6f%2F",
		"497f6eca-6276-4993-bfeb-53cbbbba6f?x",
		" 497f6eca-6276-4993-bfeb-53cbbbba6f08",
		"497f6eca+6276+4993+bfeb+53cbbbba6f08",
	}
	var calls, events atomic.Int32
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		t.Errorf("server saw %s %q", r.Method, r.RequestURI)
	}, WithObserver(func(_ context.Context, _ Event) { events.Add(1) }))
	for _, id := range ids {
		for _, method := range allMethods {
			err := call(t, c, method, id)
			if !errors.Is(err, ErrInvalidID) {
				t.Errorf("%s(%q) returned %v, want ErrInvalidID", method, id, err)
			}
		}
	}
	if calls.Load() != 0 || events.Load() != 0 {
		t.Errorf("server saw %d requests and observer %d events, want none", calls.Load(), events.Load())
	}
}

func TestClientNeverPrintsSecrets(t *testing.T) {
	c, err := New("https://dev.api.pigello.io", NewHTTPClient(), WithCredentials(testCreds))
	if err != nil {
		t.Fatalf("New returned %v", err)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		testkit.AssertNoSecret(t, "Sprintf("+f+", client)", fmt.Sprintf(f, c), secrets)
		testkit.AssertNoSecret(t, "Sprintf("+f+", *client)", fmt.Sprintf(f, *c), secrets)
	}
}
