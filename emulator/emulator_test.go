package emulator_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const collection = "/accounts/users/organization/workengagement/"

// fixture is an emulator behind a real listener.
type fixture struct {
	emu   *emulator.Emulator
	srv   *httptest.Server
	creds emulator.Credentials
}

func setup(t *testing.T, cfg emulator.Config) *fixture {
	t.Helper()
	return serve(t, emulator.New(cfg), cfg)
}

// serve puts emu, made from cfg, behind a real listener.
func serve(t *testing.T, emu *emulator.Emulator, cfg emulator.Config) *fixture {
	t.Helper()
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	t.Cleanup(emu.Close) // runs first, so a request held by a fault cannot block srv.Close
	creds := cfg.Credentials
	if creds == (emulator.Credentials{}) {
		creds = emulator.DemoCredentials()
	}
	return &fixture{emu: emu, srv: srv, creds: creds}
}

// detailPath is the path of one record.
func detailPath(id string) string { return collection + id + "/" }

// credentialHeaders spells out the seven headers from Pigello's documentation,
// independently of the emulator's own list.
func credentialHeaders(c emulator.Credentials) map[string]string {
	return map[string]string{
		"X-PIGELLO-APPLICATION-ID":     c.ApplicationID,
		"X-PIGELLO-CLIENT-CT":          c.ClientCT,
		"X-PIGELLO-CLIENT-ENTITY":      c.ClientEntity,
		"X-PIGELLO-CLIENT-SECRET":      c.ClientSecret,
		"X-PIGELLO-CUSTOMER-ID":        c.CustomerID,
		"X-PIGELLO-SERVICE-ID":         c.ServiceID,
		"X-PIGELLO-SERVICE-VERSION-ID": c.ServiceVersionID,
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends an authenticated request (JSON-typed when body is not empty);
// edits adjust it before it is sent.
func (f *fixture) call(t *testing.T, method, path, body string, edits ...func(*http.Request)) response {
	t.Helper()
	resp, err := f.try(method, path, body, edits...)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// try is call for goroutines other than the test's, which must not t.Fatal.
func (f *fixture) try(method, path, body string, edits ...func(*http.Request)) (response, error) {
	resp, err := f.send(f.srv.Client(), method, path, body, edits...)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, fmt.Errorf("read %s %s body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// send sends an authenticated request through client and returns the
// response with its body unread.
func (f *fixture) send(client *http.Client, method, path, body string, edits ...func(*http.Request)) (*http.Response, error) {
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("NewRequest(%q) returned %v", path, err)
	}
	for name, value := range credentialHeaders(f.creds) {
		req.Header.Set(name, value)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, edit := range edits {
		edit(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s returned %w", method, path, err)
	}
	return resp, nil
}

// check fails t unless r has the status and a body equal, as JSON, to want.
func (r response) check(t *testing.T, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if diff := cmp.Diff(decode(t, want), decode(t, string(r.body))); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
}

// object decodes r's body as a JSON object.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	obj, ok := decode(t, string(r.body)).(map[string]any)
	if !ok {
		t.Fatalf("body %s is not a JSON object", r.body)
	}
	return obj
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}

// jsonString returns s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func withHeader(name, value string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

func withoutHeader(name string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Del(name) }
}
