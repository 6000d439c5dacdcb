package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// running is a Run started in-process.
type running struct {
	grpcAddr, httpAddr string
	ids                []string // demo ids from the banner
	out                *syncBuffer
	cancel             context.CancelFunc // cancels Run's context, as SIGTERM does
	stop               func() error       // cancels Run's context and returns its error
}

var (
	grpcLine = regexp.MustCompile(`(?m)^\s*gRPC:\s+(\S+)$`)
	httpLine = regexp.MustCompile(`(?m)^\s*HTTP:\s+http://(\S+)`)
	uuidLine = regexp.MustCompile(`(?m)^\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
)

// startRun runs Run with args and env until the test ends, and returns once
// it has printed its banner and logged that it started.
func startRun(t *testing.T, args []string, env map[string]string) *running {
	t.Helper()
	return startRunWith(t, Run, args, env)
}

// startRunWith is startRun with Run replaced by runFunc (run, with what
// the test puts in place of the container).
func startRunWith(t *testing.T, runFunc func(context.Context, []string, func(string) string, io.Writer) error,
	args []string, env map[string]string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runFunc(ctx, args, func(k string) string { return env[k] }, out) }()
	var result error
	stopped := false
	r := &running{out: out, cancel: cancel, stop: func() error {
		if !stopped {
			cancel()
			select {
			case result = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Run did not return within 20s of cancellation")
			}
			stopped = true
		}
		return result
	}}
	t.Cleanup(func() { _ = r.stop() })
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "facade started") {
		select {
		case err := <-done:
			t.Fatalf("Run returned %v before starting; output:\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("Run printed no start within 10s:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	banner := out.String()
	g, h := grpcLine.FindStringSubmatch(banner), httpLine.FindStringSubmatch(banner)
	if g == nil || h == nil {
		t.Fatalf("banner lacks the gRPC or HTTP line:\n%s", banner)
	}
	r.grpcAddr, r.httpAddr = g[1], h[1]
	for _, m := range uuidLine.FindAllStringSubmatch(banner, -1) {
		r.ids = append(r.ids, m[1])
	}
	return r
}

func grpcClient(tb testing.TB, addr string) accountsv1.WorkEngagementServiceClient {
	tb.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatalf("grpc.NewClient returned %v", err)
	}
	tb.Cleanup(func() { conn.Close() })
	return accountsv1.NewWorkEngagementServiceClient(conn)
}

var loopbackArgs = []string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}

// TestRunEmulator runs the binary's whole path: flags, embedded emulator,
// banner, a call on each face, and a clean return on cancellation.
func TestRunEmulator(t *testing.T) {
	r := startRun(t, append([]string{"--emulator"}, loopbackArgs...), nil)
	if len(r.ids) != 3 {
		t.Fatalf("banner lists demo ids %v, want 3:\n%s", r.ids, r.out.String())
	}
	we, err := grpcClient(t, r.grpcAddr).GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: r.ids[0]})
	if err != nil || we.GetId() != r.ids[0] {
		t.Errorf("Get(%s) returned %v, %v; want the demo record", r.ids[0], we, err)
	}
	resp, err := http.Get("http://" + r.httpAddr + workEngagementsPath(r.ids[1]))
	if err != nil {
		t.Fatalf("REST GET returned %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("REST GET returned %d, want 200", resp.StatusCode)
	}
	if err := r.stop(); err != nil {
		t.Errorf("Run returned %v after cancellation, want nil", err)
	}
	if conn, err := net.Dial("tcp", r.grpcAddr); err == nil {
		conn.Close()
		t.Errorf("gRPC address %s still accepts connections after Run returned", r.grpcAddr)
	}
	assertNoSecret(t, "Run's output", r.out.String())
}

// TestRunEmulatorListEnvelope: --emulator-list-envelope (or its variable)
// sets the shape of the embedded emulator's list answers, which the facade
// reads either way: only the paginated object gives a total_size.
func TestRunEmulatorListEnvelope(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		total int32
	}{
		{"default", nil, nil, 0},
		{"array", []string{"--emulator-list-envelope", "array"}, nil, 0},
		{"paginated", []string{"--emulator-list-envelope=paginated"}, nil, 3},
		{"paginated from the variable", nil, map[string]string{"FACADE_EMULATOR_LIST_ENVELOPE": "paginated"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startRun(t, append(append([]string{"--emulator"}, loopbackArgs...), tt.args...), tt.env)
			resp, err := grpcClient(t, r.grpcAddr).ListWorkEngagements(callCtx(t), &accountsv1.ListWorkEngagementsRequest{PageSize: 2})
			if err != nil {
				t.Fatalf("List returned %v", err)
			}
			if len(resp.GetWorkEngagements()) != 2 || resp.GetNextPageToken() == "" || resp.GetTotalSize() != tt.total {
				t.Errorf("List returned %d items, next_page_token %q, total_size %d; want 2, a token, %d",
					len(resp.GetWorkEngagements()), resp.GetNextPageToken(), resp.GetTotalSize(), tt.total)
			}
		})
	}
}

// TestRunConfigErrors: a Run that cannot start says which variables are
// wrong, at once, without echoing any secret.
func TestRunConfigErrors(t *testing.T) {
	const secret = "s3cr3t-VALUE-never-printed"
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	allMissing := []string{"PIGELLO_BASE_URL", "PIGELLO_APPLICATION_ID", "PIGELLO_CLIENT_CT", "PIGELLO_CLIENT_ENTITY",
		"PIGELLO_CLIENT_SECRET", "PIGELLO_CUSTOMER_ID", "PIGELLO_SERVICE_ID", "PIGELLO_SERVICE_VERSION_ID"}
	tests := []struct {
		name     string
		env      map[string]string
		want     []string // in the error
		unwanted []string // not in the error
	}{
		{"nothing set", nil, allMissing, nil},
		{"secret from env", map[string]string{"PIGELLO_CLIENT_SECRET": secret},
			[]string{"PIGELLO_BASE_URL", "PIGELLO_CLIENT_CT"}, []string{secret, "PIGELLO_CLIENT_SECRET"}},
		{"secret from file", map[string]string{"PIGELLO_CLIENT_SECRET_FILE": file},
			[]string{"PIGELLO_BASE_URL", "PIGELLO_SERVICE_ID"}, []string{secret, "PIGELLO_CLIENT_SECRET"}},
		{"value and file", map[string]string{"PIGELLO_CLIENT_SECRET": secret, "PIGELLO_CLIENT_SECRET_FILE": file},
			[]string{"PIGELLO_CLIENT_SECRET", "PIGELLO_CLIENT_SECRET_FILE"}, []string{secret}},
		{"missing file", map[string]string{"PIGELLO_CLIENT_CT_FILE": filepath.Join(t.TempDir(), "absent")},
			[]string{"PIGELLO_CLIENT_CT_FILE"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			var out syncBuffer
			// A configuration wrongly accepted would serve until c ends and
			// then return nil.
			err := Run(c, loopbackArgs, func(k string) string { return tt.env[k] }, &out)
			if err == nil {
				t.Fatalf("Run returned nil, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Run returned %q, want it to name %s", err, w)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(err.Error(), u) {
					t.Errorf("Run returned %q, which contains %q", err, u)
				}
			}
			if strings.Contains(out.String(), secret) {
				t.Errorf("Run printed the secret:\n%s", out.String())
			}
		})
	}
}

// TestRunCredentialFiles: credentials read from *_FILE (trailing newline
// trimmed) are the ones sent to Pigello.
func TestRunCredentialFiles(t *testing.T) {
	emu := emulator.New(emulator.Config{Credentials: emulator.Credentials(testCreds)})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	env := map[string]string{"PIGELLO_BASE_URL": srv.URL}
	for name, value := range map[string]string{
		"PIGELLO_APPLICATION_ID": testCreds.ApplicationID, "PIGELLO_CLIENT_CT": testCreds.ClientCT,
		"PIGELLO_CLIENT_ENTITY": testCreds.ClientEntity, "PIGELLO_CLIENT_SECRET": testCreds.ClientSecret,
		"PIGELLO_CUSTOMER_ID": testCreds.CustomerID, "PIGELLO_SERVICE_ID": testCreds.ServiceID,
		"PIGELLO_SERVICE_VERSION_ID": testCreds.ServiceVersionID,
	} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env[name+"_FILE"] = file
	}
	r := startRun(t, loopbackArgs, env)
	id := emu.DemoIDs()[0]
	if _, err := grpcClient(t, r.grpcAddr).GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id}); err != nil {
		t.Errorf("Get returned %v, want nil (Pigello must accept the credentials from files)", err)
	}
	if err := r.stop(); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
	assertNoSecret(t, "Run's output", r.out.String())
}

func TestRunVersion(t *testing.T) {
	var out syncBuffer
	if err := Run(t.Context(), []string{"--version"}, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("Run --version returned %v, want nil", err)
	}
	if got, want := out.String(), "pigello-facade "+version+"\n"; got != want {
		t.Errorf("Run --version printed %q, want %q", got, want)
	}
}

// TestRunAddressFromEnv: FACADE_GRPC_ADDR sets the gRPC address, and the
// flag wins over it.
func TestRunAddressFromEnv(t *testing.T) {
	t.Run("env", func(t *testing.T) {
		// Another loopback address than the flags' and the default's, with
		// a port the system picks, so no other test can hold it.
		r := startRun(t, []string{"--emulator", "--http-addr", "127.0.0.1:0"}, map[string]string{"FACADE_GRPC_ADDR": "127.0.0.2:0"})
		if !strings.HasPrefix(r.grpcAddr, "127.0.0.2:") {
			t.Errorf("gRPC address = %s, want 127.0.0.2:<port> from FACADE_GRPC_ADDR", r.grpcAddr)
		}
	})
	t.Run("flag wins", func(t *testing.T) {
		// Run would fail to listen if it used this variable.
		r := startRun(t, append([]string{"--emulator"}, loopbackArgs...), map[string]string{"FACADE_GRPC_ADDR": "not-an-address"})
		if !strings.HasPrefix(r.grpcAddr, "127.0.0.1:") {
			t.Errorf("gRPC address = %s, want the flag's 127.0.0.1:<port>", r.grpcAddr)
		}
	})
}
