package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/resilience"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// validEnv is a configuration that starts: loopback listeners on free
// ports, https Pigello and the seven recognisable testCreds, so a test can
// assert no message repeats one. extra is laid over it.
func validEnv(extra map[string]string) map[string]string {
	env := credentialVars(testCreds)
	env["PIGELLO_BASE_URL"] = "https://dev.api.pigello.io"
	env["FACADE_GRPC_ADDR"], env["FACADE_HTTP_ADDR"] = "127.0.0.1:0", "127.0.0.1:0"
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func getenvOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// refusals are values out of their flag's range and why each is refused:
// the known offenders of issue 9 first, then every other rule.
var refusals = []struct{ flag, env, value, why string }{
	{"max-request-bytes", "FACADE_MAX_REQUEST_BYTES", "-5", "must be between 1 and 67108864"},
	{"default-timeout", "FACADE_DEFAULT_TIMEOUT", "-1s", "must be more than 0s"},
	{"upstream-max-concurrency", "FACADE_UPSTREAM_MAX_CONCURRENCY", "-1", "must be between 0 and 10000"},
	{"breaker-min-requests", "FACADE_BREAKER_MIN_REQUESTS", "-1", "must be between 0 and 100000"},
	{"reload-interval", "FACADE_RELOAD_INTERVAL", "0s", "must be more than 0s"},
	{"attempt-timeout", "FACADE_ATTEMPT_TIMEOUT", "abc", "not a duration (use e.g. 5s or 250ms)"},
	{"breaker-failure-ratio", "FACADE_BREAKER_FAILURE_RATIO", "2", "must be more than 0 and at most 1"},

	{"grpc-addr", "FACADE_GRPC_ADDR", "not-an-address", "not host:port (use e.g. :9090 or 127.0.0.1:9090)"},
	{"http-addr", "FACADE_HTTP_ADDR", "127.0.0.1:99999", "port must be a number from 0 to 65535"},
	{"http-addr", "FACADE_HTTP_ADDR", "127.0.0.1:http", "port must be a number from 0 to 65535"},
	{"debug-addr", "FACADE_DEBUG_ADDR", "localhost", "not host:port (use e.g. :9090 or 127.0.0.1:9090)"},
	{"log-format", "FACADE_LOG_FORMAT", "xml", "must be text or json"},
	{"log-level", "FACADE_LOG_LEVEL", "verbose", "must be debug, info, warn or error"},
	{"shutdown-timeout", "FACADE_SHUTDOWN_TIMEOUT", "0s", "must be more than 0s"},
	{"shutdown-timeout", "FACADE_SHUTDOWN_TIMEOUT", "15", "not a duration (use e.g. 5s or 250ms)"},
	{"grpcurl-command", "FACADE_GRPCURL_COMMAND", " ", "must not be empty"},
	{"emulator", "FACADE_EMULATOR", "maybe", "not a boolean (use true or false)"},
	{"emulator-list-envelope", "FACADE_EMULATOR_LIST_ENVELOPE", "bare", "must be array or paginated"},
	{"metrics", "FACADE_METRICS", "yes", "not a boolean (use true or false)"},
	{"insecure", "FACADE_INSECURE", "2", "not a boolean (use true or false)"},
	{"insecure-upstream", "FACADE_INSECURE_UPSTREAM", "sure", "not a boolean (use true or false)"},
	{"credentials-from-metadata", "FACADE_CREDENTIALS_FROM_METADATA", "on", "not a boolean (use true or false)"},
	{"attempt-timeout", "FACADE_ATTEMPT_TIMEOUT", "-1ms", "must be 0s or more"},
	{"max-attempts", "FACADE_MAX_ATTEMPTS", "0", "must be between 1 and 10"},
	{"max-attempts", "FACADE_MAX_ATTEMPTS", "11", "must be between 1 and 10"},
	{"max-attempts", "FACADE_MAX_ATTEMPTS", "three", "not an integer"},
	{"upstream-max-concurrency", "FACADE_UPSTREAM_MAX_CONCURRENCY", "10001", "must be between 0 and 10000"},
	{"upstream-queue-timeout", "FACADE_UPSTREAM_QUEUE_TIMEOUT", "-1ms", "must be 0s or more"},
	{"breaker-window", "FACADE_BREAKER_WINDOW", "0s", "must be more than 0s"},
	{"breaker-min-requests", "FACADE_BREAKER_MIN_REQUESTS", "99999999999999999999", "must be between 0 and 100000"},
	{"breaker-failure-ratio", "FACADE_BREAKER_FAILURE_RATIO", "0", "must be more than 0 and at most 1"},
	{"breaker-failure-ratio", "FACADE_BREAKER_FAILURE_RATIO", "NaN", "not a number (use e.g. 0.5)"},
	{"breaker-failure-ratio", "FACADE_BREAKER_FAILURE_RATIO", "half", "not a number (use e.g. 0.5)"},
	{"breaker-open-for", "FACADE_BREAKER_OPEN_FOR", "0s", "must be more than 0s"},
	{"max-request-bytes", "FACADE_MAX_REQUEST_BYTES", "67108865", "must be between 1 and 67108864"},
	{"max-request-bytes", "FACADE_MAX_REQUEST_BYTES", "64MiB", "not an integer"},
	{"log-flush-interval", "FACADE_LOG_FLUSH_INTERVAL", "-1s", "must be 0s or more"},
	{"memory-limit", "FACADE_MEMORY_LIMIT", "12MiB", "must be at least 16MiB"},
	{"memory-limit", "FACADE_MEMORY_LIMIT", "0", "must be at least 16MiB"},
	{"memory-limit", "FACADE_MEMORY_LIMIT", "-1GiB", "not a size (use e.g. 200MiB or 1GiB, or auto)"},
	{"memory-limit", "FACADE_MEMORY_LIMIT", "lots", "not a size (use e.g. 200MiB or 1GiB, or auto)"},
	{"memory-limit", "FACADE_MEMORY_LIMIT", "off", "not a size (use e.g. 200MiB or 1GiB, or auto)"},
	{"memory-limit", "FACADE_MEMORY_LIMIT", "9EiB", "must be less than 8EiB"},
	{"gc-percent", "FACADE_GC_PERCENT", "0", "must be between 1 and 100000, or off or auto"},
	{"gc-percent", "FACADE_GC_PERCENT", "100001", "must be between 1 and 100000, or off or auto"},
	{"gc-percent", "FACADE_GC_PERCENT", "-1", "must be between 1 and 100000, or off or auto"},
	{"gc-percent", "FACADE_GC_PERCENT", "50%", "not an integer, off or auto"},
}

// TestRunRefusesValues runs Run with each refused value, on the command line
// and in its variable, over a configuration that otherwise starts: the error
// is exactly one line naming the flag, its variable, the value and the rule,
// and nothing is printed besides (no usage dump, no credential).
func TestRunRefusesValues(t *testing.T) {
	for _, r := range refusals {
		t.Run(r.flag+"="+r.value+"/flag", func(t *testing.T) {
			want := fmt.Sprintf("--%s (%s) = %q: %s", r.flag, r.env, r.value, r.why)
			assertRefused(t, []string{"--" + r.flag + "=" + r.value}, nil, want)
		})
		t.Run(r.flag+"="+r.value+"/env", func(t *testing.T) {
			want := fmt.Sprintf("%s (--%s) = %q: %s", r.env, r.flag, r.value, r.why)
			assertRefused(t, nil, map[string]string{r.env: r.value}, want)
		})
	}
}

// TestRunRefusesCredentialValues: a credential upstream.CheckCredentialValue
// refuses stops the start in one line naming the variable (or its _FILE)
// and the rule, never the value: a tab or a non-ASCII letter would reach
// Pigello over HTTP but not a caller's over gRPC, so neither is accepted.
func TestRunRefusesCredentialValues(t *testing.T) {
	const ascii = "must hold only printable ASCII, space to ~ (no tab, no line break)"
	file := filepath.Join(t.TempDir(), "client-ct")
	if err := os.WriteFile(file, []byte("ct\tvalue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, value string
		env         map[string]string
		want        string
	}{
		{"tab", "secret\tvalue", map[string]string{"PIGELLO_CLIENT_SECRET": "secret\tvalue"}, "PIGELLO_CLIENT_SECRET: " + ascii},
		{"non-ASCII", "bolag-å", map[string]string{"PIGELLO_CLIENT_ENTITY": "bolag-å"}, "PIGELLO_CLIENT_ENTITY: " + ascii},
		{"trailing space", "customer-q9 ", map[string]string{"PIGELLO_CUSTOMER_ID": "customer-q9 "}, "PIGELLO_CUSTOMER_ID: must not begin or end with a space"},
		{"too long", strings.Repeat("x", 257), map[string]string{"PIGELLO_SERVICE_ID": strings.Repeat("x", 257)}, "PIGELLO_SERVICE_ID: must be at most 256 bytes"},
		{"tab in a file", "ct\tvalue", map[string]string{"PIGELLO_CLIENT_CT": "", "PIGELLO_CLIENT_CT_FILE": file}, "PIGELLO_CLIENT_CT_FILE: " + ascii},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertNotContains(t, assertRefused(t, nil, tt.env, tt.want), tt.value)
		})
	}
}

