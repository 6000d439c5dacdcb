package app

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// The log lines of the shutdown sequence (shutdown.go).
const (
	logShutdownRequested = "shutdown requested: not ready; draining after the delay"
	logDrainBegan        = "drain began: no new connections or calls; in-flight calls have until the timeout"
	logDrainEnded        = "drain ended"
)

// gate stands in front of the emulator: requests for the held id wait until
// the test opens it, or until the facade gives up on them.
type gate struct {
	held, free string        // a demo id that is held, one that is not
	arrived    chan struct{} // a value per held request, as it reaches Pigello
	open       chan struct{}
}

func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, g.held) {
			g.arrived <- struct{}{}
			select {
			case <-g.open:
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// startGated runs Run, with JSON logs, in front of the emulator behind a
// gate. Timeouts are long, so a held call ends only when the test says.
func startGated(t *testing.T, args ...string) (*running, *gate) {
	t.Helper()
	emu := emulator.New(emulator.Config{Credentials: emulator.Credentials(testCreds)})
	ids := emu.DemoIDs()
	g := &gate{held: ids[0], free: ids[1], arrived: make(chan struct{}, 8), open: make(chan struct{})}
	srv := httptest.NewServer(g.wrap(emu))
	t.Cleanup(srv.Close)
	env := credentialVars(testCreds)
	env["PIGELLO_BASE_URL"] = srv.URL
	args = append([]string{"--log-format=json", "--default-timeout=10m", "--attempt-timeout=10m"}, args...)
	return startRun(t, append(args, loopbackArgs...), env), g
}

// heldCalls are a REST and a gRPC call in flight, held at the gate.
type heldCalls struct {
	rest chan error // nil, or why the REST call did not answer 200
	grpc chan error
}

// holdCalls starts a REST and a gRPC call for the held id and returns once
// both have reached Pigello.
func holdCalls(t *testing.T, r *running, g *gate) heldCalls {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	h := heldCalls{rest: make(chan error, 1), grpc: make(chan error, 1)}
	client := grpcClient(t, r.grpcAddr)
	go func() {
		_, err := client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: g.held})
		h.grpc <- err
	}()
	go func() { h.rest <- restGet(ctx, r.httpAddr, workEngagementsPath(g.held), http.StatusOK) }()
	for range 2 {
		select {
		case <-g.arrived:
		case <-ctx.Done():
			t.Fatal("the held calls did not reach Pigello within 30s")
		}
	}
	return h
}

// wait returns the calls' results.
func (h heldCalls) wait() (restErr, grpcErr error) { return <-h.rest, <-h.grpc }

// restGet GETs path on a new connection and wants the status want.
func restGet(ctx context.Context, addr, path string, want int) error {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		return errors.New(resp.Status)
	}
	return nil
}

// logRecords returns Run's JSON log records whose msg is msg.
func (r *running) logRecords(msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(r.out.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// waitForLog waits until Run has logged msg exactly once, and returns it.
func (r *running) waitForLog(t *testing.T, msg string) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if recs := r.logRecords(msg); len(recs) > 0 {
			if len(recs) > 1 {
				t.Errorf("Run logged %q %d times, want once", msg, len(recs))
			}
			return recs[0]
		}
	}
	t.Fatalf("Run did not log %q within 10s:\n%s", msg, r.out.String())
	return nil
}

// healthStatus asks a new connection to addr for the overall health.
func healthStatus(ctx context.Context, addr string) (string, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return resp.GetStatus().String(), err
}

