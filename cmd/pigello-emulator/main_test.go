package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pigello-facade/pigello-facade/emulator"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fixture is the command running in-process.
type fixture struct {
	baseURL string
	banner  string
	stop    func() error // cancels run's context and returns what run returned
}

func setup(t *testing.T, args []string, env map[string]string) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, mapEnv(env), pw)
		pw.Close()
		done <- err
	}()
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("run did not return after its context was cancelled")
			return nil
		}
	})
	t.Cleanup(func() { _ = stop() })

	first, rest := readBanner(pr)
	go func() { _, _ = io.Copy(io.Discard, pr) }() // run may not block on its output
	addr, ok := strings.CutPrefix(first, "pigello-emulator listening on ")
	if !ok {
		t.Fatalf("run printed %q first, want the listen address (run returned %v)", first, stop())
	}
	return &fixture{baseURL: addr, banner: first + "\n" + rest, stop: stop}
}

// readBanner reads the listen line and the lines after it, up to the demo ids.
func readBanner(r io.Reader) (first, rest string) {
	sc := bufio.NewScanner(r)
	if !sc.Scan() {
		return "", ""
	}
	first = sc.Text()
	var b strings.Builder
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "demo workengagements:") {
			break
		}
	}
	return first, b.String()
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// get fetches the first demo record with creds and returns the status.
func (f *fixture) get(t *testing.T, creds emulator.Credentials) int {
	t.Helper()
	id := emulator.New(emulator.Config{}).DemoIDs()[0]
	status, _ := f.fetch(t, creds, "/accounts/users/organization/workengagement/"+id+"/")
	return status
}

// fetch GETs path with creds and returns the status and body.
func (f *fixture) fetch(t *testing.T, creds emulator.Credentials, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", f.baseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range credentialEnv(&creds) {
		req.Header.Set(v.header, *v.value)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s returned %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, body
}

func TestRunServesAndStops(t *testing.T) {
	f := setup(t, []string{"--addr", "127.0.0.1:0"}, nil)
	if got := f.get(t, emulator.DemoCredentials()); got != 200 {
		t.Errorf("GET with demo credentials: status = %d, want 200", got)
	}
	for _, want := range []string{"public demo values", "demo-client-secret", "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31", "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"} {
		if !strings.Contains(f.banner, want) {
			t.Errorf("banner %q does not mention %q", f.banner, want)
		}
	}
	if err := f.stop(); err != nil {
		t.Errorf("run returned %v after cancel, want nil", err)
	}
}

func TestRunCustomCredentials(t *testing.T) {
	env := map[string]string{
		"PIGELLO_APPLICATION_ID": "app", "PIGELLO_CLIENT_CT": "ct", "PIGELLO_CLIENT_ENTITY": "entity",
		"PIGELLO_CLIENT_SECRET": "s3cret-value", "PIGELLO_CUSTOMER_ID": "customer", "PIGELLO_SERVICE_ID": "service",
		"PIGELLO_SERVICE_VERSION_ID": "version",
		"EMULATOR_ADDR":              "127.0.0.1:0",
	}
	f := setup(t, nil, env)
	custom := emulator.Credentials{
		ApplicationID: "app", ClientCT: "ct", ClientEntity: "entity", ClientSecret: "s3cret-value",
		CustomerID: "customer", ServiceID: "service", ServiceVersionID: "version",
	}
	if got := f.get(t, custom); got != 200 {
		t.Errorf("GET with the configured credentials: status = %d, want 200", got)
	}
	if got := f.get(t, emulator.DemoCredentials()); got != 401 {
		t.Errorf("GET with demo credentials: status = %d, want 401", got)
	}
	if strings.Contains(f.banner, "s3cret-value") {
		t.Errorf("banner %q prints a configured secret", f.banner)
	}
}

// The command line wins over the environment.
func TestRunFlagOverridesEnv(t *testing.T) {
	f := setup(t, []string{"--addr=127.0.0.1:0"}, map[string]string{"EMULATOR_ADDR": "not an address"})
	if got := f.get(t, emulator.DemoCredentials()); got != 200 {
		t.Errorf("GET: status = %d, want 200", got)
	}
}

func TestRunConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string // "" for a nil error
	}{
		{"partial credentials", []string{"--addr", "127.0.0.1:0"},
			map[string]string{"PIGELLO_CLIENT_SECRET": "x", "PIGELLO_CUSTOMER_ID": "y"},
			"pigello-emulator: credentials partly set: missing PIGELLO_APPLICATION_ID, PIGELLO_CLIENT_CT, PIGELLO_CLIENT_ENTITY, PIGELLO_SERVICE_ID, PIGELLO_SERVICE_VERSION_ID"},
		{"unknown flag", []string{"--port", "1"}, nil, "pigello-emulator: flag provided but not defined: -port"},
		{"extra argument", []string{"--addr", "127.0.0.1:0", "serve"}, nil, `pigello-emulator: unexpected arguments ["serve"]`},
		{"bad address", []string{"--addr", "127.0.0.1:99999"}, nil, "pigello-emulator: listen: "},
		{"unknown envelope", []string{"--addr", "127.0.0.1:0", "--list-envelope", "Paginated"}, nil,
			`pigello-emulator: invalid value "Paginated" for flag -list-envelope: "Paginated" is not one of array, paginated`},
		{"unknown envelope variable", []string{"--addr", "127.0.0.1:0"}, map[string]string{"EMULATOR_LIST_ENVELOPE": "json"},
			`pigello-emulator: EMULATOR_LIST_ENVELOPE: "json" is not one of array, paginated`},
		{"help", []string{"-h"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			err := run(t.Context(), tt.args, mapEnv(tt.env), &out)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("run returned %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
				t.Errorf("run returned %v, want an error starting %q", err, tt.wantErr)
			}
		})
	}
}

// --help lists every flag with its variable, the seven credential variables
// with their headers and demo values, every /_emulator/ endpoint, and when
// faults apply.
func TestHelp(t *testing.T) {
	demo := emulator.DemoCredentials()
	want := []string{
		"--addr address", "default 127.0.0.1:8000; variable EMULATOR_ADDR",
		"--version\n        print the version and exit\n        no variable",
		"-h, --help",
		"PIGELLO_APPLICATION_ID      X-PIGELLO-APPLICATION-ID      demo: " + demo.ApplicationID,
		"PIGELLO_CLIENT_CT           X-PIGELLO-CLIENT-CT           demo: " + demo.ClientCT,
		"PIGELLO_CLIENT_ENTITY       X-PIGELLO-CLIENT-ENTITY       demo: " + demo.ClientEntity,
		"PIGELLO_CLIENT_SECRET       X-PIGELLO-CLIENT-SECRET       demo: " + demo.ClientSecret,
		"PIGELLO_CUSTOMER_ID         X-PIGELLO-CUSTOMER-ID         demo: " + demo.CustomerID,
		"PIGELLO_SERVICE_ID          X-PIGELLO-SERVICE-ID          demo: " + demo.ServiceID,
		"PIGELLO_SERVICE_VERSION_ID  X-PIGELLO-SERVICE-VERSION-ID  demo: " + demo.ServiceVersionID,
		"--list-envelope shape", "default array; variable EMULATOR_LIST_ENVELOPE",
		"List: GET /accounts/users/organization/workengagement/list/",
		"_page_size <= 1000 (above is",
		"  _order_by          comma list of id, name, custom_id, color_code, created_at,",
		"  color_code         lookups exact, contains, endswith, icontains, iendswith,\n                     iexact, in, isnull, istartswith, startswith",
		"  created_at         lookups exact, gt, gte, lt, lte, in, isnull",
		"A scripted fault applies before the credential check",
		"fault keys: latency, status, body, retry_after, reset, hang, malformed, oversized, close",
	}
	for _, ep := range emulator.ControlEndpoints() {
		want = append(want, fmt.Sprintf("%-6s  %s", ep.Method, ep.Path))
	}
	for _, arg := range []string{"--help", "-h"} {
		t.Run(arg, func(t *testing.T) {
			var out strings.Builder
			if err := run(t.Context(), []string{arg}, mapEnv(nil), &out); err != nil {
				t.Fatalf("run(%s) returned %v, want nil", arg, err)
			}
			for _, w := range want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("run(%s) printed\n%s\nwhich does not contain %q", arg, out.String(), w)
				}
			}
		})
	}
}

