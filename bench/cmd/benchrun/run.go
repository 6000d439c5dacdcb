package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const demoID = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"

// workload is one load shape, run against every target.
type workload struct {
	name        string
	op          string // get or update
	concurrency int
	latency     time.Duration // injected in the stand-in
}

var workloads = []workload{
	{"get-c1", "get", 1, 0},
	{"get-c50", "get", 50, 0},
	{"get-c500", "get", 500, 0},
	{"update-c50", "update", 50, 0},
	{"get-c50-lat20ms", "get", 50, 20 * time.Millisecond},
	{"get-c500-lat20ms", "get", 500, 20 * time.Millisecond},
}

func selectWorkloads(only string) ([]workload, error) {
	if only == "" {
		return workloads, nil
	}
	var out []workload
	for _, name := range strings.Split(only, ",") {
		found := false
		for _, w := range workloads {
			if w.name == name {
				out, found = append(out, w), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown workload %q", name)
		}
	}
	return out, nil
}

// target is one way of making the call.
type target struct {
	name   string
	mode   string // loadgen -mode
	addr   string // loadgen -target
	server serverKind
}

// serverKind is the process a target measures: none for the floor.
type serverKind int

const (
	serverNone serverKind = iota
	serverFacade
	serverVanguard
)

// Target names; direct is the floor every ratio is taken against.
const (
	tDirect   = "direct HTTP (floor)"
	tGRPC     = "facade gRPC"
	tREST     = "facade REST"
	tVanguard = "vanguard gRPC"
)

var targets = []target{
	{tDirect, "http", "http://" + standinAddr + "/accounts/users/organization/workengagement/" + demoID + "/", serverNone},
	{tGRPC, "grpc", facadeGRPCAddr, serverFacade},
	{tREST, "http", "http://" + facadeHTTPAddr + "/v1/workEngagements/" + demoID, serverFacade},
	{tVanguard, "grpc", vanguardAddr, serverVanguard},
}

// loadReport is loadgen's output.
type loadReport struct {
	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"`
	RPS        float64 `json:"rps"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
	P999us     float64 `json:"p999_us"`
	FirstError string  `json:"first_error,omitempty"`
}

// result is one run of one target in one round.
type result struct {
	workload     string
	target       string
	round        int
	load         loadReport
	serverCPUus  float64 // per call; 0 for the floor
	standinCPUus float64 // per call
	peakRSS      int64   // of the server, bytes: its own process's, started for this run
	connsOpened  int64   // at the stand-in during the run
	heldMs       float64 // mean injected latency the stand-in measured during the run; 0 without
}

// rawResult is result as written to results/latest.json, every run of every round.
type rawResult struct {
	Workload     string     `json:"workload"`
	Target       string     `json:"target"`
	Round        int        `json:"round"`
	Load         loadReport `json:"load"`
	ServerCPUus  float64    `json:"server_cpu_us_per_call"`
	StandinCPUus float64    `json:"standin_cpu_us_per_call"`
	PeakRSS      int64      `json:"peak_rss_bytes"`
	ConnsOpened  int64      `json:"upstream_conns_opened"`
	HeldMs       float64    `json:"standin_held_ms_mean,omitempty"`
}

func toRaw(rs []result) []rawResult {
	out := make([]rawResult, len(rs))
	for i, r := range rs {
		out[i] = rawResult{r.workload, r.target, r.round, r.load, r.serverCPUus, r.standinCPUus, r.peakRSS, r.connsOpened, r.heldMs}
	}
	return out
}

func (e *env) loadgen(ctx context.Context, t target, w workload, d time.Duration) (loadReport, error) {
	args := []string{"-mode", t.mode, "-target", t.addr, "-op", w.op, "-id", demoID,
		"-c", strconv.Itoa(w.concurrency), "-d", d.String()}
	out, err := command(ctx, e.loadCPU(), e.bin+"/loadgen", args...).Output()
	if err != nil {
		return loadReport{}, fmt.Errorf("loadgen %s %s: %w", w.name, t.name, err)
	}
	var r loadReport
	return r, json.Unmarshal(out, &r)
}

func (e *env) runWorkload(ctx context.Context, w workload, o options) ([]result, error) {
	if err := setLatency(w.latency); err != nil {
		return nil, err
	}
	var out []result
	for round := range o.rounds {
		for i := range targets {
			// Rotate the order each round so no target always runs first.
			t := targets[(i+round)%len(targets)]
			r, err := e.measure(ctx, t, w, o)
			if err != nil {
				return nil, err
			}
			r.round = round
			logf("%s round %d %-20s %8.0f rps p50 %6.2f ms errors %d", w.name, round+1, t.name, r.load.RPS, r.load.P50us/1e3, r.load.Errors)
			out = append(out, r)
		}
	}
	return out, nil
}

// measure runs t under w for o.duration in a fresh server process, after
// an uncounted warm-up of o.warmup in that same process.
func (e *env) measure(ctx context.Context, t target, w workload, o options) (result, error) {
	res := result{workload: w.name, target: t.name}
	server, err := e.restart(ctx, t)
	if err != nil {
		return res, err
	}
	if _, err := e.loadgen(ctx, t, w, o.warmup); err != nil {
		return res, err
	}
	stBefore, err := getStandinStats()
	if err != nil {
		return res, err
	}
	sinCPU0, _ := cpuTime(e.standin.Process.Pid)
	var srvCPU0 time.Duration
	if server != nil {
		srvCPU0, _ = cpuTime(server.Process.Pid)
	}
	res.load, err = e.loadgen(ctx, t, w, o.duration)
	if err != nil {
		return res, err
	}
	calls := float64(res.load.Requests)
	if calls == 0 {
		calls = 1
	}
	sinCPU1, _ := cpuTime(e.standin.Process.Pid)
	stAfter, err := getStandinStats()
	if err != nil {
		return res, err
	}
	res.standinCPUus = float64((sinCPU1 - sinCPU0).Microseconds()) / calls
	res.connsOpened = stAfter.Connections - stBefore.Connections
	if n := stAfter.HeldCount - stBefore.HeldCount; n > 0 {
		res.heldMs = float64(stAfter.HeldNs-stBefore.HeldNs) / float64(n) / 1e6
	}
	if server != nil {
		srvCPU1, _ := cpuTime(server.Process.Pid)
		res.serverCPUus = float64((srvCPU1 - srvCPU0).Microseconds()) / calls
		res.peakRSS, _ = peakRSS(server.Process.Pid)
	} else {
		res.peakRSS, _ = peakRSS(e.standin.Process.Pid)
	}
	return res, nil
}
