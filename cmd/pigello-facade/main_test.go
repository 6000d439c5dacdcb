package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// runMainEnv, set in a child's environment, makes the test binary run main
// with its arguments instead of the tests: the real binary's path from
// os.Args to the exit status, without a separate build.
const runMainEnv = "PIGELLO_FACADE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runBinary runs main in a child process with args and only env, and
// returns its exit status, stdout and stderr.
func runBinary(t *testing.T, args []string, env ...string) (int, string, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = append([]string{runMainEnv + "=1"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running main: %v", err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// TestBadConfigurationIsOneLine: a configuration the facade refuses exits 1
// with exactly one line on stderr, nothing on stdout (no usage dump), and
// no credential in it.
func TestBadConfigurationIsOneLine(t *testing.T) {
	const secret = "client-SECRET-never-printed"
	// The gRPC address is taken: a configuration wrongly accepted fails to
	// listen, with another line, instead of serving until the test times out.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() })
	complete := []string{"PIGELLO_BASE_URL=https://dev.api.pigello.io", "FACADE_GRPC_ADDR=" + taken.Addr().String(), "FACADE_HTTP_ADDR=127.0.0.1:0",
		"PIGELLO_APPLICATION_ID=" + secret, "PIGELLO_CLIENT_CT=" + secret, "PIGELLO_CLIENT_ENTITY=" + secret, "PIGELLO_CLIENT_SECRET=" + secret,
		"PIGELLO_CUSTOMER_ID=" + secret, "PIGELLO_SERVICE_ID=" + secret, "PIGELLO_SERVICE_VERSION_ID=" + secret}
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"bad flag value", []string{"--max-request-bytes=-5"}, nil,
			`pigello-facade: --max-request-bytes (FACADE_MAX_REQUEST_BYTES) = "-5": must be between 1 and 67108864`},
		{"bad variable", nil, []string{"FACADE_ATTEMPT_TIMEOUT=abc"},
			`pigello-facade: FACADE_ATTEMPT_TIMEOUT (--attempt-timeout) = "abc": not a duration (use e.g. 5s or 250ms)`},
		{"unparsable flag value", []string{"--max-attempts", "x"}, nil,
			`pigello-facade: --max-attempts (FACADE_MAX_ATTEMPTS) = "x": not an integer`},
		{"unknown flag", []string{"--max-atempts=2"}, nil,
			`pigello-facade: flag provided but not defined: -max-atempts (pigello-facade --help lists the flags)`},
		{"plain http beyond loopback", nil, []string{"PIGELLO_BASE_URL=http://10.0.0.5:8000"},
			`pigello-facade: --pigello-base-url (PIGELLO_BASE_URL) = "http://10.0.0.5:8000": plain http beyond loopback would send the Pigello credentials unencrypted: use https, or pass --insecure-upstream (FACADE_INSECURE_UPSTREAM) if the network is trusted`},
		{"user info in the base URL", []string{"--pigello-base-url", "https://me:" + secret + "@api.pigello.io"}, nil,
			`pigello-facade: --pigello-base-url (PIGELLO_BASE_URL): must not hold user info (user:password@): credentials come from the PIGELLO_* variables`},
		{"two credential errors", nil, []string{"PIGELLO_CLIENT_CT_FILE=/nonexistent/ct", "PIGELLO_SERVICE_ID_FILE=/nonexistent/id"},
			`pigello-facade: set PIGELLO_CLIENT_CT or PIGELLO_CLIENT_CT_FILE, not both; set PIGELLO_SERVICE_ID or PIGELLO_SERVICE_ID_FILE, not both`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Later variables win: tt.env is laid over the complete configuration.
			code, stdout, stderr := runBinary(t, tt.args, append(append([]string{}, complete...), tt.env...)...)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if want := tt.want + "\n"; stderr != want {
				t.Errorf("stderr =\n%q\nwant\n%q", stderr, want)
			}
		})
	}
}

// TestVersionNeedsNoVariable: --version prints the version alone and exits
// 0; FACADE_VERSION is no way to ask for it.
func TestVersionNeedsNoVariable(t *testing.T) {
	code, stdout, stderr := runBinary(t, []string{"--version"}, "FACADE_MAX_ATTEMPTS=abc")
	if code != 0 || stdout != "pigello-facade dev\n" || stderr != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q; want 0, the version, nothing", code, stdout, stderr)
	}
	code, stdout, _ = runBinary(t, nil, "FACADE_VERSION=true")
	if code != 1 || stdout != "" {
		t.Errorf("FACADE_VERSION=true: exit %d, stdout %q; want 1 (nothing configured) and no version", code, stdout)
	}
}

// TestMemoryBudgetFromTheEnvironment: the binary as a deployment starts it
// keeps the soft limit and GC percentage the Go runtime took from
// GOMEMLIMIT and GOGC (and names no budget), and with neither runs under a
// budget (the cgroup's or the default) with a soft limit below it and the
// default GC percentage. The start stops after the budget's log line: the gRPC address is
// taken.
func TestMemoryBudgetFromTheEnvironment(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() })
	args := []string{"--emulator", "--grpc-addr", taken.Addr().String(), "--http-addr", "127.0.0.1:0", "--log-format", "json"}
	type budget struct {
		Budget    int64  `json:"memory_budget_bytes"`
		Source    string `json:"source"`
		SoftLimit int64  `json:"soft_memory_limit_bytes"`
		GCPercent string `json:"gc_percent"`
		GCSource  string `json:"gc_percent_source"`
	}
	tests := []struct {
		name    string
		env     []string
		want    budget
		sources []string // where the budget may come from
	}{
		{"GOMEMLIMIT and GOGC", []string{"GOMEMLIMIT=300MiB", "GOGC=150"}, budget{0, "GOMEMLIMIT", 300 << 20, "150", "GOGC"}, []string{"GOMEMLIMIT"}},
		{"nothing set", nil, budget{GCPercent: "400", GCSource: "default"}, []string{"cgroup", "default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, _ := runBinary(t, args, tt.env...)
			if code != 1 {
				t.Errorf("exit status %d, want 1 (the gRPC address is taken)", code)
			}
			var got budget
			for _, line := range strings.Split(stdout, "\n") {
				if strings.Contains(line, `"msg":"memory budget"`) {
					if err := json.Unmarshal([]byte(line), &got); err != nil {
						t.Fatalf("the memory budget's log line is not JSON: %v\n%s", err, line)
					}
				}
			}
			if !slices.Contains(tt.sources, got.Source) || got.SoftLimit <= 0 ||
				got.Source != "GOMEMLIMIT" && got.SoftLimit >= got.Budget {
				t.Fatalf("memory budget %+v, want a soft limit from %v below the budget; output:\n%s", got, tt.sources, stdout)
			}
			if tt.want.SoftLimit == 0 {
				tt.want.Budget, tt.want.Source, tt.want.SoftLimit = got.Budget, got.Source, got.SoftLimit
			}
			if got != tt.want {
				t.Errorf("memory budget %+v, want %+v", got, tt.want)
			}
		})
	}
}
