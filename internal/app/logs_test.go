package app

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

// logLine is what a call's log record must say.
type logLine struct {
	Method         string
	Code           string
	UpstreamStatus any // float64 from JSON, nil when Pigello was not called
}

// TestLogs checks one line per call, gRPC or REST, with method, code,
// duration and Pigello's status, and that nothing logged holds a credential,
// including when Pigello refuses the facade's credentials.
func TestLogs(t *testing.T) {
	env := setup(t)
	d := env.demo()
	c := env.client
	_, _ = c.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: d.full})
	_, _ = c.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: missingID})
	_, _ = c.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: d.full, ColorCode: proto.String("#fff")},
	})
	_, _ = c.DeleteWorkEngagement(callCtx(t), &accountsv1.DeleteWorkEngagementRequest{Id: d.partial})
	if code, body := env.send(t, "GET", workEngagementsPath(d.empty), nil); code != http.StatusOK {
		t.Errorf("REST GET returned %d %s, want 200", code, body)
	}
	const svc = "/pigello.accounts.v1.WorkEngagementService/"
	want := []logLine{
		{svc + "GetWorkEngagement", "OK", 200.0},
		{svc + "GetWorkEngagement", "NotFound", 404.0},
		{svc + "UpdateWorkEngagement", "InvalidArgument", nil},
		{svc + "DeleteWorkEngagement", "OK", 204.0},
		{svc + "GetWorkEngagement", "OK", 200.0},
	}
	if diff := cmp.Diff(want, logLines(t, env)); diff != "" {
		t.Errorf("log lines mismatch (-want +got):\n%s", diff)
	}

	refused := startFacade(t, env.emuURL, wrongCreds)
	_, err := refused.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: d.full})
	assertStatus(t, err, codes.Internal, "PIGELLO_UNAUTHENTICATED")
	recs := refused.logRecords(t)
	if len(recs) != 1 || recs[0]["level"] != "ERROR" || recs[0]["upstream_status"] != 401.0 {
		t.Errorf("log records for a 401 = %v, want one ERROR with upstream_status 401", recs)
	}
	assertNoSecret(t, "the facade's log", env.logs.String())
	assertNoSecret(t, "the log of the facade with refused credentials", refused.logs.String())
}

// logLines reads the rpc records, checking each has a positive duration.
func logLines(t *testing.T, env *testEnv) []logLine {
	t.Helper()
	var out []logLine
	for _, rec := range env.logRecords(t) {
		if d, ok := rec["duration"].(float64); !ok || d <= 0 {
			t.Errorf("log record %v has duration %v, want a positive number", rec, rec["duration"])
		}
		m, _ := rec["method"].(string)
		code, _ := rec["code"].(string)
		out = append(out, logLine{Method: m, Code: code, UpstreamStatus: rec["upstream_status"]})
	}
	return out
}

// logRecords returns the facade's JSON log records whose msg is "rpc".
func (e *testEnv) logRecords(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rec := range e.allLogRecords(t) {
		if rec["msg"] == "rpc" {
			out = append(out, rec)
		}
	}
	return out
}

// allLogRecords returns every JSON log record of the facade.
func (e *testEnv) allLogRecords(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(strings.NewReader(e.logs.String()))
	for {
		var rec map[string]any
		if err := dec.Decode(&rec); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("log is not JSON lines: %v\n%s", err, e.logs.String())
		}
		out = append(out, rec)
	}
}

// waitForLog polls until a call's log line for method appears, since the
// server may log after the client has given up on the call.
func (e *testEnv) waitForLog(t *testing.T, method string) map[string]any {
	t.Helper()
	return e.waitForCallLog(t, "log line for "+method, func(rec map[string]any) bool {
		return strings.HasSuffix(rec["method"].(string), "/"+method)
	})
}

// waitForCallLog polls until a call's log line matches, and returns it.
func (e *testEnv) waitForCallLog(t *testing.T, what string, match func(rec map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(testkit.WaitTimeout)
	for time.Now().Before(deadline) {
		for _, rec := range e.logRecords(t) {
			if match(rec) {
				return rec
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s in:\n%s", what, e.logs.String())
	return nil
}
