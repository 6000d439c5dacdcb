package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"syscall"
	"testing"
	"time"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// benchID is the work engagement every benchmark call reads; the stand-in
// for Pigello answers benchBody whatever the path.
const benchID = "497f6eca-6276-4993-bfeb-53cbbbba6f08"

// benchBody is a full Pigello work engagement.
const benchBody = testkit.FullWorkEngagement

// startFacadeB starts a facade in front of a stand-in for Pigello that
// answers benchBody, configured as the binary is by default (text logs at
// info, metrics on, tracing off) but writing its logs to io.Discard. It is
// startFacade for benchmarks: no debug logging, no log buffer to grow.
func startFacadeB(b *testing.B) *testEnv {
	b.Helper()
	upstreamSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, benchBody)
	}))
	b.Cleanup(upstreamSrv.Close)

	cfg := defaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.PigelloBaseURL, cfg.Credentials = upstreamSrv.URL, testCreds
	cfg.Shutdown.Timeout = 5 * time.Second
	logger, err := newLogger(cfg, newLogOutput(io.Discard, 0))
	if err != nil {
		b.Fatal(err)
	}
	return newTestEnv(b, serveFacade(b, cfg, logger))
}

// BenchmarkGetInProcess is one Get through a real gRPC client, the facade's
// interceptors and handler, and the upstream client over loopback HTTP.
func BenchmarkGetInProcess(b *testing.B) {
	env := startFacadeB(b)
	req := &accountsv1.GetWorkEngagementRequest{Id: benchID}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := env.client.GetWorkEngagement(b.Context(), req); err != nil {
			b.Fatalf("GetWorkEngagement returned %v", err)
		}
	}
}

// BenchmarkGetREST is the same Get through the REST gateway, which calls
// the service in process.
func BenchmarkGetREST(b *testing.B) {
	env := startFacadeB(b)
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	url := env.restURL + workEngagementsPath(benchID)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatalf("GET %s returned %v", url, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: status %d, read error %v", url, resp.StatusCode, err)
		}
	}
}

// BenchmarkGetParallel is BenchmarkGetInProcess with 50 callers at once on
// one connection, as the c50 workload of make bench: ns/op is the inverse
// of throughput, so it follows CPU per call rather than latency.
func BenchmarkGetParallel(b *testing.B) {
	env := startFacadeB(b)
	req := &accountsv1.GetWorkEngagementRequest{Id: benchID}
	b.SetParallelism((50 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := env.client.GetWorkEngagement(b.Context(), req); err != nil {
				b.Errorf("GetWorkEngagement returned %v", err)
				return
			}
		}
	})
}

// reportCPU starts counting the process's CPU time (user and system, every
// goroutine: caller, facade and stand-in) and returns the function that
// reports it per call as cpu-ns/op. On a busy machine the wall time per call
// follows the other processes; the CPU time this one spent much less so.
func reportCPU(b *testing.B) func() {
	start := processCPU(b)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