// TestRunRefusesBaseURL: a base URL that is not a usable base, or plain
// http beyond loopback, is refused in one line naming the setting. A URL
// whose form is wrong is never repeated (its user info or query may hold a
// secret); the plaintext refusal repeats the (well-formed) URL.
func TestRunRefusesBaseURL(t *testing.T) {
	const notAbsolute = "not an absolute URL (use e.g. https://api.pigello.io)"
	malformed := []struct{ value, why string }{
		{"api.pigello.io", notAbsolute},
		{"/accounts", notAbsolute},
		{"https://", notAbsolute},
		{"https:api.pigello.io", notAbsolute},
		{"user:hunter2-SECRET@api.pigello.io", notAbsolute},
		{"https://:443", "has no host"},
		{"ftp://api.pigello.io", "the scheme must be https (or http)"},
		{"https://user:hunter2-SECRET@api.pigello.io", "must not hold user info (user:password@): credentials come from the PIGELLO_* variables"},
		{"https://hunter2-SECRET@api.pigello.io", "must not hold user info (user:password@): credentials come from the PIGELLO_* variables"},
		{"https://api.pigello.io/?token=hunter2-SECRET", "must not have a query (?…) or fragment (#…)"},
		{"https://api.pigello.io/?", "must not have a query (?…) or fragment (#…)"},
		{"https://api.pigello.io/#hunter2-SECRET", "must not have a query (?…) or fragment (#…)"},
	}
	for _, m := range malformed {
		t.Run(m.value+"/flag", func(t *testing.T) {
			err := assertRefused(t, []string{"--pigello-base-url", m.value}, nil, "--pigello-base-url (PIGELLO_BASE_URL): "+m.why)
			assertNotContains(t, err, "hunter2")
		})
		t.Run(m.value+"/env", func(t *testing.T) {
			err := assertRefused(t, nil, map[string]string{"PIGELLO_BASE_URL": m.value}, "PIGELLO_BASE_URL (--pigello-base-url): "+m.why)
			assertNotContains(t, err, "hunter2")
		})
	}
	for _, url := range []string{"http://10.0.0.5:8000", "http://example.com", "http://[fe80::1]:8000",
		"http://127.0.0.1.example.com", "http://localhost.example.com:8000", "http://[::ffff:10.0.0.5]:8000"} {
		want := fmt.Sprintf("--pigello-base-url (PIGELLO_BASE_URL) = %q: plain http beyond loopback would send the Pigello credentials unencrypted: "+
			"use https, or pass --insecure-upstream (FACADE_INSECURE_UPSTREAM) if the network is trusted", url)
		t.Run(url+"/flag", func(t *testing.T) { assertRefused(t, []string{"--pigello-base-url", url}, nil, want) })
		t.Run(url+"/env", func(t *testing.T) { assertRefused(t, nil, map[string]string{"PIGELLO_BASE_URL": url}, want) })
	}
}

