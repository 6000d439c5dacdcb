// Command benchrun is what `make bench` runs: it builds the stand-in, the
// load generator and the vanguard peer, starts them with the facade
// (../bin/pigello-facade), runs every workload against every target in
// interleaved rounds, and writes results/latest.md, results/latest.png and the raw runs in
// results/latest.json.
//
// Servers are pinned to CPU 0 and the load generator to CPU 1 with taskset
// when there are two CPUs or more, so the numbers measure the servers.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

type options struct {
	duration, warmup time.Duration
	rounds           int
	facadeBin, out   string
	only             string
	soak             time.Duration
	commit           string // of the facade's source when the run started
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "d", 5*time.Second, "duration of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up run per target and workload, not counted")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved rounds per workload")
	flag.StringVar(&o.facadeBin, "facade", "../bin/pigello-facade", "facade binary (make build)")
	flag.StringVar(&o.out, "out", "results", "directory for latest.md and latest.png")
	flag.StringVar(&o.only, "workloads", "", "comma-separated workload names to run (default: all)")
	flag.DurationVar(&o.soak, "soak", 5*time.Minute, "after the workloads, gRPC Get at c500 for this long with the facade's memory sampled, for RSS growth (0: skip)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	start := time.Now()
	o.commit = commit()
	bin, err := os.MkdirTemp("", "benchrun")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	logf("building stand-in, loadgen and vanguard")
	if err := command(ctx, "", "go", "build", "-o", bin+"/", "./cmd/standin", "./cmd/loadgen", "./cmd/vanguard").Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	facade, err := filepath.Abs(o.facadeBin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(facade); err != nil {
		return fmt.Errorf("facade binary: %w (run make build)", err)
	}

	env, err := startEnv(ctx, bin, facade)
	if err != nil {
		return err
	}
	defer env.stop()

	ws, err := selectWorkloads(o.only)
	if err != nil {
		return err
	}
	var results []result
	for _, w := range ws {
		rs, err := env.runWorkload(ctx, w, o)
		if err != nil {
			return err
		}
		results = append(results, rs...)
	}
	var soak *soakReport
	if o.soak > 0 {
		if soak, err = env.soak(ctx, o.soak); err != nil {
			return err
		}
	}
	md := renderMarkdown(results, ws, soak, o, env.pinned, time.Since(start))
	if err := writeResults(o.out, results, ws, soak, md); err != nil {
		return err
	}
	fmt.Print(md)
	logf("wrote %s and %s in %s", filepath.Join(o.out, "latest.md"), filepath.Join(o.out, "latest.png"), time.Since(start).Round(time.Second))
	return nil
}

// writeResults writes latest.json (every run, and the soak), latest.md and
// latest.png into dir.
func writeResults(dir string, results []result, ws []workload, soak *soakReport, md string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(struct {
		Runs []rawResult `json:"runs"`
		Soak *soakReport `json:"soak,omitempty"`
	}{toRaw(results), soak}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "latest.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "latest.md"), []byte(md), 0o644); err != nil {
		return err
	}
	if err := renderChart(results, ws, filepath.Join(dir, "latest.png")); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchrun: "+format+"\n", args...)
}
