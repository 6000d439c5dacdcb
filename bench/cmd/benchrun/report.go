package main

import (
	"embed"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// pick returns f of every round's result of workload w and target t, in round order.
func pick(rs []result, w, t string, f func(result) float64) []float64 {
	var out []float64
	for _, r := range rs {
		if r.workload == w && r.target == t {
			out = append(out, f(r))
		}
	}
	return out
}

// ratio returns the median over rounds of f(a)/f(b), a and b from the same round.
func ratio(rs []result, w, a, b string, f func(result) float64) float64 {
	num, den := pick(rs, w, a, f), pick(rs, w, b, f)
	var qs []float64
	for i := range min(len(num), len(den)) {
		if den[i] != 0 {
			qs = append(qs, num[i]/den[i])
		}
	}
	return median(qs)
}

func rps(r result) float64      { return r.load.RPS }
func srvCPU(r result) float64   { return r.serverCPUus }
func p50(r result) float64      { return r.load.P50us }
func sinCPU(r result) float64   { return r.standinCPUus }
func rssMiB(r result) float64   { return float64(r.peakRSS) / (1 << 20) }
func conns(r result) float64    { return float64(r.upstream.Connections) }
func errorsOf(r result) float64 { return float64(r.load.Errors) }
func medOf(rs []result, w, t string, f func(result) float64) float64 {
	return median(pick(rs, w, t, f))
}

// maxOf is the largest f of any round of w and t, 0 for none.
func maxOf(rs []result, w, t string, f func(result) float64) float64 {
	return slices.Max(append(pick(rs, w, t, f), 0))
}

// serverCPUCell is the median server CPU per call of t under w, "—" for
// the floor, which has no server of its own.
func serverCPUCell(rs []result, w string, t target) string {
	if t.server == serverNone {
		return "—"
	}
	return fmt.Sprintf("%.0f", medOf(rs, w, t.name, srvCPU))
}

func renderMarkdown(rs []result, ws []workload, soak *soakReport, o options, pinned bool, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark: facade vs floor vs vanguard\n\n")
	fmt.Fprintf(&b, "- machine: %d CPUs, %s; servers pinned to CPU 0, load generator to CPU 1: %v\n", runtime.NumCPU(), cpuModel(), pinned)
	fmt.Fprintf(&b, "- Go %s, vanguard-go v0.4.0 (bench/go.mod), facade commit %s (when the run started)\n", strings.TrimPrefix(runtime.Version(), "go"), o.commit)
	fmt.Fprintf(&b, "- %d rounds of %s per target and workload, targets interleaved; %s warm-up each; whole run %s; %s\n",
		o.rounds, o.duration, o.warmup, took.Round(time.Second), time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- command: `cd bench && go run ./cmd/benchrun%s`\n\n", strings.TrimRight(" "+strings.Join(os.Args[1:], " "), " "))
	b.WriteString("Medians over rounds. ×floor and ×vanguard are medians of per-round ratios of RPS. " +
		"Server CPU is the facade's (or vanguard's) user+system CPU per call; stand-in CPU per call is the upstream's. " +
		"Each run of the facade or vanguard is in a new process (warm-up, then the measured run); peak RSS is that process's VmHWM at the end, so no run inherits another's high-water mark (the floor's column is the stand-in's, over its whole life). Conns is upstream TCP connections the stand-in accepted during one measured run (after the warm-up): 0 means every call reused a pooled connection.\n\n")
	b.WriteString("| workload | target | RPS | ×floor | ×vanguard | p50 ms | p99 ms | p99.9 ms | server CPU µs/call | stand-in CPU µs/call | peak RSS MiB | conns | errors |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, w := range standardOnly(ws) {
		for _, t := range w.targets {
			if len(pick(rs, w.name, t.name, rps)) == 0 {
				continue
			}
			vg := "—"
			if t.name != tVanguard {
				vg = fmt.Sprintf("%.2f", ratio(rs, w.name, t.name, tVanguard, rps))
			}
			fmt.Fprintf(&b, "| %s | %s | %.0f | %.2f | %s | %.2f | %.2f | %.2f | %s | %.0f | %.1f | %.0f | %.0f |\n",
				w.name, t.name, medOf(rs, w.name, t.name, rps), ratio(rs, w.name, t.name, tDirect, rps), vg,
				medOf(rs, w.name, t.name, p50)/1e3,
				medOf(rs, w.name, t.name, func(r result) float64 { return r.load.P99us })/1e3,
				medOf(rs, w.name, t.name, func(r result) float64 { return r.load.P999us })/1e3,
				serverCPUCell(rs, w.name, t), medOf(rs, w.name, t.name, sinCPU), medOf(rs, w.name, t.name, rssMiB),
				medOf(rs, w.name, t.name, conns), sumOf(pick(rs, w.name, t.name, errorsOf)))
		}
	}
	b.WriteString("\n")
	for _, w := range ws {
		if w.latency > 0 {
			var held []float64
			for _, r := range rs {
				if r.workload == w.name && r.heldMs > 0 {
					held = append(held, r.heldMs)
				}
			}
			if len(held) > 0 {
				fmt.Fprintf(&b, "%s: the stand-in held each answer %.3f ms on average (median of runs; %s injected).\n", w.name, median(held), w.latency)
			}
		}
	}
	b.WriteString("\n")
	b.WriteString(renderTLS(rs, ws))
	b.WriteString(renderMemory(rs, ws))
	if soak != nil {
		b.WriteString(renderSoak(soak))
	}
	b.WriteString(renderTargets(rs, ws, soak))
	b.WriteString(renderChecks("Issue 12 checks (this run)", append(tlsChecks(rs, ws), memoryChecks(rs, ws)...)))
	return b.String()
}

// standardOnly is ws without the memory matrix and the death-spiral
// check, which have tables of their own.
func standardOnly(ws []workload) []workload {
	return workloadsWhere(ws, func(w workload) bool { return !w.hasBudget() })
}

func sumOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// check is one of issue 5's targets.
type check struct {
	name string
	got  string
	ok   bool
}

func renderTargets(rs []result, ws []workload, soak *soakReport) string {
	has := func(w string) bool { return len(pick(rs, w, tGRPC, rps)) > 0 }
	var cs []check
	add := func(w, name string, got float64, format string, ok bool) {
		if has(w) {
			cs = append(cs, check{name: name, got: fmt.Sprintf(format, got), ok: ok})
		}
	}
	g := ratio(rs, "get-c50", tGRPC, tVanguard, rps)
	add("get-c50", "Get gRPC c50 throughput ≥ 2× vanguard", g, "%.2f×", g >= 2)
	cpuRatio := median(perRound(rs, "get-c50", func(a, b result) float64 { return a.serverCPUus / b.standinCPUus }, tGRPC, tGRPC))
	add("get-c50", "facade CPU per Get ≤ 2.5× stand-in CPU per request (c50)", cpuRatio, "%.2f×", cpuRatio <= 2.5)
	for _, t := range []string{tGRPC, tREST} {
		l := ratio(rs, "get-c1", t, tDirect, p50)
		add("get-c1", "Get c1 p50 ≤ 2.5× direct p50 ("+t+")", l, "%.2f×", l <= 2.5)
	}
	rest := ratio(rs, "get-c50", tREST, tGRPC, rps)
	add("get-c50", "REST Get throughput ≥ 0.7× gRPC (c50)", rest, "%.2f×", rest >= 0.7)
	r50 := medOf(rs, "get-c50-lat20ms", tGRPC, rps)
	add("get-c50-lat20ms", "20 ms upstream, c50: ≥ 2,375 calls/s (95% of 2,500)", r50, "%.0f/s", r50 >= 2375)
	e500 := sumOf(pick(rs, "get-c500-lat20ms", tGRPC, errorsOf)) + sumOf(pick(rs, "get-c500-lat20ms", tREST, errorsOf))
	add("get-c500-lat20ms", "20 ms upstream, c500: no errors (gRPC and REST)", e500, "%.0f errors", e500 == 0)
	for _, w := range ws {
		if w.latency == 0 {
			continue
		}
		mx := maxOf(rs, w.name, tGRPC, conns)
		add(w.name, fmt.Sprintf("%s: upstream conns opened per run ≤ %d (gRPC)", w.name, w.concurrency), mx, "%.0f", mx <= float64(w.concurrency))
	}
	for _, w := range []string{"get-c500", "get-c500-lat20ms"} {
		for _, t := range []string{tGRPC, tREST} {
			rss := maxOf(rs, w, t, rssMiB)
			add(w, fmt.Sprintf("%s %s: peak RSS ≤ %s (the facade's default memory budget, issue 12)", w, t, defaultMemoryBudget), rss, "%.1f MiB", rss <= mib(int64(defaultMemoryBudget)))
		}
	}
	if soak != nil {
		cs = append(cs, soak.checks()...)
	}
	out := renderChecks("Issue 5 targets (this run)", cs)
	if soak == nil {
		out += "Not measured here: RSS growth over a 5-minute run (`-soak 5m`, the default).\n\n"
	}
	return out
}

// renderChecks writes cs as a table under title; nothing when cs is empty.
func renderChecks(title string, cs []check) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n| target | got | holds |\n|---|---:|:---:|\n", title)
	for _, c := range cs {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.name, c.got, yesNo(c.ok))
	}
	b.WriteString("\n")
	return b.String()
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// perRound returns f(a, b) for each round, a from target ta and b from tb.
func perRound(rs []result, w string, f func(a, b result) float64, ta, tb string) []float64 {
	var as, bs []result
	for _, r := range rs {
		if r.workload != w {
			continue
		}
		if r.target == ta {
			as = append(as, r)
		}
		if r.target == tb {
			bs = append(bs, r)
		}
	}
	var out []float64
	for i := range min(len(as), len(bs)) {
		out = append(out, f(as[i], bs[i]))
	}
	return out
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

func commit() string {
	out, err := exec.Command("git", "-C", "..", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// sections holds the head of each table section of latest.md: its title,
// what the table means, and its header rows. Prose reads and diffs better as
// Markdown than as Go string literals.
//
//go:embed sections/*.md
var sections embed.FS

// sectionHead is the head of the section name (sections/name.md).
func sectionHead(name string) string {
	head, err := sections.ReadFile("sections/" + name + ".md")
	if err != nil {
		panic(err) // the files are embedded: a missing one is a build mistake
	}
	return string(head)
}

// renderSection is a section of latest.md for the workloads ws: head (the
// title, what the table means, its header rows), then one row per workload
// and target that has results; "" when ws is empty.
func renderSection(rs []result, ws []workload, head string, row func(workload, target) string) string {
	if len(ws) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(head)
	for _, w := range ws {
		for _, t := range w.targets {
			if len(pick(rs, w.name, t.name, rps)) > 0 {
				b.WriteString(row(w, t))
			}
		}
	}
	b.WriteString("\n")
	return b.String()
}
