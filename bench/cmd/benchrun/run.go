package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pigello-facade/pigello-facade/bench/internal/standinstats"
)

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
	upstream     standinstats.Stats
	heldMs       float64 // mean injected latency the stand-in measured during the run; 0 without
	up           bool    // the server still answered its readiness check after the run (true for the floor)
}

// rawResult is result as written to results/latest.json, every run of every round.
type rawResult struct {
	Workload     string             `json:"workload"`
	Target       string             `json:"target"`
	Round        int                `json:"round"`
	Load         loadReport         `json:"load"`
	ServerCPUus  float64            `json:"server_cpu_us_per_call"`
	StandinCPUus float64            `json:"standin_cpu_us_per_call"`
	PeakRSS      int64              `json:"peak_rss_bytes"`
	Upstream     standinstats.Stats `json:"upstream"`
	HeldMs       float64            `json:"standin_held_ms_mean,omitempty"`
	Up           bool               `json:"server_up_after_run"`
}

func toRaw(rs []result) []rawResult {
	out := make([]rawResult, len(rs))
	for i, r := range rs {
		out[i] = rawResult{r.workload, r.target, r.round, r.load, r.serverCPUus, r.standinCPUus, r.peakRSS, r.upstream, r.heldMs, r.up}
	}
	return out
}

func (e *env) loadgen(ctx context.Context, t target, w workload, d time.Duration) (loadReport, error) {
	args := []string{"-mode", t.mode, "-target", w.address(t), "-op", w.op, "-id", demoID,
		"-c", strconv.Itoa(w.concurrency), "-d", d.String(), "-page-size", strconv.Itoa(listPageSize)}
	out, err := e.child(ctx, e.loadCPU(), e.bin+"/loadgen", args...).Output()
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
		for i := range w.targets {
			// Rotate the order each round so no target always runs first.
			t := w.targets[(i+round)%len(w.targets)]
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

// sample is the counters a run is measured by, read before and after it.
type sample struct {
	standin               standinstats.Stats
	standinCPU, serverCPU time.Duration
}

func (e *env) sample(server *process) (sample, error) {
	var s sample
	var err error
	if s.standin, err = getStandinStats(); err != nil {
		return s, err
	}
	s.standinCPU, _ = cpuTime(e.standin.Process.Pid)
	if server != nil {
		s.serverCPU, _ = cpuTime(server.Process.Pid)
	}
	return s, nil
}

// measure runs t under w for o.duration in a fresh server process, after
// an uncounted warm-up of o.warmup in that same process.
func (e *env) measure(ctx context.Context, t target, w workload, o options) (result, error) {
	res := result{workload: w.name, target: t.name, up: true}
	server, err := e.restart(ctx, t, w)
	if err != nil {
		return res, err
	}
	if _, err := e.loadgen(ctx, t, w, o.warmup); err != nil {
		return res, err
	}
	before, err := e.sample(server)
	if err != nil {
		return res, err
	}
	if res.load, err = e.loadgen(ctx, t, w, o.duration); err != nil {
		return res, err
	}
	after, err := e.sample(server)
	if err != nil {
		return res, err
	}
	calls := float64(max(res.load.Requests, 1))
	res.standinCPUus = float64((after.standinCPU - before.standinCPU).Microseconds()) / calls
	res.serverCPUus = float64((after.serverCPU - before.serverCPU).Microseconds()) / calls
	res.upstream = after.standin.Minus(before.standin)
	if n := res.upstream.HeldCount; n > 0 {
		res.heldMs = float64(res.upstream.HeldNs) / float64(n) / 1e6
	}
	if server == nil {
		res.peakRSS, _ = peakRSS(e.standin.Process.Pid)
		return res, nil
	}
	res.peakRSS, _ = peakRSS(server.Process.Pid)
	res.up = server.ready() == nil
	return res, nil
}