// assertRefused runs Run with args over validEnv with
// env laid on it, and checks it returns exactly want, prints nothing, and
// repeats no credential. It returns the error's text.
func assertRefused(t *testing.T, args []string, env map[string]string, want string) string {
	t.Helper()
	var out syncBuffer
	// Cancelled: a configuration wrongly accepted starts and stops at once.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := Run(ctx, args, getenvOf(validEnv(env)), &out)
	if err == nil {
		t.Fatalf("Run returned nil, want %q", want)
	}
	if err.Error() != want {
		t.Errorf("Run returned\n%q\nwant\n%q", err, want)
	}
	if out.String() != "" {
		t.Errorf("Run printed %q besides its error, want nothing", out.String())
	}
	assertNoSecret(t, "Run's error", err.Error())
	return err.Error()
}

func assertNotContains(t *testing.T, s, secret string) {
	t.Helper()
	if strings.Contains(s, secret) {
		t.Errorf("%q repeats %q", s, secret)
	}
}

// TestConfigAccepts: the edges of each range, the special values the docs
// name, loopback http and --insecure-upstream are accepted and take effect.
func TestConfigAccepts(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		got  func(Config) any
		want any
	}{
		{"https", nil, nil, func(c Config) any { return c.PigelloBaseURL }, "https://dev.api.pigello.io"},
		{"http to 127.0.0.1", []string{"--pigello-base-url", "http://127.0.0.1:8000"}, nil, func(c Config) any { return c.PigelloBaseURL }, "http://127.0.0.1:8000"},
		{"http to 127.1.2.3", nil, map[string]string{"PIGELLO_BASE_URL": "http://127.1.2.3:8000/base/"}, func(c Config) any { return c.PigelloBaseURL }, "http://127.1.2.3:8000/base/"},
		{"http to ::1", []string{"--pigello-base-url", "http://[::1]:8000"}, nil, func(c Config) any { return c.PigelloBaseURL }, "http://[::1]:8000"},
		{"http to ::ffff:127.0.0.1", nil, map[string]string{"PIGELLO_BASE_URL": "http://[::ffff:127.0.0.1]:8000"}, func(c Config) any { return c.PigelloBaseURL }, "http://[::ffff:127.0.0.1]:8000"},
		{"http to localhost", nil, map[string]string{"PIGELLO_BASE_URL": "http://localhost:8000"}, func(c Config) any { return c.PigelloBaseURL }, "http://localhost:8000"},
		{"http with --insecure-upstream", []string{"--insecure-upstream", "--pigello-base-url", "http://10.0.0.5:8000"}, nil,
			func(c Config) any { return c.InsecureUpstream }, true},
		{"http with FACADE_INSECURE_UPSTREAM", nil, map[string]string{"PIGELLO_BASE_URL": "http://example.com", "FACADE_INSECURE_UPSTREAM": "true"},
			func(c Config) any { return c.InsecureUpstream }, true},
		{"http ignored with --emulator", []string{"--emulator", "--pigello-base-url", "http://example.com"}, nil, func(c Config) any { return c.Emulator }, true},
		{"max-attempts 1", []string{"--max-attempts=1"}, nil, func(c Config) any { return c.Upstream.Retry.MaxAttempts }, 1},
		{"max-attempts 10", nil, map[string]string{"FACADE_MAX_ATTEMPTS": "10"}, func(c Config) any { return c.Upstream.Retry.MaxAttempts }, 10},
		{"unbounded concurrency", []string{"--upstream-max-concurrency=0"}, nil, func(c Config) any { return c.Upstream.Limiter.MaxConcurrency }, 0},
		{"breaker off", nil, map[string]string{"FACADE_BREAKER_MIN_REQUESTS": "0"}, func(c Config) any { return c.Upstream.Breaker.MinRequests }, 0},
		{"failure ratio 1", []string{"--breaker-failure-ratio=1"}, nil, func(c Config) any { return c.Upstream.Breaker.FailureRatio }, 1.0},
		{"no attempt timeout", nil, map[string]string{"FACADE_ATTEMPT_TIMEOUT": "0s"}, func(c Config) any { return c.Upstream.AttemptTimeout }, time.Duration(0)},
		{"no queueing", []string{"--upstream-queue-timeout=0"}, nil, func(c Config) any { return c.Upstream.Limiter.QueueTimeout }, time.Duration(0)},
		{"one-byte requests", []string{"--max-request-bytes=1"}, nil, func(c Config) any { return c.Server.MaxRequestBytes }, 1},
		{"64 MiB requests", nil, map[string]string{"FACADE_MAX_REQUEST_BYTES": "67108864"}, func(c Config) any { return c.Server.MaxRequestBytes }, 64 << 20},
		{"profiles off", []string{"--debug-addr="}, map[string]string{"FACADE_DEBUG_ADDR": "127.0.0.1:6060"}, func(c Config) any { return c.DebugAddr }, ""},
		{"json at debug", nil, map[string]string{"FACADE_LOG_FORMAT": "json", "FACADE_LOG_LEVEL": "debug"}, func(c Config) any { return c.LogFormat + " " + c.LogLevel }, "json debug"},
		{"flag wins over a bad variable", []string{"--max-attempts=2"}, map[string]string{"FACADE_MAX_ATTEMPTS": "-1"}, func(c Config) any { return c.Upstream.Retry.MaxAttempts }, 2},
		{"FACADE_VERSION is not read", nil, map[string]string{"FACADE_VERSION": "true"}, func(c Config) any { return c.ShowVersion }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out syncBuffer
			cfg, err := parseConfig(tt.args, getenvOf(validEnv(tt.env)), &out)
			if err != nil {
				t.Fatalf("parseConfig returned %v, want nil", err)
			}
			if got := tt.got(cfg); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestConfigParts: each flag of a part fills that part's own struct, which
// the part is given whole (upstream.New, the servers, security, shutdown):
// set every one away from its default, on the command line and through its
// variable, and the structs hold exactly those values.
func TestConfigParts(t *testing.T) {
	args := []string{
		"--drain-delay=3s", "--shutdown-timeout=7s",
		"--attempt-timeout=2s", "--max-attempts=5", "--upstream-max-concurrency=9", "--upstream-queue-timeout=250ms",
		"--breaker-window=30s", "--breaker-min-requests=4",
	}
	env := map[string]string{
		"FACADE_BREAKER_FAILURE_RATIO": "0.25", "FACADE_BREAKER_OPEN_FOR": "11s",
		"FACADE_DEFAULT_TIMEOUT": "12s", "FACADE_MAX_REQUEST_BYTES": "4096",
		"FACADE_TLS_CERT_FILE": "cert.pem", "FACADE_TLS_KEY_FILE": "key.pem", "FACADE_TLS_CLIENT_CA_FILE": "ca.pem",
		"FACADE_AUTH_TOKENS_FILE": "tokens", "FACADE_RELOAD_INTERVAL": "1m",
	}
	cfg, err := parseConfig(args, getenvOf(validEnv(env)), io.Discard)
	if err != nil {
		t.Fatalf("parseConfig returned %v", err)
	}
	parts := []struct {
		name      string
		got, want any
	}{
		{"Shutdown", cfg.Shutdown, ShutdownConfig{DrainDelay: 3 * time.Second, Timeout: 7 * time.Second}},
		{"Upstream", cfg.Upstream, UpstreamConfig{
			Retry:          upstream.RetryPolicy{MaxAttempts: 5},
			AttemptTimeout: 2 * time.Second,
			Limiter:        resilience.LimiterConfig{MaxConcurrency: 9, QueueTimeout: 250 * time.Millisecond},
			Breaker:        resilience.BreakerConfig{Window: 30 * time.Second, MinRequests: 4, FailureRatio: 0.25, OpenFor: 11 * time.Second},
		}},
		{"Server", cfg.Server, ServerConfig{DefaultTimeout: 12 * time.Second, MaxRequestBytes: 4096}},
		{"Security", cfg.Security, SecurityConfig{
			TLSCertFile: "cert.pem", TLSKeyFile: "key.pem", TLSClientCAFile: "ca.pem", TokensFile: "tokens", ReloadInterval: time.Minute,
		}},
	}
	for _, p := range parts {
		if diff := cmp.Diff(p.want, p.got); diff != "" {
			t.Errorf("Config.%s differs (-want +got):\n%s", p.name, diff)
		}
	}
}

// TestRunVersionIgnoresEnvironment: --version prints the version whatever
// the variables say, and FACADE_VERSION alone prints nothing.
func TestRunVersionIgnoresEnvironment(t *testing.T) {
	var out syncBuffer
	if err := Run(t.Context(), []string{"--version"}, getenvOf(validEnv(map[string]string{"FACADE_MAX_ATTEMPTS": "abc"})), &out); err != nil {
		t.Fatalf("Run --version with a bad FACADE_MAX_ATTEMPTS returned %v, want nil", err)
	}
	if got, want := out.String(), "pigello-facade "+version+"\n"; got != want {
		t.Errorf("Run --version printed %q, want %q", got, want)
	}
	out = syncBuffer{}
	err := Run(t.Context(), nil, func(k string) string { return map[string]string{"FACADE_VERSION": "true"}[k] }, &out)
	if err == nil || !strings.HasPrefix(err.Error(), "missing configuration") {
		t.Errorf("Run with FACADE_VERSION=true returned %v, want the missing configuration", err)
	}
	if strings.Contains(out.String(), version) {
		t.Errorf("Run with FACADE_VERSION=true printed the version:\n%s", out.String())
	}
}

// TestRunInsecureUpstreamWarnsOnce: --insecure-upstream lets a plain http
// base URL beyond loopback start, with one warning at start naming the
// setting; an https URL gets none.
func TestRunInsecureUpstreamWarnsOnce(t *testing.T) {
	const warning = "the Pigello credentials travel unencrypted: --pigello-base-url (PIGELLO_BASE_URL) is plain http beyond loopback, allowed by --insecure-upstream (FACADE_INSECURE_UPSTREAM)"
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		count int
	}{
		{"http with the flag", []string{"--insecure-upstream"}, map[string]string{"PIGELLO_BASE_URL": "http://10.0.0.5:8000"}, 1},
		{"http with the variable", nil, map[string]string{"PIGELLO_BASE_URL": "http://example.com", "FACADE_INSECURE_UPSTREAM": "true"}, 1},
		{"https", []string{"--insecure-upstream"}, nil, 0},
		{"http to loopback", nil, map[string]string{"PIGELLO_BASE_URL": "http://127.0.0.1:8000"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startRun(t, tt.args, validEnv(tt.env))
			if err := r.stop(); err != nil {
				t.Fatalf("Run returned %v, want nil", err)
			}
			if got := strings.Count(r.out.String(), warning); got != tt.count {
				t.Errorf("Run logged the warning %d times, want %d:\n%s", got, tt.count, r.out.String())
			}
			assertNoSecret(t, "Run's output", r.out.String())
		})
	}
}

// TestRunStartsAtTheEdges: a facade with every range at an edge the docs
// name (no retries, no bound, no breaker, no queueing, no attempt timeout)
// starts and serves.
func TestRunStartsAtTheEdges(t *testing.T) {
	r := startRun(t, append([]string{"--emulator", "--max-attempts=1", "--upstream-max-concurrency=0", "--breaker-min-requests=0",
		"--upstream-queue-timeout=0s", "--attempt-timeout=0s", "--breaker-failure-ratio=1", "--max-request-bytes=67108864"}, loopbackArgs...), nil)
	if len(r.ids) == 0 {
		t.Fatalf("banner lists no demo ids:\n%s", r.out.String())
	}
	if _, err := grpcClient(t, r.grpcAddr).GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: r.ids[0]}); err != nil {
		t.Errorf("Get returned %v, want nil", err)
	}
}
