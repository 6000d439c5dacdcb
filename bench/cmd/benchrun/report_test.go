package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/bench/internal/standinstats"
)

// fakeRun is one round's result of target t under w, for the checks.
func fakeRun(w workload, t target, round int, rssMiB, errs int64, up bool, handshakes int64) result {
	return result{workload: w.name, target: t.name, round: round, up: up, peakRSS: rssMiB << 20,
		load:     loadReport{Requests: 1000, Errors: errs, RPS: 100},
		upstream: standinstats.Stats{Handshakes: handshakes, Requests: 1000}}
}

// verdicts is name → holds, for comparing checks.
func verdicts(cs []check) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		out[c.name] = c.ok
	}
	return out
}

func TestMemoryChecks(t *testing.T) {
	ws := memoryWorkloads([]budget{64 << 20}, []string{gcDefault}, "off")
	c50, c500 := ws[0], ws[1]
	grpc, rest := c500.targets[0], c500.targets[1]
	spiral := spiralWorkload(32<<20, "off")
	const (
		rss50   = "get-c50-mem64MiB: peak RSS ≤ 64MiB in every row"
		rss500  = "get-c500-mem64MiB: peak RSS ≤ 64MiB in every row"
		errs500 = "get-c500-mem64MiB: no errors, the facade up (gRPC and REST, every GC setting)"
		spiralC = "get-c500-spiral32MiB: the facade stays up with no errors (gRPC and REST, budget 32MiB)"
	)
	for _, tc := range []struct {
		name string
		rs   []result
		want map[string]bool
	}{
		{"all within", []result{
			fakeRun(c50, grpc, 0, 40, 0, true, 0), fakeRun(c50, rest, 0, 64, 0, true, 0),
			fakeRun(c500, grpc, 0, 60, 0, true, 0), fakeRun(c500, rest, 0, 63, 0, true, 0),
			fakeRun(spiral, spiral.targets[0], 0, 50, 0, true, 0), fakeRun(spiral, spiral.targets[1], 0, 55, 0, true, 0),
		}, map[string]bool{rss50: true, rss500: true, errs500: true, spiralC: true}},
		{"one round of one row over the budget", []result{
			fakeRun(c500, grpc, 0, 60, 0, true, 0), fakeRun(c500, rest, 0, 63, 0, true, 0),
			fakeRun(c500, grpc, 1, 60, 0, true, 0), fakeRun(c500, rest, 1, 65, 0, true, 0),
		}, map[string]bool{rss500: false, errs500: true}},
		{"errors at 500 callers", []result{
			fakeRun(c500, grpc, 0, 60, 0, true, 0), fakeRun(c500, rest, 0, 63, 3, true, 0),
		}, map[string]bool{rss500: true, errs500: false}},
		{"the facade down after a run", []result{
			fakeRun(c500, grpc, 0, 60, 0, false, 0), fakeRun(c500, rest, 0, 63, 0, true, 0),
			fakeRun(spiral, spiral.targets[0], 0, 50, 0, true, 0), fakeRun(spiral, spiral.targets[1], 0, 55, 0, false, 0),
		}, map[string]bool{rss500: true, errs500: false, spiralC: false}},
		{"spiral errors", []result{
			fakeRun(spiral, spiral.targets[0], 0, 50, 1, true, 0), fakeRun(spiral, spiral.targets[1], 0, 55, 0, true, 0),
		}, map[string]bool{spiralC: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := verdicts(memoryChecks(tc.rs, append(ws, spiral)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTLSChecksCountEveryRound(t *testing.T) {
	ws, err := selectWorkloads(allWorkloads(options{}), "get-c50,get-c50-tls")
	if err != nil {
		t.Fatal(err)
	}
	plain, tls := ws[0], ws[1]
	rs := []result{
		fakeRun(plain, facadeGRPC, 0, 40, 0, true, 0),
		fakeRun(tls, direct, 0, 15, 0, true, 50), // the floor's loadgen connects anew: not a check
		fakeRun(tls, facadeGRPC, 0, 40, 0, true, 0), fakeRun(tls, facadeGRPC, 1, 40, 0, true, 0),
		fakeRun(tls, facadeREST, 0, 40, 0, true, 0), fakeRun(tls, facadeREST, 1, 40, 0, true, 2),
		fakeRun(tls, vanguardGRPC, 0, 20, 0, true, 7), // the peer: reported, not a goal
	}
	want := map[string]bool{
		"get-c50-tls facade gRPC: TLS handshakes with the upstream after warm-up = 0 (every round)": true,
		"get-c50-tls facade REST: TLS handshakes with the upstream after warm-up = 0 (every round)": false,
	}
	if diff := cmp.Diff(want, verdicts(tlsChecks(rs, ws))); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}
