package app

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc/codes"
)

// httpGet sends a GET to the facade's HTTP listener with header and returns
// the response, its body read and closed.
func (e *testEnv) httpGet(t *testing.T, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(callCtx(t), http.MethodGet, e.restURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s returned %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp, body
}

// metrics scrapes /metrics, without a token, and parses it.
type metrics map[string]*dto.MetricFamily

func (e *testEnv) scrape(t *testing.T) (metrics, string) {
	t.Helper()
	resp, body := e.httpGet(t, "/metrics", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d %s, want 200", resp.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v\n%s", err, body)
	}
	return fams, string(body)
}

// value returns the value of the series of name with exactly labels: a
// counter's or gauge's value, a histogram's sample count. It fails the test
// when there is no such series.
func (m metrics) value(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	v, ok := m.find(name, labels)
	if !ok {
		t.Errorf("no series %s%v", name, labels)
		return -1
	}
	return v
}

// find is value for a series that may not exist yet.
func (m metrics) find(name string, labels map[string]string) (float64, bool) {
	for _, s := range m[name].GetMetric() {
		if !sameLabels(s.GetLabel(), labels) {
			continue
		}
		switch {
		case s.Counter != nil:
			return s.GetCounter().GetValue(), true
		case s.Gauge != nil:
			return s.GetGauge().GetValue(), true
		case s.Histogram != nil:
			return float64(s.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

func sameLabels(got []*dto.LabelPair, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, l := range got {
		if v, ok := want[l.GetName()]; !ok || v != l.GetValue() {
			return false
		}
	}
	return true
}

func grpcLabels(method, code string) map[string]string {
	l := map[string]string{"grpc_type": "unary", "grpc_service": "pigello.accounts.v1.WorkEngagementService", "grpc_method": method}
	if code != "" {
		l["grpc_code"] = code
	}
	return l
}

// TestMetrics makes gRPC and REST calls, one retried, and checks the
// series each adds: by method and code, route pattern (never a raw path),
// Pigello operation and status, and that /metrics needs no token and holds
// no credential.
func TestMetrics(t *testing.T) {
	token := "metrics-test-token"
	_, tokens := withTokens(t, token)
	env := setup(t, resilient, tokens)
	d := env.demo()
	ctx := bearer(callCtx(t), token)
	auth := http.Header{"Authorization": {"Bearer " + token}}

	if _, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: d.full}); err != nil {
		t.Fatal(err)
	}
	_, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: missingID})
	assertStatus(t, err, codes.NotFound, "PIGELLO_NOT_FOUND")
	env.emu.Script(emulator.Match{Method: http.MethodGet, ID: d.partial}, emulator.Fault{Status: 503})
	if _, err := env.client.GetWorkEngagement(ctx, &accountsv1.GetWorkEngagementRequest{Id: d.partial}); err != nil {
		t.Fatalf("Get through one 503 returned %v, want success", err)
	}
	for path, want := range map[string]int{
		workEngagementsPath(d.empty):   http.StatusOK,
		workEngagementsPath(missingID): http.StatusNotFound,
		"/v1/nothing/here":             http.StatusNotFound,
	} {
		if resp, body := env.httpGet(t, path, auth); resp.StatusCode != want {
			t.Errorf("GET %s = %d %s, want %d", path, resp.StatusCode, body, want)
		}
	}
	if resp, _ := env.httpGet(t, workEngagementsPath(d.empty), nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET without a token = %d, want 401", resp.StatusCode)
	}

	m, body := env.scrape(t)
	const get, item = "GetWorkEngagement", "/v1/workEngagements/{id}"
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		// REST calls reach the gRPC server through the gateway: they count here too.
		{"grpc_server_handled_total", grpcLabels(get, "OK"), 3},
		{"grpc_server_handled_total", grpcLabels(get, "NotFound"), 2},
		{"grpc_server_handled_total", grpcLabels("DeleteWorkEngagement", "OK"), 0},
		{"grpc_server_started_total", grpcLabels(get, ""), 5},
		{"grpc_server_handling_seconds", grpcLabels(get, ""), 5},
		{"http_server_requests_total", map[string]string{"method": "GET", "route": item, "code": "200"}, 1},
		{"http_server_requests_total", map[string]string{"method": "GET", "route": item, "code": "404"}, 1},
		{"http_server_requests_total", map[string]string{"method": "GET", "route": "/v1/", "code": "404"}, 1},
		{"http_server_requests_total", map[string]string{"method": "GET", "route": "/v1/", "code": "401"}, 1},
		{"http_server_request_duration_seconds", map[string]string{"method": "GET", "route": item, "code": "200"}, 1},
		{"pigello_upstream_request_duration_seconds", map[string]string{"operation": get, "status": "200"}, 3},
		{"pigello_upstream_request_duration_seconds", map[string]string{"operation": get, "status": "404"}, 2},
		{"pigello_upstream_request_duration_seconds", map[string]string{"operation": get, "status": "503"}, 1},
		{"pigello_upstream_retries_total", map[string]string{"operation": get}, 1},
		{"pigello_facade_inflight_calls", nil, 0},
		{"pigello_upstream_breaker_state", nil, 0},
		{"pigello_upstream_limiter_rejections_total", nil, 0},
		{"pigello_upstream_short_circuits_total", nil, 0},
	}
	for _, c := range checks {
		if got := m.value(t, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := m[name]; !ok {
			t.Errorf("no metric %s: the Go and process collectors are missing", name)
		}
	}
	for _, id := range []string{d.full, d.empty, d.partial, missingID, "nothing", token} {
		if strings.Contains(body, id) {
			t.Errorf("/metrics contains %q: labels must be route patterns, never paths or tokens", id)
		}
	}
	assertNoSecret(t, "/metrics", body)
}

// TestMetricsTransportFailure checks that an exchange that got no answer is
// labelled status "error".
func TestMetricsTransportFailure(t *testing.T) {
	env := startFacade(t, "http://"+testkit.ClosedAddr(t), testCreds)
	_, err := env.client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: missingID})
	assertStatus(t, err, codes.Unavailable, "PIGELLO_UNREACHABLE")
	m, _ := env.scrape(t)
	labels := map[string]string{"operation": "GetWorkEngagement", "status": "error"}
	if got := m.value(t, "pigello_upstream_request_duration_seconds", labels); got != 1 {
		t.Errorf("pigello_upstream_request_duration_seconds%v = %v, want 1", labels, got)
	}
}

func TestMetricsOff(t *testing.T) {
	env := setup(t, func(c *Config) { c.Metrics = false })
	if resp, _ := env.httpGet(t, "/metrics", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics with --metrics=false = %d, want 404", resp.StatusCode)
	}
}
