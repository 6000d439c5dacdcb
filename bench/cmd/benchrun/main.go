// Command benchrun is what `make bench` runs: it builds the stand-in, the
// load generator and the vanguard peer, makes a certificate authority and
// a certificate for the stand-in's HTTPS listeners, starts them with the
// facade (../bin/pigello-facade), runs every workload against each of its
// targets in interleaved rounds, and writes results/latest.md,
// results/latest.png and the raw runs in results/latest.json. Last, in a
// run of its own, it takes a CPU profile of the facade serving get-c50 over
// gRPC (-profile): results/profile-get-c50-grpc.pprof, and its reading by
// part and by function in latest.md and results/profile-get-c50-grpc.md.
//
// The workloads are data (workloads.go): the standard ones (Get, Update
// and List, plaintext or HTTPS to the stand-in) against the floor, the
// facade over gRPC and REST, and vanguard; the memory matrix (-memory,
// -gogc) and the death-spiral check (-spiral) against the facade alone,
// its whole memory budget set as a container's limit would
// (FACADE_MEMORY_LIMIT) and GOGC set or not.
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
	"strings"
	"syscall"
	"time"
)

type options struct {
	duration, warmup time.Duration
	rounds           int
	facadeBin, out   string
	only             string
	soak             time.Duration
	profile          time.Duration // of the facade's CPU profile run; 0 skips it
	commit           string        // of the facade's source when the run started

	budgets  []budget // the memory matrix's; none skips it
	gcs      []string // the GC settings of the memory matrix
	spiral   budget   // the death-spiral check's budget; 0 skips it
	facadeGC string   // the facade's default GC as its --help says it ("off", "200"); "" unknown
}

// The memory matrix's defaults: 64 MiB and the facade's default budget
// (deploy/base's limits.memory); the facade's own GC and Go's. And the
// profile run's length.
var (
	// defaultMemoryBudget is the facade's own budget where nothing sets
	// one, as in the standard workloads (no cgroup limit, no flag): the
	// README's "Memory budget".
	defaultMemoryBudget budget = 256 << 20
	defaultBudgets             = []budget{64 << 20, defaultMemoryBudget}
	defaultGCs                 = []string{gcDefault, "100"}
	defaultSpiral              = budget(32 << 20)
	defaultProfile             = 10 * time.Second
)

func main() {
	var o options
	flag.DurationVar(&o.duration, "d", 5*time.Second, "duration of each run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up run per target and workload, not counted")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved rounds per workload")
	flag.StringVar(&o.facadeBin, "facade", "../bin/pigello-facade", "facade binary (make build)")
	flag.StringVar(&o.out, "out", "results", "directory for latest.md and latest.png")
	flag.StringVar(&o.only, "workloads", "", "comma-separated workload names to run (default: all): "+strings.Join(standardNames(), ",")+
		", the memory matrix's get-c50-mem<budget> and get-c500-mem<budget>, the death spiral's get-c500-spiral<budget>")
	flag.DurationVar(&o.soak, "soak", 5*time.Minute, "after the workloads, gRPC Get at c500 for this long with the facade's memory sampled, for RSS growth (0: skip)")
	flag.Func("profile", "after the workloads and the soak, a CPU profile of this length (whole seconds) of the facade over gRPC under "+profileWorkload+"'s load, in a run of its own: "+profileName+".{pprof,md} in -out and a section of latest.md (0: skip) (default "+defaultProfile.String()+")",
		func(s string) (err error) { o.profile, err = parseProfileDuration(s); return err })
	o.profile = defaultProfile
	o.budgets, o.gcs, o.spiral = defaultBudgets, defaultGCs, defaultSpiral
	flag.Func("memory", "comma list of memory budgets for the memory matrix, each the facade's whole memory as a container's limit (FACADE_MEMORY_LIMIT; the facade derives its Go soft limit), held against its peak RSS: Get at c50 and c500, gRPC and REST, under each -gogc setting; empty skips it (default "+joinList(defaultBudgets)+")",
		func(s string) (err error) { o.budgets, err = parseBudgets(s); return err })
	flag.Func("gogc", "comma list of the memory matrix's GC settings, in any number and order, e.g. default,100,200,400,off: default (GOGC unset: the facade's own choice, read from its -h), off, or a GOGC percentage (100: Go's default) (default "+strings.Join(defaultGCs, ",")+")",
		func(s string) (err error) { o.gcs, err = parseGCs(s); return err })
	flag.Func("spiral", "budget of the death-spiral check: Get at c500, gRPC and REST, the facade's default GC; empty skips it (default "+defaultSpiral.String()+")",
		func(s string) (err error) {
			o.spiral = 0
			if s != "" {
				o.spiral, err = parseBudget(s)
			}
			return err
		})
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
	facade, err := filepath.Abs(o.facadeBin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(facade); err != nil {
		return fmt.Errorf("facade binary: %w (run make build)", err)
	}
	o.facadeGC = facadeDefaultGC(ctx, facade)
	ws, err := selectWorkloads(allWorkloads(o), o.only)
	if err != nil {
		return err
	}
	bin, err := os.MkdirTemp("", "benchrun")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	logf("building stand-in, loadgen and vanguard")
	if err := command(ctx, "", "go", "build", "-o", bin+"/", "./cmd/standin", "./cmd/loadgen", "./cmd/vanguard").Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}

	env, err := startEnv(ctx, bin, facade)
	if err != nil {
		return err
	}
	defer env.stop()

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
	var prof *profileRun
	if o.profile > 0 {
		if prof, err = env.profile(ctx, o, o.profile); err != nil {
			return err
		}
	}
	md := renderMarkdown(results, ws, soak, o, env.pinned, time.Since(start))
	var profSection string
	if prof != nil {
		profSection = renderProfile(prof)
		md += profSection
	}
	if err := writeResults(o.out, results, ws, soak, md); err != nil {
		return err
	}
	if prof != nil {
		if err := writeProfile(o.out, prof, o, profSection); err != nil {
			return err
		}
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
