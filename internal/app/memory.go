package app

import (
	"errors"
	"log/slog"
	"math"
	"runtime/debug"
	rtmetrics "runtime/metrics"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// The memory budget is the facade's whole memory, as a container's memory
// limit is: the Go runtime's soft memory limit (debug.SetMemoryLimit) is
// the budget less a headroom for what the runtime does not count, and the
// GC percentage is how the collector paces itself below that limit.
const (
	// defaultGCPercent is the GC percentage when neither --gc-percent nor
	// GOGC gives one. make bench's memory matrix (2026-12-07, 3 interleaved
	// rounds, Get, budgets 256 MiB and 64 MiB) chose 400 over off and 100:
	//
	//	256 MiB, 50 callers:  gRPC 6973 rps with 400, 6544 off, 6185 at 100;
	//	                      REST 5742, 4775, 4990; peak RSS 56–58 MiB with
	//	                      400, 228–230 MiB off, 39 MiB at 100.
	//	256 MiB, 500 callers: gRPC 4568, 4427, 3927; REST 3345, 3066, 3069;
	//	                      peak RSS 105–162, 230–234, 61–80 MiB.
	//	64 MiB:               400 and off alike (the limit paces the GC).
	//
	// Off lets every call allocate fresh memory until the heap reaches the
	// soft limit, so its memory is cache-cold and its RSS the whole budget;
	// 400 keeps the heap at about five times the live data, which is
	// faster and uses less of the budget. Near the limit the limit paces
	// the GC whatever the percentage says (Go caps the GC at about half
	// the CPU there, so a live heap at the limit degrades throughput
	// instead of stalling: the death-spiral run, 500 callers under a
	// 32 MiB budget, answered every call).
	defaultGCPercent = 400

	// headroomShare and nonHeapReserve make the headroom between the
	// budget and the soft limit: the larger of this share of the budget
	// (Go's GC guide advises 5–10%) and the reserve.
	headroomShare = 0.1

	// nonHeapReserve is the memory the Go runtime does not count, which RSS
	// and the container's limit do: mostly the binary's mapped pages, plus
	// the kernel's socket buffers. Measured on the 31 MB binary (make build,
	// Go 1.26.8) against the bench's stand-in, 10 s each of gRPC and REST
	// Get at 50 and 500 callers, GC off under soft limits of 36, 40 and
	// 256 MiB: RSS less the runtime's count (/memory/classes/total:bytes
	// less the released heap, sampled every 0.3 s) was 15 MiB idle and at
	// most 23 MiB under load, of which RssFile 19–22 MiB; peak RSS (VmHWM)
	// was at most 25 MiB above the soft limit; the kernel's TCP memory,
	// all processes together, at most 1.5 MiB. 32 MiB leaves 7 MiB above
	// the worst of these for a growing binary. Checked with it: under a
	// 64 MiB budget (32 MiB soft limit) peak RSS at 500 callers was 51 MiB
	// over gRPC and 62 MiB over REST (whose live heap passes the soft
	// limit there), 230 MiB over REST under 256 MiB. Measure again when the
	// binary grows much (its text and rodata are 29 MiB, the bound on its
	// mapped pages).
	nonHeapReserve = 32 << 20

	// minSoftLimit is the floor of the soft limit: a budget smaller than
	// nonHeapReserve plus this still starts (the bench's death-spiral run
	// uses 32 MiB), with this soft limit, and RSS then exceeds the budget.
	// Below it the idle facade's own live heap would keep the GC running.
	minSoftLimit = 16 << 20

	// defaultMemoryBudget is the budget where nothing sets one: no
	// --memory-limit, no GOMEMLIMIT, no cgroup limit. The manifests'
	// container limit, and about ten times the 25 MiB the facade still
	// held at 500 gRPC callers under a 16 MiB soft limit (about its live
	// memory there).
	defaultMemoryBudget = 256 << 20

	// minMemoryBudget is the smallest --memory-limit.
	minMemoryBudget = minSoftLimit
	maxGCPercent    = 100000
)

// The values of MemoryConfig that are not a size or a percentage.
const (
	autoMemoryLimit = 0  // MemoryConfig.Limit: from the environment
	autoGCPercent   = 0  // MemoryConfig.GCPercent: from GOGC, else defaultGCPercent
	gcOff           = -1 // as debug.SetGCPercent takes it
	noMemoryLimit   = math.MaxInt64
)

// Where the budget (or GOMEMLIMIT's soft limit) and the GC percentage came
// from, as the start's log line says them.
const (
	fromFlag       = "flag"
	fromGOMEMLIMIT = "GOMEMLIMIT"
	fromCgroup     = "cgroup"
	fromGOGC       = "GOGC"
	fromDefault    = "default"
)

// memoryBudget is what the facade runs the Go runtime with, and where each
// part came from.
type memoryBudget struct {
	budget    int64  // bytes, the whole memory; 0 under GOMEMLIMIT, which sets the soft limit alone
	source    string // fromFlag, fromGOMEMLIMIT, fromCgroup or fromDefault
	softLimit int64  // bytes, the runtime's; noMemoryLimit: none
	cgroupErr error  // why the container's limit could not be read
	gcPercent int    // gcOff or a percentage
	gcSource  string // fromFlag, fromGOGC or fromDefault
}

// softLimitFor is the Go runtime's soft memory limit under a budget of
// budget bytes: the budget less the larger of headroomShare of it and
// nonHeapReserve, and at least minSoftLimit.
func softLimitFor(budget int64) int64 {
	headroom := max(int64(float64(budget)*headroomShare), nonHeapReserve)
	return max(budget-headroom, minSoftLimit)
}

// resolveMemoryBudget decides the budget: --memory-limit, else the soft
// limit GOMEMLIMIT gave the runtime (no budget then: the deployment chose
// the soft limit itself), else the container's limit (cgroupLimit), else
// defaultMemoryBudget. Then the GC percentage: --gc-percent, else GOGC
// (applied by the runtime), else defaultGCPercent. A flag and the
// runtime's variable for the same thing are refused together: the facade
// never overrides what the deployment set.
func resolveMemoryBudget(cfg MemoryConfig, getenv func(string) string, cgroupLimit memlimit.Provider) (memoryBudget, error) {
	var b memoryBudget
	switch {
	case cfg.Limit != autoMemoryLimit && getenv("GOMEMLIMIT") != "":
		return b, errors.New("--memory-limit (FACADE_MEMORY_LIMIT) and GOMEMLIMIT are both set: set one of them")
	case cfg.Limit != autoMemoryLimit:
		b.setBudget(cfg.Limit, fromFlag)
	case getenv("GOMEMLIMIT") != "":
		b.softLimit, b.source = debug.SetMemoryLimit(-1), fromGOMEMLIMIT
	default:
		b.fromContainer(cgroupLimit)
	}
	switch {
	case cfg.GCPercent != autoGCPercent && getenv("GOGC") != "":
		return b, errors.New("--gc-percent (FACADE_GC_PERCENT) and GOGC are both set: set one of them")
	case cfg.GCPercent == gcOff && b.softLimit == noMemoryLimit:
		return b, errors.New(`--gc-percent (FACADE_GC_PERCENT) = "off" needs a memory budget, and GOMEMLIMIT=off sets none: the heap would grow without bound`)
	case cfg.GCPercent != autoGCPercent:
		b.gcPercent, b.gcSource = cfg.GCPercent, fromFlag
	case getenv("GOGC") != "":
		b.gcPercent, b.gcSource = runtimeGCPercent(), fromGOGC
	case b.softLimit == noMemoryLimit:
		// GOMEMLIMIT=off: no limit bounds the heap, so Go's own default.
		b.gcPercent, b.gcSource = 100, fromDefault
	default:
		b.gcPercent, b.gcSource = defaultGCPercent, fromDefault
	}
	return b, nil
}

// setBudget makes n bytes from source the budget, and the soft limit
// softLimitFor(n).
func (b *memoryBudget) setBudget(n int64, source string) {
	b.budget, b.source, b.softLimit = n, source, softLimitFor(n)
}

// fromContainer makes the container's memory limit the budget, or
// defaultMemoryBudget when there is none or it cannot be read.
func (b *memoryBudget) fromContainer(cgroupLimit memlimit.Provider) {
	b.setBudget(defaultMemoryBudget, fromDefault)
	n, err := cgroupLimit()
	switch {
	case errors.Is(err, memlimit.ErrNoLimit) || errors.Is(err, memlimit.ErrNoCgroup) || errors.Is(err, memlimit.ErrCgroupsNotSupported):
	case err != nil:
		b.cgroupErr = err
	default:
		b.setBudget(int64(min(n, noMemoryLimit)), fromCgroup)
	}
}

// containerMemoryLimit is the memory limit of the process's cgroup, or the
// machine's memory when that is less: Kubernetes lets a limit exceed the
// node's memory, and a budget above what exists bounds nothing.
func containerMemoryLimit() (uint64, error) {
	return smallerLimit(memlimit.FromCgroup, memlimit.FromSystem)()
}

// smallerLimit is limit, lowered to bound when bound reports less.
func smallerLimit(limit, bound memlimit.Provider) memlimit.Provider {
	return func() (uint64, error) {
		n, err := limit()
		if err != nil {
			return 0, err
		}
		if m, err := bound(); err == nil && m < n {
			return m, nil
		}
		return n, nil
	}
}

// apply sets the runtime to b and returns what puts back the settings it
// found, so an in-process Run (the tests') leaves the process as it was.
// What GOMEMLIMIT or GOGC set stays as it is: b holds the runtime's own
// value there. The limit is set first, so the GC is never off without it.
func (b memoryBudget) apply() (restore func()) {
	limit := debug.SetMemoryLimit(b.softLimit)
	gc := debug.SetGCPercent(b.gcPercent)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

// log writes the start's line about memory: the budget and where it came
// from, the soft limit, and the GC percentage. Under GOMEMLIMIT there is
// no budget, and the line has none. A budget too small for its headroom
// gets a warning first: RSS will exceed it.
func (b memoryBudget) log(logger *slog.Logger) {
	if b.cgroupErr != nil {
		logger.Warn("memory budget: the container's memory limit could not be read; using the default", "error", b.cgroupErr)
	}
	if b.budget != 0 && b.budget < nonHeapReserve+minSoftLimit {
		logger.Warn("memory budget: too small to hold, RSS will exceed it: the soft limit is at its floor",
			"memory_budget", sizeText(uint64(b.budget)), "soft_memory_limit", sizeText(uint64(b.softLimit)),
			"smallest_budget_held", sizeText(nonHeapReserve+minSoftLimit))
	}
	var attrs []any
	if b.budget != 0 {
		attrs = append(attrs, "memory_budget", sizeText(uint64(b.budget)), "memory_budget_bytes", b.budget)
	}
	attrs = append(attrs, "source", b.source, "soft_memory_limit", limitText(b.softLimit), "soft_memory_limit_bytes", b.softLimit,
		"gc_percent", gcPercentText(b.gcPercent), "gc_percent_source", b.gcSource)
	logger.Info("memory budget", attrs...)
}

// runtimeGCPercent is the runtime's GC percentage (gcOff when off), read
// without changing it as debug.SetGCPercent would.
func runtimeGCPercent() int {
	s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}}
	rtmetrics.Read(s)
	return int(int64(s[0].Value.Uint64())) // off reads as uint64(-1)
}

func limitText(n int64) string {
	if n == noMemoryLimit {
		return "none"
	}
	return sizeText(uint64(n))
}
