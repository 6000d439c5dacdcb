package app

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// TestABTracing: PF_AB="name:variant:provider,..." starts one facade per
// variant in this process and alternates batches of calls between them.
func TestABTracing(t *testing.T) {
	spec := os.Getenv("PF_AB")
	if spec == "" {
		t.Skip("PF_AB not set")
	}
	rounds, _ := strconv.Atoi(os.Getenv("PF_ROUNDS"))
	batch, _ := strconv.Atoi(os.Getenv("PF_BATCH"))
	mode := os.Getenv("PF_MODE") // grpc1, grpc50, rest1
	type variant struct {
		name string
		call func()
	}
	var vs []variant
	for _, s := range strings.Split(spec, ",") {
		p := strings.Split(s, "/")
		os.Setenv("PF_VARIANT", p[1])
		os.Setenv("PF_PROVIDER", p[2])
		env := startFacadeT(t)
		req := &accountsv1.GetWorkEngagementRequest{Id: benchID}
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		hc := &http.Client{Transport: tr}
		url := env.restURL + workEngagementsPath(benchID)
		one := func() {
			switch mode {
			case "rest1", "rest50":
				resp, err := hc.Get(url)
				if err != nil {
					panic(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			default:
				if _, err := env.client.GetWorkEngagement(t.Context(), req); err != nil {
					panic(err)
				}
			}
		}
		call := func() {
			if strings.HasSuffix(mode, "50") {
				var wg sync.WaitGroup
				for g := 0; g < 50; g++ {
					wg.Go(func() {
						for i := 0; i < batch/50; i++ {
							one()
						}
					})
				}
				wg.Wait()
			} else {
				for i := 0; i < batch; i++ {
					one()
				}
			}
		}
		call() // warm up
		vs = append(vs, variant{p[0], call})
	}
	os.Unsetenv("PF_VARIANT")
	os.Unsetenv("PF_PROVIDER")
	cpu := map[string][]float64{}
	wall := map[string][]float64{}
	for r := 0; r < rounds; r++ {
		got := map[string][2]float64{}
		for i := range vs {
			v := vs[(i+r)%len(vs)]
			c0, w0 := procCPU(), time.Now()
			v.call()
			got[v.name] = [2]float64{float64(procCPU() - c0), float64(time.Since(w0))}
		}
		base := got[vs[0].name]
		for _, v := range vs[1:] {
			cpu[v.name] = append(cpu[v.name], got[v.name][0]/base[0])
			wall[v.name] = append(wall[v.name], got[v.name][1]/base[1])
		}
		cpu[vs[0].name] = append(cpu[vs[0].name], base[0]/float64(batch))
	}
	med := func(x []float64) float64 { x = slices.Clone(x); slices.Sort(x); return x[len(x)/2] }
	q := func(x []float64, p float64) float64 { x = slices.Clone(x); slices.Sort(x); return x[int(p*float64(len(x)-1))] }
	ci := func(x []float64) (float64, float64) {
		x = slices.Clone(x)
		slices.Sort(x)
		n := float64(len(x))
		lo := int(n/2 - 0.98*math.Sqrt(n))
		hi := int(n/2 + 0.98*math.Sqrt(n))
		return x[max(lo, 0)], x[min(hi, len(x)-1)]
	}
	fmt.Printf("mode %s rounds %d batch %d; base %s cpu/call median %.1fµs\n", mode, rounds, batch, vs[0].name, med(cpu[vs[0].name])/1000)
	for _, v := range vs[1:] {
		lo, hi := ci(cpu[v.name])
		above := 0
		for _, x := range cpu[v.name] {
			if x > 1 {
				above++
			}
		}
		fmt.Printf("%-10s cpu ratio median %.3f (95%% CI %.3f–%.3f; q25 %.3f q75 %.3f; %d/%d rounds above 1)   wall ratio median %.3f\n", v.name, med(cpu[v.name]), lo, hi, q(cpu[v.name], .25), q(cpu[v.name], .75), above, len(cpu[v.name]), med(wall[v.name]))
	}
}

func procCPU() time.Duration {
	var b testing.B
	return processCPU(&b)
}

func startFacadeT(t *testing.T) *testEnv {
	upstreamSrv := newBenchUpstream(t)
	cfg := defaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.PigelloBaseURL, cfg.Credentials = upstreamSrv, testCreds
	cfg.ShutdownTimeout = 5 * time.Second
	logger, err := newLogger(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return newTestEnv(t, serveFacade(t, cfg, logger))
}

func newBenchUpstream(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, benchBody)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
