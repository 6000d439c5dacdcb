package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// bugText is what the buggy log handler panics with; it may reach the
// facade's log, never a caller.
const bugText = "bug-7f3a in a log handler"

// panicOnRetry is a log handler with a bug: it panics on the retry warning.
// The facade has no bug to provoke on purpose; this one stands for any. The
// upstream client's observer logs that warning on the call's goroutine,
// inside the handler and so below the panic guard, while the rpc line and
// the guard's own line, logged above it, pass through.
type panicOnRetry struct{ slog.Handler }

func (h panicOnRetry) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "retrying Pigello request" {
		panic(bugText)
	}
	return h.Handler.Handle(ctx, r)
}

func (h panicOnRetry) WithAttrs(attrs []slog.Attr) slog.Handler {
	return panicOnRetry{h.Handler.WithAttrs(attrs)}
}

func (h panicOnRetry) WithGroup(name string) slog.Handler {
	return panicOnRetry{h.Handler.WithGroup(name)}
}

// startWithBug starts a facade as Run wires it, logging through
// panicOnRetry, in front of an emulator whose first answer to GET id is
// 503, so the first call retries and panics.
func startWithBug(t *testing.T) (env *testEnv, id string) {
	t.Helper()
	emu := emulator.New(emulator.Config{Credentials: emulator.Credentials(testCreds)})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	cfg := defaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.PigelloBaseURL, cfg.Credentials = srv.URL, testCreds
	cfg.Upstream.Retry.MaxAttempts = 2
	logs := &syncBuffer{}
	logger := slog.New(panicOnRetry{slog.NewJSONHandler(logs, nil)})
	env = newTestEnv(t, serveFacade(t, cfg, logger))
	env.emu, env.emuURL, env.logs = emu, srv.URL, logs
	id = env.demo().full
	emu.Script(emulator.Match{Method: http.MethodGet, ID: id}, emulator.Fault{Status: http.StatusServiceUnavailable})
	return env, id
}

// TestPanicGuard: a panic inside a call, over gRPC or REST, is that call's
// INTERNAL, logged with its stack and never shown to the caller, and the
// facade goes on serving. Without the guard in the chain, the gRPC server
// crashes the process and the REST call loses its connection.
func TestPanicGuard(t *testing.T) {
	transports := []struct {
		name string
		// get calls Get(id) and returns its error, nil on success.
		get func(t *testing.T, env *testEnv, id string) error
	}{
		{"gRPC", func(t *testing.T, env *testEnv, id string) error {
			_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: id})
			return err
		}},
		{"REST", func(t *testing.T, env *testEnv, id string) error {
			code, body := env.send(t, http.MethodGet, workEngagementsPath(id), nil)
			if code == http.StatusOK {
				return nil
			}
			if code != http.StatusInternalServerError {
				t.Errorf("GET returned HTTP %d, want 500 or 200", code)
			}
			var sp spb.Status
			if err := protojson.Unmarshal(body, &sp); err != nil {
				t.Fatalf("error body %q is not a google.rpc.Status: %v", body, err)
			}
			return status.FromProto(&sp).Err()
		}},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			env, id := startWithBug(t)
			st := assertStatus(t, tr.get(t, env, id), codes.Internal, "INTERNAL")
			if strings.Contains(st.Message(), bugText) {
				t.Errorf("message %q repeats the panic value to the caller", st.Message())
			}
			if log := env.logs.String(); !strings.Contains(log, "panic in handler") || !strings.Contains(log, "guard_test.go") {
				t.Errorf("the facade's log has no panic line with a stack:\n%s", log)
			}
			if err := tr.get(t, env, id); err != nil {
				t.Errorf("Get after the panic returned %v, want the record", err)
			}
		})
	}
}
