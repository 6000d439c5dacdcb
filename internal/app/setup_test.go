package app

import (
	"context"
	"encoding/json"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testCreds has a distinct, recognisable value per header, so a leak of any
// one of them into a log line, status message or error is detectable.
var testCreds = credentialsOf("SECRET")

// wrongCreds are credentials the emulator refuses, as distinct as testCreds.
var wrongCreds = credentialsOf("WRONG")

// defaultConfig is the configuration with every flag at its default, for
// tests that build a Config without parsing a command line.
func defaultConfig() Config {
	var cfg Config
	for _, d := range flagDefs(&cfg) {
		d.value.setDefault()
	}
	return cfg
}

// credentialsOf fills each credential with testkit.CredentialValue(set, …).
func credentialsOf(set string) upstream.Credentials {
	var c upstream.Credentials
	for _, k := range upstream.CredentialList() {
		k.Set(&c, testkit.CredentialValue(set, k.Header))
	}
	return c
}

// credentialHeaders pairs each X-PIGELLO-* header with the value the facade
// must send in it.
var credentialHeaders = func() map[string]string {
	m := make(map[string]string)
	for _, k := range upstream.CredentialList() {
		m[k.Header] = k.Value(testCreds)
	}
	return m
}()

// credentialVars is the environment that configures creds. (TestRunCredentialFiles
// spells the variables out, to prove their names.)
func credentialVars(creds upstream.Credentials) map[string]string {
	env := make(map[string]string)
	for _, k := range upstream.CredentialList() {
		env[k.EnvVar()] = k.Value(creds)
	}
	return env
}

// secretValues are strings that must never leave the facade: the test
// credentials and the emulator's demo secret.
var secretValues = func() []string {
	var vs []string
	for _, k := range upstream.CredentialList() {
		vs = append(vs, k.Value(testCreds), k.Value(wrongCreds))
	}
	return append(vs, emulator.DemoCredentials().ClientSecret)
}()

// assertNoSecret fails if s contains any of secretValues.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	testkit.AssertNoSecret(t, what, s, secretValues)
}

// syncBuffer is a buffer safe for the concurrent writes of servers and
// reads of tests.
type syncBuffer = testkit.SyncBuffer

// testEnv is a running facade and what it talks to.
type testEnv struct {
	client  accountsv1.WorkEngagementServiceClient
	restURL string             // http://<gateway address>, no trailing slash
	emu     *emulator.Emulator // nil for a facade in front of a scripted server
	emuURL  string
	logs    *syncBuffer
	// grpcAddr and httpAddr are the listeners' addresses, for tests that
	// dial with their own credentials.
	grpcAddr, httpAddr string
}

// setup starts an emulator accepting testCreds and a facade in front of it,
// all on real loopback listeners. Cleanup shuts everything down and checks
// the facade logged no credential.
func setup(t *testing.T, edits ...func(*Config)) *testEnv {
	t.Helper()
	return setupEmulator(t, emulator.Config{}, edits...)
}

// setupEmulator is setup with an emulator configured by ecfg, its
// credentials replaced by testCreds.
func setupEmulator(t *testing.T, ecfg emulator.Config, edits ...func(*Config)) *testEnv {
	t.Helper()
	ecfg.Credentials = emulator.Credentials(testCreds)
	emu := emulator.New(ecfg)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	env := startFacade(t, srv.URL, testCreds, edits...)
	env.emu, env.emuURL = emu, srv.URL
	return env
}

// startFacade runs newFacade and serve against baseURL, as Run does, with a
// debug-level JSON logger writing to env.logs.
// edits change the configuration before the facade starts.
func startFacade(t *testing.T, baseURL string, creds upstream.Credentials, edits ...func(*Config)) *testEnv {
	t.Helper()
	cfg := defaultConfig()
	cfg.LogLevel = "debug"
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.PigelloBaseURL, cfg.Credentials = baseURL, creds
	cfg.Shutdown.Timeout = 5 * time.Second
	// One attempt, so each scripted answer maps to exactly one status; the
	// fault suite covers retries.
	cfg.Upstream.Retry.MaxAttempts = 1
	for _, edit := range edits {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level}))
	// Registered first, so it runs after the shutdown serveFacade registers.
	t.Cleanup(func() { assertNoSecret(t, "the facade's log", logs.String()) })
	env := newTestEnv(t, serveFacade(t, cfg, logger))
	env.logs = logs
	return env
}

// serveFacade starts the facade as Run does and shuts it down at cleanup.
func serveFacade(tb testing.TB, cfg Config, logger *slog.Logger) *facade {
	tb.Helper()
	f, err := newFacade(tb.Context(), cfg, logger)
	if err != nil {
		tb.Fatalf("newFacade returned %v, want nil", err)
	}
	f.serve()
	tb.Cleanup(func() {
		if err := f.shutdown(cfg.Shutdown.Timeout); err != nil {
			tb.Errorf("shutdown returned %v, want nil", err)
		}
	})
	return f
}

// newTestEnv connects a gRPC client to f and notes its addresses.
func newTestEnv(tb testing.TB, f *facade) *testEnv {
	tb.Helper()
	grpcAddr, httpAddr := f.grpcLis.Addr().String(), f.httpLis.Addr().String()
	return &testEnv{
		client:   grpcClient(tb, grpcAddr),
		restURL:  "http://" + httpAddr,
		grpcAddr: grpcAddr,
		httpAddr: httpAddr,
	}
}

// startScripted starts a facade in front of a server answering with h.
func startScripted(t *testing.T, h http.HandlerFunc) *testEnv {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return startFacade(t, srv.URL, testCreds)
}

// demo names the emulator's seeded records and organizations.
type demo struct{ full, empty, partial, acme, globex string }

func (e *testEnv) demo() demo {
	ids, orgs := e.emu.DemoIDs(), e.emu.DemoOrganizationIDs()
	return demo{full: ids[0], empty: ids[1], partial: ids[2], acme: orgs[0], globex: orgs[1]}
}

// missingID is a well-formed id the emulator does not hold.
const missingID = "00000000-0000-4000-8000-000000000000"

// assertNoUpstream fails if the emulator received any request.
func (e *testEnv) assertNoUpstream(t *testing.T) {
	t.Helper()
	if reqs := e.emu.Requests(); len(reqs) != 0 {
		t.Errorf("emulator received %d request(s), want none; first: %s %s %s", len(reqs), reqs[0].Method, reqs[0].Path, reqs[0].Body)
	}
}

// onlyRequest returns the one request the emulator received, failing the
// test if it received another number.
func (e *testEnv) onlyRequest(t *testing.T) emulator.Request {
	t.Helper()
	reqs := e.emu.Requests()
	if len(reqs) != 1 {
		t.Fatalf("emulator received %d requests, want 1: %v", len(reqs), describe(reqs))
	}
	return reqs[0]
}

// patchBody returns the body of the one PATCH the emulator received, parsed.
func (e *testEnv) patchBody(t *testing.T) map[string]any {
	t.Helper()
	req := e.onlyRequest(t)
	if req.Method != http.MethodPatch {
		t.Fatalf("emulator received %s, want PATCH", req.Method)
	}
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("PATCH body %q is not a JSON object: %v", req.Body, err)
	}
	return body
}

func describe(reqs []emulator.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Method + " " + r.Path + " " + string(r.Body)
	}
	return out
}

// itemPath is the Pigello path of one work engagement.
func itemPath(id string) string {
	return "/accounts/users/organization/workengagement/" + id + "/"
}

// callCtx returns a context for one call, bounded so a hang fails the test.
func callCtx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}
