package app

import (
	"encoding/hex"
	"fmt"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
)

var traceparentRE = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$`)

// noExport clears the OTEL_* variables that choose an exporter, as in an
// environment with none of them: spans are made and propagated, nothing
// is exported. (Tracing reads the process environment, so these tests set
// it and do not run in parallel.)
func noExport(t *testing.T) func(*Config) {
	t.Helper()
	otelEnv(t, nil)
	return func(*Config) {}
}

// otelEnv sets, of the variables that choose what tracing exports, only
// those in vars.
func otelEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, k := range []string{"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
		"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_SDK_DISABLED", "OTEL_TRACES_SAMPLER"} {
		t.Setenv(k, vars[k])
	}
}

// upstreamTraceparent returns the parts of the traceparent header of the
// one request Pigello received.
func (e *testEnv) upstreamTraceparent(t *testing.T) (traceID, parent, flags string) {
	t.Helper()
	req := e.onlyRequest(t)
	v := req.Header.Values("Traceparent")
	if len(v) != 1 {
		t.Fatalf("Pigello received traceparent %q, want one", v)
	}
	m := traceparentRE.FindStringSubmatch(v[0])
	if m == nil {
		t.Fatalf("Pigello received traceparent %q, not W3C trace context", v[0])
	}
	return m[1], m[2], m[3]
}

// TestTraceContextContinues sends a caller's traceparent over gRPC and REST,
// with no exporter configured: Pigello must receive the same trace id, a
// parent span id of the facade's own, and the caller's sampling decision;
// the call's log line carries the trace id.
func TestTraceContextContinues(t *testing.T) {
	for _, flags := range []string{"01", "00"} {
		traceparent := "00-" + callerTrace + "-" + callerSpan + "-" + flags
		t.Run("gRPC "+flags, func(t *testing.T) {
			env := setup(t, noExport(t))
			ctx := metadata.AppendToOutgoingContext(callCtx(t), "traceparent", traceparent)
			if _, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}); err != nil {
				t.Fatal(err)
			}
			env.checkContinued(t, flags, "GetWorkEngagement")
		})
		t.Run("REST "+flags, func(t *testing.T) {
			env := setup(t, noExport(t))
			resp, body := env.httpGet(t, workEngagementsPath(env.demo().full), http.Header{"Traceparent": {traceparent}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET = %d %s", resp.StatusCode, body)
			}
			env.checkContinued(t, flags, "GetWorkEngagement")
		})
	}
}

func (e *testEnv) checkContinued(t *testing.T, flags, method string) {
	t.Helper()
	traceID, parent, gotFlags := e.upstreamTraceparent(t)
	if traceID != callerTrace {
		t.Errorf("Pigello received trace id %s, want the caller's %s", traceID, callerTrace)
	}
	if parent == callerSpan || parent == "0000000000000000" {
		t.Errorf("Pigello received parent span %s, want a span of the facade's own", parent)
	}
	if gotFlags != flags {
		t.Errorf("Pigello received trace flags %s, want the caller's %s", gotFlags, flags)
	}
	if rec := e.waitForLog(t, method); rec["trace_id"] != callerTrace {
		t.Errorf("log line %v has trace_id %v, want %s", rec, rec["trace_id"], callerTrace)
	}
}

// TestTraceStartsWithoutCaller checks that a call without a traceparent
// still reaches Pigello in a trace: the facade starts one.
func TestTraceStartsWithoutCaller(t *testing.T) {
	env := setup(t, noExport(t))
	if _, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}); err != nil {
		t.Fatal(err)
	}
	traceID, _, flags := env.upstreamTraceparent(t)
	if traceID == "00000000000000000000000000000000" || flags != "01" {
		t.Errorf("Pigello received trace %s flags %s, want a new sampled trace", traceID, flags)
	}
}

// TestTracesExported configures the OTLP/HTTP exporter by environment and
// checks that, by the end of shutdown, the collector has received the
// call's spans in the caller's trace: the REST server span named after its
// route and the client span of the request to Pigello, whose id Pigello
// received as parent. (The gateway calls the service in process: there is
// no gRPC hop, so no gRPC span, in a REST call.)
func TestTracesExported(t *testing.T) {
	collector := exportingTo(t)
	var upstreamParent string
	t.Cleanup(func() { // runs after the facade's shutdown, registered below
		var names []string
		var pigelloSpan, pigelloSpanParent, restSpan string
		for _, s := range collector.Spans() {
			if hexID(s.GetTraceId()) != callerTrace {
				continue
			}
			names = append(names, s.GetName())
			switch {
			case s.GetKind() == tracepb.Span_SPAN_KIND_CLIENT && s.GetName() == "Pigello GET":
				pigelloSpan, pigelloSpanParent = hexID(s.GetSpanId()), hexID(s.GetParentSpanId())
			case s.GetKind() == tracepb.Span_SPAN_KIND_SERVER:
				restSpan = hexID(s.GetSpanId())
			}
		}
		if pigelloSpanParent != restSpan {
			t.Errorf("the Pigello span's parent is %s, want the REST server span %s", pigelloSpanParent, restSpan)
		}
		for _, want := range []string{"GET /v1/workEngagements/{id}", "Pigello GET"} {
			if !slices.Contains(names, want) {
				t.Errorf("exported spans of the caller's trace %q lack %q", names, want)
			}
		}
		if pigelloSpan != upstreamParent {
			t.Errorf("Pigello's request had parent %s, want the exported client span %s", upstreamParent, pigelloSpan)
		}
	})
	env := setup(t)
	resp, body := env.httpGet(t, workEngagementsPath(env.demo().full),
		http.Header{"Traceparent": {"00-" + callerTrace + "-" + callerSpan + "-01"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET = %d %s", resp.StatusCode, body)
	}
	_, upstreamParent, _ = env.upstreamTraceparent(t)
}

func hexID(b []byte) string { return hex.EncodeToString(b) }

// TestTracingFromEnvironment checks the exporter is chosen from the process
// environment when the facade starts, and a wrong choice stops the start
// with the variable named.
func TestTracingFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		export  bool
		wantErr string
	}{
		{name: "no OTEL_* variable"},
		{name: "an OTLP endpoint", vars: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}, export: true},
		{name: "an unknown exporter", vars: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, wantErr: "OTEL_TRACES_EXPORTER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			otelEnv(t, tt.vars)
			args := []string{"--emulator", "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--log-format", "json"}
			if tt.wantErr != "" {
				err := Run(t.Context(), args, func(string) string { return "" }, io.Discard)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Run returned %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			out := startRun(t, args, nil).out.String()
			if want := fmt.Sprintf(`"traces_exported":%v`, tt.export); !strings.Contains(out, want) {
				t.Errorf("Run logged %s, want %s", out, want)
			}
		})
	}
}

// TestGRPCTracesExported is TestTracesExported for a gRPC call: the server
// span named after the method, child of the caller's span, with the call's
// status code, and the Pigello client span its child. Probes (a gRPC health
// check, GET /healthz) make no spans.
func TestGRPCTracesExported(t *testing.T) {
	collector := exportingTo(t)
	t.Cleanup(func() { // runs after the facade's shutdown, registered below
		var server, client *tracepb.Span
		for _, s := range collector.Spans() {
			switch {
			case hexID(s.GetTraceId()) != callerTrace:
			case s.GetKind() == tracepb.Span_SPAN_KIND_SERVER:
				server = s
			case s.GetKind() == tracepb.Span_SPAN_KIND_CLIENT:
				client = s
			}
		}
		if server == nil || client == nil {
			t.Fatalf("exported spans of the caller's trace %v, want a server and a client span", collector.Spans())
		}
		for _, s := range collector.Spans() {
			if strings.Contains(s.GetName(), "Health") || strings.Contains(s.GetName(), "healthz") {
				t.Errorf("a probe made span %q, want none", s.GetName())
			}
		}
		if got, want := server.GetName(), "pigello.accounts.v1.WorkEngagementService/GetWorkEngagement"; got != want {
			t.Errorf("server span named %q, want %q", got, want)
		}
		if hexID(server.GetParentSpanId()) != callerSpan {
			t.Errorf("server span's parent %s, want the caller's %s", hexID(server.GetParentSpanId()), callerSpan)
		}
		if !slices.Equal(client.GetParentSpanId(), server.GetSpanId()) {
			t.Error("the Pigello span is not the server span's child")
		}
		if code, ok := spanCode(server); !ok || code != codes.NotFound {
			t.Errorf("server span has rpc.response.status_code %v (%v), want NOT_FOUND", code, ok)
		}
		if server.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR {
			t.Error("a caller's NOT_FOUND marks the server span as an error")
		}
	})
	env := setup(t)
	if _, err := healthpb.NewHealthClient(dial(t, env.grpcAddr, insecure.NewCredentials())).Check(callCtx(t), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := env.httpGet(t, "/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz = %d", resp.StatusCode)
	}
	ctx := metadata.AppendToOutgoingContext(callCtx(t), "traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	_, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: missingID})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("GetWorkEngagement(missing) = %v, want NOT_FOUND", err)
	}
}

// exportingTo starts an OTLP collector and sets the environment that
// exports to it.
func exportingTo(t *testing.T) *testkit.Collector {
	t.Helper()
	collector := testkit.NewCollector(t)
	otelEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
	return collector
}

// spanCode is the gRPC code a server span records (otelgrpc writes its
// name, "NOT_FOUND"), if any.
func spanCode(s *tracepb.Span) (codes.Code, bool) {
	for _, a := range s.GetAttributes() {
		if a.GetKey() == "rpc.response.status_code" {
			var c codes.Code
			err := c.UnmarshalJSON([]byte(strconv.Quote(a.GetValue().GetStringValue())))
			return c, err == nil
		}
	}
	return 0, false
}

// TestExemplarsOnlyWhenExported makes a call in a caller's sampled trace:
// the metrics served as OpenMetrics link to that trace (a trace_id
// exemplar) when traces are exported, and not when they are not, since
// the link would lead nowhere.
func TestExemplarsOnlyWhenExported(t *testing.T) {
	tests := []struct {
		name   string
		export bool
	}{
		{"exported", true},
		{"not exported", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.export {
				exportingTo(t)
			} else {
				noExport(t)
			}
			env := setup(t)
			ctx := metadata.AppendToOutgoingContext(callCtx(t), "traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
			if _, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}); err != nil {
				t.Fatal(err)
			}
			resp, body := env.httpGet(t, "/metrics", http.Header{"Accept": {"application/openmetrics-text; version=1.0.0"}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /metrics = %d", resp.StatusCode)
			}
			if got := strings.Contains(string(body), `trace_id="`+callerTrace+`"`); got != tt.export {
				t.Errorf("/metrics links to the caller's trace: %v, want %v", got, tt.export)
			}
		})
	}
}
