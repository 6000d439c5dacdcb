package app

import (
	"errors"
	"log/slog"
	"math"
	"runtime/debug"
	rtmetrics "runtime/metrics"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// The memory budget is the Go runtime's soft memory limit
// (debug.SetMemoryLimit), and the GC percentage is how the collector paces
// itself below it. Issue 12 measured the facade at 50 callers: with the GC
// off under a 56 MiB limit, 1.46–1.53× vanguard's throughput and 2.76–2.84×
// the upstream's CPU per call, against 1.09–1.29× and 3.1–3.3× with Go's
// defaults (GOGC=100, no limit); GOGC=400 under 48 MiB gave 1.27–1.48×,
// GOGC=200 1.31–1.37×. The price is memory, and the budget bounds it.
const (
	// defaultGCPercent is the GC percentage when neither --gc-percent nor
	// GOGC gives one: off, the best of the measurements above. The GC then
	// runs only as the runtime's memory nears the budget. That is no
	// weaker a bound than a percentage: once the live heap times
	// (1 + GOGC/100) passes the budget the limit paces the GC whatever
	// GOGC says, so off, 400 or 100 behave alike near the budget (Go caps
	// the GC at about half the CPU there, so a live heap at the budget
	// degrades throughput instead of stalling; it is never a hard cap:
	// under 16 MiB, below its live memory at 500 gRPC callers, the facade
	// answered every call, at about a ninth of the throughput).
	// Off only spends the memory a percentage would leave unused below the
	// budget. Without a budget (GOMEMLIMIT=off) the default is Go's 100
	// instead: off would let the heap grow without bound.
	defaultGCPercent = gcOff

	// cgroupShare is the share of the container's memory limit given to the
	// Go runtime; the rest is for memory the runtime does not count, which
	// the kernel charges to the container too: the binary's mapped pages
	// (about 21 MiB of RSS, file-backed, so the kernel can reclaim them
	// before it kills) and the kernel's socket buffers. Measured at 500
	// gRPC callers under a 56 MiB limit with the GC off: 52 MiB anonymous
	// memory, 21 MiB file-backed. Go's GC guide advises 5–10% headroom.
	cgroupShare = 0.9

	// defaultMemoryLimit is the budget where nothing sets one: no
	// --memory-limit, no GOMEMLIMIT, no cgroup limit. About what the
	// manifests' 256Mi container gives (230 MiB), and ten times the 25 MiB
	// the facade still held at 500 gRPC callers under a 16 MiB limit
	// (about its live memory there).
	defaultMemoryLimit = 256 << 20

	// minMemoryLimit is the smallest --memory-limit: below it the idle
	// facade's own live heap would keep the GC running.
	minMemoryLimit = 16 << 20
	maxGCPercent   = 100000
)

// The values of MemoryConfig that are not a size or a percentage.
const (
	autoMemoryLimit = 0  // MemoryConfig.Limit: from the environment
	autoGCPercent   = 0  // MemoryConfig.GCPercent: from GOGC, else defaultGCPercent
	gcOff           = -1 // as debug.SetGCPercent takes it
	noMemoryLimit   = math.MaxInt64
)

// Where the budget and the GC percentage came from, as the start's log line
// says them.
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
	limit       int64  // bytes; noMemoryLimit: none
	limitSource string // fromFlag, fromGOMEMLIMIT, fromCgroup or fromDefault
	cgroupLimit uint64 // the container's limit, when one was read
	cgroupErr   error  // why the container's limit could not be read
	gcPercent   int    // gcOff or a percentage
	gcSource    string // fromFlag, fromGOGC or fromDefault
}

// resolveMemoryBudget decides the budget: --memory-limit, else GOMEMLIMIT
// (which the runtime has applied), else cgroupShare of the container's
// limit (cgroupLimit), else defaultMemoryLimit. Then the GC percentage:
// --gc-percent, else GOGC (applied by the runtime), else defaultGCPercent.
// A flag and the runtime's variable for the same thing are refused
// together: the facade never overrides what the deployment set.
func resolveMemoryBudget(cfg MemoryConfig, getenv func(string) string, cgroupLimit memlimit.Provider) (memoryBudget, error) {
	var b memoryBudget
	switch {
	case cfg.Limit != autoMemoryLimit && getenv("GOMEMLIMIT") != "":
		return b, errors.New("--memory-limit (FACADE_MEMORY_LIMIT) and GOMEMLIMIT are both set: set one of them")
	case cfg.Limit != autoMemoryLimit:
		b.limit, b.limitSource = cfg.Limit, fromFlag
	case getenv("GOMEMLIMIT") != "":
		b.limit, b.limitSource = debug.SetMemoryLimit(-1), fromGOMEMLIMIT
	default:
		b.fromContainer(cgroupLimit)
	}
	switch {
	case cfg.GCPercent != autoGCPercent && getenv("GOGC") != "":
		return b, errors.New("--gc-percent (FACADE_GC_PERCENT) and GOGC are both set: set one of them")
	case cfg.GCPercent == gcOff && b.limit == noMemoryLimit:
		return b, errors.New(`--gc-percent (FACADE_GC_PERCENT) = "off" needs a memory budget, and GOMEMLIMIT=off sets none: the heap would grow without bound`)
	case cfg.GCPercent != autoGCPercent:
		b.gcPercent, b.gcSource = cfg.GCPercent, fromFlag
	case getenv("GOGC") != "":
		b.gcPercent, b.gcSource = runtimeGCPercent(), fromGOGC
	case defaultGCPercent == gcOff && b.limit == noMemoryLimit:
		b.gcPercent, b.gcSource = 100, fromDefault
	default:
		b.gcPercent, b.gcSource = defaultGCPercent, fromDefault
	}
	return b, nil
}

// fromContainer takes cgroupShare of the container's memory limit, or
// defaultMemoryLimit when there is none or it cannot be read.
func (b *memoryBudget) fromContainer(cgroupLimit memlimit.Provider) {
	b.limit, b.limitSource = defaultMemoryLimit, fromDefault
	n, err := cgroupLimit()
	switch {
	case errors.Is(err, memlimit.ErrNoLimit) || errors.Is(err, memlimit.ErrNoCgroup) || errors.Is(err, memlimit.ErrCgroupsNotSupported):
	case err != nil:
		b.cgroupErr = err
	default:
		share, _ := memlimit.ApplyRatio(memlimit.Limit(n), cgroupShare)()
		b.limit, b.limitSource, b.cgroupLimit = int64(min(share, noMemoryLimit)), fromCgroup, n
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
	limit := debug.SetMemoryLimit(b.limit)
	gc := debug.SetGCPercent(b.gcPercent)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

// log writes the start's one line about memory: the budget, where it came
// from, and the GC percentage.
func (b memoryBudget) log(logger *slog.Logger) {
	attrs := []any{"memory_limit", limitText(b.limit), "memory_limit_bytes", b.limit, "source", b.limitSource,
		"gc_percent", gcPercentText(b.gcPercent), "gc_percent_source", b.gcSource}
	if b.cgroupLimit != 0 {
		attrs = append(attrs, "cgroup_limit", sizeText(b.cgroupLimit))
	}
	if b.cgroupErr != nil {
		logger.Warn("memory budget: the container's memory limit could not be read; using the default", "error", b.cgroupErr)
	}
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