// --list-envelope, or its variable, chooses the shape of list/ answers; the
// default is a bare array.
func TestRunListEnvelope(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // the body's opening
	}{
		{"default", nil, nil, `[{"id":"3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31",`},
		{"flag", []string{"--list-envelope", "paginated"}, nil, `{"count":3,"next":null,"previous":null,"results":[{"id":"3f2b8c1e-`},
		{"variable", nil, map[string]string{"EMULATOR_LIST_ENVELOPE": "paginated"}, `{"count":3,"next":null,"previous":null,"results":[{"id":"3f2b8c1e-`},
		{"flag over variable", []string{"--list-envelope=array"}, map[string]string{"EMULATOR_LIST_ENVELOPE": "paginated"}, `[{"id":"3f2b8c1e-`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, append([]string{"--addr", "127.0.0.1:0"}, tt.args...), tt.env)
			status, body := f.fetch(t, emulator.DemoCredentials(), "/accounts/users/organization/workengagement/list/")
			if status != 200 || !strings.HasPrefix(string(body), tt.want) {
				t.Errorf("GET list/ = %d %s, want 200 starting %s", status, body, tt.want)
			}
			envelope := "array"
			if strings.HasPrefix(tt.want, "{") {
				envelope = "paginated"
			}
			if !strings.Contains(f.banner, "list envelope: "+envelope+"\n") {
				t.Errorf("banner %q does not say the list envelope is %s", f.banner, envelope)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"plain", nil},
		// Nothing but the version is needed, so nothing else is checked.
		{"partial credentials", map[string]string{"PIGELLO_CLIENT_SECRET": "x"}},
		{"unusable address", map[string]string{"EMULATOR_ADDR": "not an address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if err := run(t.Context(), []string{"--version"}, mapEnv(tt.env), &out); err != nil {
				t.Fatalf("run(--version) returned %v, want nil", err)
			}
			if got, want := out.String(), "pigello-emulator dev\n"; got != want {
				t.Errorf("run(--version) printed %q, want %q", got, want)
			}
		})
	}
}

// --version needs no variable: EMULATOR_VERSION does not turn a start into
// printing the version.
func TestVersionHasNoVariable(t *testing.T) {
	f := setup(t, []string{"--addr", "127.0.0.1:0"}, map[string]string{"EMULATOR_VERSION": "true"})
	if got := f.get(t, emulator.DemoCredentials()); got != 200 {
		t.Errorf("GET: status = %d, want 200", got)
	}
}

// The version comes from -ldflags "-X main.version=...", as make build and
// the Dockerfile set it: a built binary prints what it was given.
func TestVersionFromLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "pigello-emulator")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v1.2.3-test", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	if got, want := string(out), "pigello-emulator v1.2.3-test\n"; got != want {
		t.Errorf("--version printed %q, want %q", got, want)
	}
}

// A request held by a scripted fault does not keep the command from
// stopping: without a release, Shutdown would wait out shutdownTimeout.
func TestRunReleasesHeldRequestsOnStop(t *testing.T) {
	f := setup(t, []string{"--addr", "127.0.0.1:0"}, nil)
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 2 * shutdownTimeout}

	resp, err := client.Post(f.baseURL+"/_emulator/faults", "application/json", strings.NewReader(`{"faults": [{"hang": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /_emulator/faults: status = %d, want 200", resp.StatusCode)
	}
	held := make(chan error, 1)
	go func() {
		resp, err := client.Get(f.baseURL + "/accounts/users/organization/workengagement/")
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	waitForRequests(t, client, f.baseURL, 1)

	start := time.Now()
	if err := f.stop(); err != nil {
		t.Errorf("run returned %v after cancel, want nil", err)
	}
	if elapsed := time.Since(start); elapsed > shutdownTimeout/2 {
		t.Errorf("stopping took %v with a held request, want it released at once", elapsed)
	}
	if err := <-held; err == nil {
		t.Errorf("the held request was answered, want its connection dropped")
	}
}

// waitForRequests polls the inspection endpoint until it lists n requests.
func waitForRequests(t *testing.T, client *http.Client, baseURL string, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		resp, err := client.Get(baseURL + "/_emulator/requests")
		if err != nil {
			t.Fatal(err)
		}
		var reqs []any
		err = json.NewDecoder(resp.Body).Decode(&reqs)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(reqs) == n {
			return
		}
	}
	t.Fatalf("the emulator did not receive %d requests within 5s", n)
}
