package app

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// endedCall is a call that ends before Pigello answers, and the code the
// caller gets, which the log line, grpc_server_handled_total and the server
// span must all record.
type endedCall struct {
	name string
	edit func(*Config)
	// call makes the call against the held record id and returns the code
	// the caller got.
	call func(t *testing.T, env *testEnv, id string) codes.Code
	code codes.Code
}

// TestEndedCallsRecordTheCallersCode: a caller's gRPC deadline reaches the
// facade as the client's cancellation of the stream (RST_STREAM) at about
// the moment the facade's own timer for that deadline fires; whichever comes
// first, the facade records DEADLINE_EXCEEDED, as the caller sees it. A
// cancellation far from any deadline stays CANCELED.
func TestEndedCallsRecordTheCallersCode(t *testing.T) {
	tests := []endedCall{
		{name: "gRPC caller's deadline", call: grpcWithin(200 * time.Millisecond), code: codes.DeadlineExceeded},
		{name: "facade's default timeout", edit: func(c *Config) { c.Server.DefaultTimeout = 300 * time.Millisecond },
			call: grpcWithin(0), code: codes.DeadlineExceeded},
		{name: "REST caller's Grpc-Timeout", call: restWithin("200m"), code: codes.DeadlineExceeded},
		{name: "gRPC caller cancels", call: grpcCanceled, code: codes.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			collector := exportingTo(t)
			t.Cleanup(func() { // after the facade's shutdown, which exports its spans
				assertServerSpanCode(t, collector.Spans(), tt.code)
			})
			env := setup(t, func(c *Config) {
				c.Upstream.AttemptTimeout = 0
				if tt.edit != nil {
					tt.edit(c)
				}
			})
			id := env.demo().full
			env.emu.Script(emulator.Match{ID: id}, emulator.Fault{Hang: true})
			if got := tt.call(t, env, id); got != tt.code {
				t.Errorf("the caller got %v, want %v", got, tt.code)
			}
			if rec := env.waitForLog(t, "GetWorkEngagement"); rec["code"] != tt.code.String() {
				t.Errorf("logged code = %v, want %v (%v)", rec["code"], tt.code, rec)
			}
			labels := grpcLabels("GetWorkEngagement", tt.code.String())
			testkit.Eventually(t, "the call counted in grpc_server_handled_total", func() bool {
				m, _ := env.scrape(t)
				got, ok := m.find("grpc_server_handled_total", labels)
				return ok && got == 1
			})
		})
	}
}

// grpcWithin returns a call with deadline d, none if d is 0.
func grpcWithin(d time.Duration) func(*testing.T, *testEnv, string) codes.Code {
	return func(t *testing.T, env *testEnv, id string) codes.Code {
		ctx := t.Context()
		if d > 0 {
			c, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			ctx = c
		}
		_, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: id})
		assertClientCode(t, err, codes.DeadlineExceeded)
		return status.Code(err)
	}
}

// grpcCanceled cancels the call once Pigello holds its request, long
// before its deadline.
func grpcCanceled(t *testing.T, env *testEnv, id string) codes.Code {
	ctx, cancel := context.WithCancel(callCtx(t))
	go func() {
		defer cancel()
		for env.emu.Count(emulator.Match{ID: id}) == 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: id})
	return status.Code(err)
}

// restWithin makes a REST call with a Grpc-Timeout header, which the
// gateway turns into the call's deadline.
func restWithin(timeout string) func(*testing.T, *testEnv, string) codes.Code {
	return func(t *testing.T, env *testEnv, id string) codes.Code {
		resp, body := env.httpGet(t, workEngagementsPath(id), http.Header{"Grpc-Timeout": {timeout}})
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("GET with Grpc-Timeout %s = %d %s, want 504", timeout, resp.StatusCode, body)
		}
		return codes.Code(jsonValue(t, body).(map[string]any)["code"].(float64))
	}
}

// assertServerSpanCode checks the call's one server span: a gRPC call's
// rpc.response.status_code, a REST call's http.response.status_code (the
// gateway's mapping of the code), and that a deadline marks it an error.
func assertServerSpanCode(t *testing.T, spans []*tracepb.Span, want codes.Code) {
	t.Helper()
	var got []string
	var failed bool
	for _, s := range spans {
		if s.GetKind() != tracepb.Span_SPAN_KIND_SERVER {
			continue
		}
		if code, ok := spanCode(s); ok {
			got = append(got, code.String())
		}
		for _, a := range s.GetAttributes() {
			if a.GetKey() == "http.response.status_code" {
				got = append(got, strconv.FormatInt(a.GetValue().GetIntValue(), 10))
			}
		}
		failed = s.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR
	}
	wantHTTP := strconv.Itoa(runtime.HTTPStatusFromCode(want))
	if len(got) != 1 || (got[0] != want.String() && got[0] != wantHTTP) {
		t.Errorf("server spans record %q, want one of %v or HTTP %s", got, want, wantHTTP)
	}
	if failed != (want == codes.DeadlineExceeded) {
		t.Errorf("server span error status = %v, want %v", failed, want == codes.DeadlineExceeded)
	}
}
