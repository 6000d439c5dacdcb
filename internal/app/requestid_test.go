package app

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// requestIDCase is what a caller sends as its request id and whether the
// facade must keep it.
type requestIDCase struct {
	name string
	sent []string
	keep bool
}

var requestIDCases = []requestIDCase{
	{"caller's id", []string{"order-42.retry_1:ab-CD"}, true},
	{"128 characters", []string{strings.Repeat("r", 128)}, true},
	{"none: generated", nil, false},
	{"129 characters: replaced", []string{strings.Repeat("r", 129)}, false},
	{"a space: replaced", []string{"not valid"}, false},
	{"a semicolon: replaced", []string{"a;b"}, false},
	{"two ids: replaced", []string{"first", "second"}, false},
}

// checkRequestID checks the id the caller got back against what it sent,
// and that Pigello received it and the call's log line carries it.
func (e *testEnv) checkRequestID(t *testing.T, tc requestIDCase, got []string, method string) {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("response request id %q, want exactly one", got)
	}
	id := got[0]
	switch {
	case tc.keep && id != tc.sent[0]:
		t.Errorf("response request id %q, want the caller's %q", id, tc.sent[0])
	case !tc.keep && (!generatedID.MatchString(id) || slices.Contains(tc.sent, id)):
		t.Errorf("response request id %q, want a generated one (32 hex digits)", id)
	}
	reqs := e.emu.Requests()
	if up := reqs[len(reqs)-1].Header.Values("X-Request-Id"); len(up) != 1 || up[0] != id {
		t.Errorf("Pigello received X-Request-Id %q, want [%s]", up, id)
	}
	rec := e.waitForRequestLog(t, id)
	if !strings.HasSuffix(rec["method"].(string), "/"+method) {
		t.Errorf("log line with request_id %s is %v, want the %s call's", id, rec, method)
	}
}

// waitForRequestLog returns the rpc log record with request_id id.
func (e *testEnv) waitForRequestLog(t *testing.T, id string) map[string]any {
	t.Helper()
	return e.waitForCallLog(t, "rpc log line with request_id "+id, func(rec map[string]any) bool { return rec["request_id"] == id })
}

func TestRequestIDGRPC(t *testing.T) {
	env := setup(t)
	id := env.demo().full
	for _, tc := range requestIDCases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := callCtx(t)
			for _, v := range tc.sent {
				ctx = metadata.AppendToOutgoingContext(ctx, "x-request-id", v)
			}
			var header metadata.MD
			if _, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: id}, grpc.Header(&header)); err != nil {
				t.Fatal(err)
			}
			env.checkRequestID(t, tc, header.Get("x-request-id"), "GetWorkEngagement")
		})
	}
}

// TestRequestIDGRPCError checks the id also comes back with an error.
func TestRequestIDGRPCError(t *testing.T) {
	env := setup(t)
	ctx := metadata.AppendToOutgoingContext(callCtx(t), "x-request-id", "lost-1")
	var header metadata.MD
	_, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: missingID}, grpc.Header(&header))
	if err == nil {
		t.Fatal("Get of a missing id succeeded")
	}
	env.checkRequestID(t, requestIDCase{sent: []string{"lost-1"}, keep: true}, header.Get("x-request-id"), "GetWorkEngagement")
}

func TestRequestIDREST(t *testing.T) {
	env := setup(t)
	path := workEngagementsPath(env.demo().full)
	cases := append(slices.Clone(requestIDCases),
		// Grpc-Metadata-X-Request-Id would reach the gRPC server as a second
		// x-request-id: the gateway refuses it.
		requestIDCase{"a Grpc-Metadata-X-Request-Id is ignored", []string{"real-1"}, true},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			header := http.Header{"X-Request-Id": tc.sent}
			if strings.HasPrefix(tc.name, "a Grpc-Metadata") {
				header.Set("Grpc-Metadata-X-Request-Id", "spoofed-2")
			}
			resp, body := env.httpGet(t, path, header)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET = %d %s", resp.StatusCode, body)
			}
			for k := range resp.Header {
				if strings.Contains(strings.ToLower(k), "request-id") && k != "X-Request-Id" {
					t.Errorf("response has header %s: %q, want the id in X-Request-Id only", k, resp.Header[k])
				}
			}
			env.checkRequestID(t, tc, resp.Header.Values("X-Request-Id"), "GetWorkEngagement")
		})
	}
}

// TestRequestIDInRetryWarnings checks every log line of a retried call
// carries its id, the retry warning as well as the rpc line.
func TestRequestIDInRetryWarnings(t *testing.T) {
	env := setup(t, resilient)
	id := env.demo().full
	env.emu.Script(emulator.Match{Method: http.MethodGet, ID: id}, emulator.Fault{Status: 503})
	ctx := metadata.AppendToOutgoingContext(callCtx(t), "x-request-id", "retried-7")
	if _, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	env.waitForRequestLog(t, "retried-7")
	var lines int
	for _, rec := range env.allLogRecords(t) {
		if rec["msg"] == "retrying Pigello request" || rec["msg"] == "rpc" {
			lines++
			if rec["request_id"] != "retried-7" {
				t.Errorf("log line %v has request_id %v, want retried-7", rec, rec["request_id"])
			}
		}
	}
	if lines != 2 {
		t.Errorf("found %d rpc and retry lines, want 2:\n%s", lines, env.logs.String())
	}
	for _, r := range env.emu.Requests() {
		if v := r.Header.Get("X-Request-Id"); v != "retried-7" {
			t.Errorf("attempt %s %s carried X-Request-Id %q, want retried-7", r.Method, r.Path, v)
		}
	}
}