// TestShutdownDrainDelay: from the signal on, health checks fail, but
// during --drain-delay both listeners still take new connections and calls.
func TestShutdownDrainDelay(t *testing.T) {
	r, g := startGated(t, "--drain-delay=10s")
	r.cancel()
	r.waitForLog(t, logShutdownRequested)
	ctx := callCtx(t)
	probes := []struct {
		name  string
		probe func() (string, error)
		want  string
	}{
		{"gRPC health on a new connection", func() (string, error) { return healthStatus(ctx, r.grpcAddr) }, "NOT_SERVING"},
		{"GET /readyz on a new connection", func() (string, error) {
			return "503", restGet(ctx, r.httpAddr, "/readyz", http.StatusServiceUnavailable)
		}, "503"},
		{"gRPC Get on a new connection", func() (string, error) {
			we, err := grpcClient(t, r.grpcAddr).GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: g.free})
			return we.GetId(), err
		}, g.free},
		{"REST GET on a new connection", func() (string, error) {
			return "200", restGet(ctx, r.httpAddr, workEngagementsPath(g.free), http.StatusOK)
		}, "200"},
	}
	got := map[string]string{}
	for _, p := range probes {
		if v, err := p.probe(); err != nil {
			got[p.name] = "error: " + err.Error()
		} else {
			got[p.name] = v
		}
	}
	if len(r.logRecords(logDrainBegan)) > 0 {
		t.Fatalf("the drain began before the probes ended: the drain delay was cut short or not honoured, or four local calls took over 10s; got %v", got)
	}
	for _, p := range probes {
		if got[p.name] != p.want {
			t.Errorf("%s during the drain delay: got %s, want %s", p.name, got[p.name], p.want)
		}
	}
	if err := r.stop(); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
}

// TestShutdownStopsBothListenersTogether: once the drain begins, neither
// listener takes a connection while a REST and a gRPC call are in flight,
// and both calls then finish.
func TestShutdownStopsBothListenersTogether(t *testing.T) {
	r, g := startGated(t, "--shutdown-timeout=1m")
	held := holdCalls(t, r, g)
	r.cancel()
	for _, l := range []struct{ name, addr string }{{"gRPC", r.grpcAddr}, {"HTTP", r.httpAddr}} {
		if err := waitRefused(l.addr); err != nil {
			t.Errorf("%s listener with calls in flight: %v", l.name, err)
		}
	}
	_, err := grpcClient(t, r.grpcAddr).GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: g.free})
	if status.Code(err) != codes.Unavailable {
		t.Errorf("a new gRPC call during the drain returned %v, want UNAVAILABLE", err)
	}
	close(g.open)
	restErr, grpcErr := held.wait()
	if restErr != nil || grpcErr != nil {
		t.Errorf("the calls in flight when the drain began returned REST %v, gRPC %v; want both to succeed", restErr, grpcErr)
	}
	if err := r.stop(); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
	assertDrainLogs(t, r, 2, 0)
}

// TestShutdownCutsOffAtTimeout: calls still running when --shutdown-timeout
// ends are cut off, the log says so, and Run returns nil.
func TestShutdownCutsOffAtTimeout(t *testing.T) {
	r, g := startGated(t, "--shutdown-timeout=100ms")
	held := holdCalls(t, r, g)
	if err := r.stop(); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
	restErr, grpcErr := held.wait()
	// Cut off, not ended by the client giving up (after 30s).
	if restErr == nil || errors.Is(restErr, context.DeadlineExceeded) || status.Code(grpcErr) != codes.Unavailable {
		t.Errorf("the cut-off calls returned REST %v, gRPC %v; want a broken connection and UNAVAILABLE", restErr, grpcErr)
	}
	if rec := assertDrainLogs(t, r, 2, 2); rec["level"] != "WARN" {
		t.Errorf("%q is logged at %v, want WARN when calls were cut off", logDrainEnded, rec["level"])
	}
}

// assertDrainLogs checks the drain's two log lines and returns the last.
func assertDrainLogs(t *testing.T, r *running, inFlight, cutOff float64) map[string]any {
	t.Helper()
	began, ended := r.waitForLog(t, logDrainBegan), r.waitForLog(t, logDrainEnded)
	if diff := cmp.Diff(inFlight, began["in_flight"]); diff != "" {
		t.Errorf("%q in_flight mismatch (-want +got):\n%s", logDrainBegan, diff)
	}
	want := map[string]any{"in_flight_at_start": inFlight, "cut_off": cutOff}
	got := map[string]any{"in_flight_at_start": ended["in_flight_at_start"], "cut_off": ended["cut_off"]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q mismatch (-want +got):\n%s", logDrainEnded, diff)
	}
	if _, ok := ended["took"]; !ok {
		t.Errorf("%q has no took: %v", logDrainEnded, ended)
	}
	return ended
}

// waitRefused waits until addr refuses TCP connections.
func waitRefused(addr string) error {
	deadline := time.Now().Add(10 * time.Second)
	for ; time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil
		}
		if err == nil {
			conn.Close()
		}
	}
	return errors.New("still accepts connections 10s after the drain began")
}
