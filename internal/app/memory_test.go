package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The tests here change the runtime's memory limit and GC percentage, which
// belong to the whole process: none runs in parallel, and each puts them
// back (keepRuntimeMemory).

const mib = 1 << 20

// keepRuntimeMemory puts the runtime's memory limit and GC percentage back
// when the test ends.
func keepRuntimeMemory(t *testing.T) {
	t.Helper()
	limit, gc := debug.SetMemoryLimit(-1), gcPercentNow()
	t.Cleanup(func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	})
}

// setRuntimeMemory sets the runtime as GOMEMLIMIT and GOGC would have at
// the process's start.
func setRuntimeMemory(t *testing.T, limit int64, gc int) {
	t.Helper()
	keepRuntimeMemory(t)
	debug.SetMemoryLimit(limit)
	debug.SetGCPercent(gc)
}

// gcPercentNow reads the runtime's GC percentage with debug.SetGCPercent
// itself, independently of the code under test.
func gcPercentNow() int {
	gc := debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	return gc
}

// unread is a container that fails the test when its limit is read: a
// budget set by a flag or GOMEMLIMIT must not look at the cgroup.
func unread(t *testing.T) memlimit.Provider {
	return func() (uint64, error) {
		t.Error("the cgroup's memory limit was read")
		return 0, memlimit.ErrNoLimit
	}
}

func noCgroupLimit() (uint64, error) { return 0, memlimit.ErrNoLimit }

// TestSoftLimitFor: the soft limit is the budget less the larger of 10%
// and nonHeapReserve (32 MiB), and never below minSoftLimit (16 MiB).
func TestSoftLimitFor(t *testing.T) {
	tests := []struct {
		budget, want int64
	}{
		{16 * mib, 16 * mib},                                // the smallest --memory-limit: the floor
		{32 * mib, 16 * mib},                                // the bench's death-spiral budget: the floor
		{48 * mib, 16 * mib},                                // the smallest budget held
		{64 * mib, 32 * mib},                                // the reserve
		{256 * mib, 224 * mib},                              // the manifests' limit: the reserve
		{320 * mib, 288 * mib},                              // where 10% and the reserve meet
		{1 << 30, 1<<30 - 107374182},                        // 10%
		{math.MaxInt64, math.MaxInt64 - 922337203685477632}, // 10%, without overflow
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.budget), func(t *testing.T) {
			if got := softLimitFor(tt.budget); got != tt.want {
				t.Errorf("softLimitFor(%d) = %d, want %d", tt.budget, got, tt.want)
			}
		})
	}
}

// TestMemoryBudgetPrecedence: the budget is --memory-limit, else none
// (GOMEMLIMIT is the soft limit, as the runtime applied it), else the
// container's limit, else 256MiB, and the soft limit derives from it; the
// GC percentage --gc-percent, else GOGC, else off, or Go's 100 when
// GOMEMLIMIT=off leaves no limit.
func TestMemoryBudgetPrecedence(t *testing.T) {
	unreadable := errors.New("open /sys/fs/cgroup/memory.max: permission denied")
	tests := []struct {
		name    string
		cfg     MemoryConfig
		env     map[string]string
		runtime [2]int64 // the runtime's limit and GC percentage as GOMEMLIMIT and GOGC left them
		cgroup  memlimit.Provider
		want    memoryBudget
	}{
		{"nothing set", MemoryConfig{}, nil, [2]int64{math.MaxInt64, 100}, noCgroupLimit,
			memoryBudget{budget: 256 * mib, source: "default", softLimit: 224 * mib, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"cgroup limit", MemoryConfig{}, nil, [2]int64{math.MaxInt64, 100}, memlimit.Limit(512 * mib),
			memoryBudget{budget: 512 * mib, source: "cgroup", softLimit: 512*mib - 53687091, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"cgroup limit of 8EiB", MemoryConfig{}, nil, [2]int64{math.MaxInt64, 100}, memlimit.Limit(1 << 63),
			memoryBudget{budget: math.MaxInt64, source: "cgroup", softLimit: math.MaxInt64 - 922337203685477632, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"not in a cgroup", MemoryConfig{}, nil, [2]int64{math.MaxInt64, 100}, func() (uint64, error) { return 0, memlimit.ErrNoCgroup },
			memoryBudget{budget: 256 * mib, source: "default", softLimit: 224 * mib, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"no cgroups on this system", MemoryConfig{}, nil, [2]int64{math.MaxInt64, 100}, func() (uint64, error) { return 0, memlimit.ErrCgroupsNotSupported },
			memoryBudget{budget: 256 * mib, source: "default", softLimit: 224 * mib, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"cgroup unreadable", MemoryConfig{}, nil, [2]int64{math.MaxInt64, 100}, func() (uint64, error) { return 0, unreadable },
			memoryBudget{budget: 256 * mib, source: "default", softLimit: 224 * mib, cgroupErr: unreadable, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"GOMEMLIMIT", MemoryConfig{}, map[string]string{"GOMEMLIMIT": "300MiB"}, [2]int64{300 * mib, 100}, unread(t),
			memoryBudget{source: "GOMEMLIMIT", softLimit: 300 * mib, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"GOMEMLIMIT=off", MemoryConfig{}, map[string]string{"GOMEMLIMIT": "off"}, [2]int64{math.MaxInt64, 100}, unread(t),
			memoryBudget{source: "GOMEMLIMIT", softLimit: math.MaxInt64, gcPercent: 100, gcSource: "default"}},
		{"GOGC", MemoryConfig{}, map[string]string{"GOGC": "150"}, [2]int64{math.MaxInt64, 150}, memlimit.Limit(512 * mib),
			memoryBudget{budget: 512 * mib, source: "cgroup", softLimit: 512*mib - 53687091, gcPercent: 150, gcSource: "GOGC"}},
		{"GOGC=off", MemoryConfig{}, map[string]string{"GOGC": "off"}, [2]int64{math.MaxInt64, -1}, noCgroupLimit,
			memoryBudget{budget: 256 * mib, source: "default", softLimit: 224 * mib, gcPercent: gcOff, gcSource: "GOGC"}},
		{"flags", MemoryConfig{Limit: 100 * mib, GCPercent: 200}, nil, [2]int64{math.MaxInt64, 100}, unread(t),
			memoryBudget{budget: 100 * mib, source: "flag", softLimit: 68 * mib, gcPercent: 200, gcSource: "flag"}},
		{"budget by flag below what it can hold", MemoryConfig{Limit: 32 * mib}, nil, [2]int64{math.MaxInt64, 100}, unread(t),
			memoryBudget{budget: 32 * mib, source: "flag", softLimit: 16 * mib, gcPercent: defaultGCPercent, gcSource: "default"}},
		{"GC off by flag under GOMEMLIMIT", MemoryConfig{GCPercent: gcOff}, map[string]string{"GOMEMLIMIT": "1GiB"}, [2]int64{1 << 30, 100}, unread(t),
			memoryBudget{source: "GOMEMLIMIT", softLimit: 1 << 30, gcPercent: gcOff, gcSource: "flag"}},
		{"GC percentage by flag without a budget", MemoryConfig{GCPercent: 50}, map[string]string{"GOMEMLIMIT": "off"}, [2]int64{math.MaxInt64, 100}, unread(t),
			memoryBudget{source: "GOMEMLIMIT", softLimit: math.MaxInt64, gcPercent: 50, gcSource: "flag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setRuntimeMemory(t, tt.runtime[0], int(tt.runtime[1]))
			got, err := resolveMemoryBudget(tt.cfg, getenvOf(tt.env), tt.cgroup)
			if err != nil {
				t.Fatalf("resolveMemoryBudget returned %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(memoryBudget{}), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("budget differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSmallerLimit: the container's limit is the cgroup's, lowered to the
// machine's memory when the cgroup allows more than there is.
func TestSmallerLimit(t *testing.T) {
	failed := func() (uint64, error) { return 0, errors.New("unreadable") }
	tests := []struct {
		name           string
		cgroup, system memlimit.Provider
		want           uint64
		wantErr        error
	}{
		{"cgroup below the machine", memlimit.Limit(256 * mib), memlimit.Limit(8192 * mib), 256 * mib, nil},
		{"cgroup above the machine", memlimit.Limit(64 << 30), memlimit.Limit(16 << 30), 16 << 30, nil},
		{"machine unknown", memlimit.Limit(256 * mib), failed, 256 * mib, nil},
		{"no cgroup limit", noCgroupLimit, memlimit.Limit(16 << 30), 0, memlimit.ErrNoLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := smallerLimit(tt.cgroup, tt.system)()
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("smallerLimit() = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// budgetLine finds the start's log line about memory.
var budgetLine = regexp.MustCompile(`(?m)^.*msg="memory budget".*$`)

// tooSmall finds the start's warning that the budget cannot be held.
var tooSmallLine = regexp.MustCompile(`(?m)^.*level=WARN msg="memory budget: too small to hold.*$`)

// TestRunAppliesMemoryBudget starts the binary's whole path with each source
// of the budget and checks the soft limit the runtime then runs with (the
// budget less its headroom; GOMEMLIMIT's untouched), what the log lines
// and /metrics say, and that Run puts the runtime back when it returns.
func TestRunAppliesMemoryBudget(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		runtime  [2]int64 // as GOMEMLIMIT and GOGC left the runtime
		cgroup   memlimit.Provider
		limit    int64 // the soft limit
		gc       int
		logged   []string
		tooSmall string // the warning's attributes, when the budget cannot be held
	}{
		{"cgroup limit", nil, nil, [2]int64{math.MaxInt64, 100}, memlimit.Limit(512 * mib), 512*mib - 53687091, defaultGCPercent,
			[]string{"memory_budget=512MiB", "memory_budget_bytes=536870912", "source=cgroup", "soft_memory_limit=461MiB", "soft_memory_limit_bytes=483183821",
				"gc_percent=" + gcPercentText(defaultGCPercent), "gc_percent_source=default"}, ""},
		{"no cgroup limit", nil, nil, [2]int64{math.MaxInt64, 100}, noCgroupLimit, 224 * mib, defaultGCPercent,
			[]string{"memory_budget=256MiB", "memory_budget_bytes=268435456", "source=default", "soft_memory_limit=224MiB", "gc_percent=" + gcPercentText(defaultGCPercent)}, ""},
		{"flags", []string{"--memory-limit=1GiB", "--gc-percent=200"}, nil, [2]int64{math.MaxInt64, 100}, unread(t), 1<<30 - 107374182, 200,
			[]string{"memory_budget=1.0GiB", "source=flag", "soft_memory_limit=922MiB", "soft_memory_limit_bytes=966367642", "gc_percent=200", "gc_percent_source=flag"}, ""},
		{"variables", nil, map[string]string{"FACADE_MEMORY_LIMIT": "64MiB", "FACADE_GC_PERCENT": "400"}, [2]int64{math.MaxInt64, 100}, unread(t), 32 * mib, 400,
			[]string{"memory_budget=64MiB", "source=flag", "soft_memory_limit=32MiB", "gc_percent=400"}, ""},
		{"budget too small to hold", []string{"--memory-limit=32MiB"}, nil, [2]int64{math.MaxInt64, 100}, unread(t), 16 * mib, defaultGCPercent,
			[]string{"memory_budget=32MiB", "source=flag", "soft_memory_limit=16MiB", "gc_percent=" + gcPercentText(defaultGCPercent)},
			"memory_budget=32MiB soft_memory_limit=16MiB smallest_budget_held=48MiB"},
		{"GOMEMLIMIT and GOGC", nil, map[string]string{"GOMEMLIMIT": "300MiB", "GOGC": "150"}, [2]int64{300 * mib, 150}, memlimit.Limit(512 * mib), 300 * mib, 150,
			[]string{"source=GOMEMLIMIT", "soft_memory_limit=300MiB", "gc_percent=150", "gc_percent_source=GOGC"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setRuntimeMemory(t, tt.runtime[0], int(tt.runtime[1]))
			runInContainer := func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
				return run(ctx, args, getenv, stdout, tt.cgroup)
			}
			r := startRunWith(t, runInContainer, append(append([]string{"--emulator"}, loopbackArgs...), tt.args...), tt.env)
			if got := debug.SetMemoryLimit(-1); got != tt.limit {
				t.Errorf("the runtime's memory limit is %d, want %d", got, tt.limit)
			}
			if got := gcPercentNow(); got != tt.gc {
				t.Errorf("the runtime's GC percentage is %d, want %d", got, tt.gc)
			}
			assertBudgetLogged(t, r.out.String(), tt.logged, tt.tooSmall)
			fams, _ := (&testEnv{restURL: "http://" + r.httpAddr}).scrape(t)
			if got := fams.value(t, "go_gc_gomemlimit_bytes", nil); got != float64(tt.limit) {
				t.Errorf("/metrics go_gc_gomemlimit_bytes = %v, want %d", got, tt.limit)
			}
			if err := r.stop(); err != nil {
				t.Fatalf("Run returned %v, want nil", err)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.runtime[0] {
				t.Errorf("after Run, the memory limit is %d, want %d back", got, tt.runtime[0])
			}
			if got := gcPercentNow(); got != int(tt.runtime[1]) {
				t.Errorf("after Run, the GC percentage is %d, want %d back", got, tt.runtime[1])
			}
		})
	}
}

// assertBudgetLogged checks the start's memory line holds each of logged,
// and that the warning of a budget too small to hold is there with
// tooSmall's attributes when tooSmall is not empty, and absent otherwise.
// Under GOMEMLIMIT (no budget) the line names none.
func assertBudgetLogged(t *testing.T, out string, logged []string, tooSmall string) {
	t.Helper()
	line := budgetLine.FindString(out)
	for _, want := range logged {
		if !strings.Contains(line, " "+want) {
			t.Errorf("the memory budget's log line lacks %s:\n%s", want, out)
		}
	}
	if slices.Contains(logged, "source=GOMEMLIMIT") && strings.Contains(line, "memory_budget=") {
		t.Errorf("under GOMEMLIMIT the log line names a budget:\n%s", line)
	}
	warning := tooSmallLine.FindString(out)
	switch {
	case tooSmall == "" && warning != "":
		t.Errorf("a budget that can be held was warned about:\n%s", warning)
	case tooSmall != "" && !strings.Contains(warning, " "+tooSmall):
		t.Errorf("no warning with %s that the budget cannot be held:\n%s", tooSmall, out)
	}
}

// TestRunRefusesMemoryValues: a flag set together with the Go runtime's
// variable for the same thing stops the start with one line, before the
// runtime is touched. (Values out of range are in refusals, config_test.go.)
func TestRunRefusesMemoryValues(t *testing.T) {
	both := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"--memory-limit and GOMEMLIMIT", []string{"--memory-limit=100MiB"}, map[string]string{"GOMEMLIMIT": "200MiB"},
			"--memory-limit (FACADE_MEMORY_LIMIT) and GOMEMLIMIT are both set: set one of them"},
		{"FACADE_MEMORY_LIMIT and GOMEMLIMIT", nil, map[string]string{"FACADE_MEMORY_LIMIT": "100MiB", "GOMEMLIMIT": "200MiB"},
			"--memory-limit (FACADE_MEMORY_LIMIT) and GOMEMLIMIT are both set: set one of them"},
		{"--gc-percent and GOGC", []string{"--gc-percent=off"}, map[string]string{"GOGC": "200"},
			"--gc-percent (FACADE_GC_PERCENT) and GOGC are both set: set one of them"},
		{"GC off without a budget", []string{"--gc-percent=off"}, map[string]string{"GOMEMLIMIT": "off"},
			`--gc-percent (FACADE_GC_PERCENT) = "off" needs a memory budget, and GOMEMLIMIT=off sets none: the heap would grow without bound`},
	}
	for _, tt := range both {
		t.Run(tt.name, func(t *testing.T) {
			keepRuntimeMemory(t)
			limit, gc := debug.SetMemoryLimit(-1), gcPercentNow()
			assertRefused(t, tt.args, tt.env, tt.want)
			if debug.SetMemoryLimit(-1) != limit || gcPercentNow() != gc {
				t.Errorf("a refused start changed the runtime's memory limit or GC percentage")
			}
		})
	}
}

// TestMemoryFlagsAccept: the sizes and percentages the docs name.
func TestMemoryFlagsAccept(t *testing.T) {
	tests := []struct {
		args []string
		want MemoryConfig
	}{
		{nil, MemoryConfig{Limit: autoMemoryLimit, GCPercent: autoGCPercent}},
		{[]string{"--memory-limit=auto", "--gc-percent=auto"}, MemoryConfig{Limit: autoMemoryLimit, GCPercent: autoGCPercent}},
		{[]string{"--memory-limit=16MiB", "--gc-percent=1"}, MemoryConfig{Limit: 16 * mib, GCPercent: 1}},
		{[]string{"--memory-limit=200MiB", "--gc-percent=off"}, MemoryConfig{Limit: 200 * mib, GCPercent: gcOff}},
		{[]string{"--memory-limit=256Mi", "--gc-percent=100000"}, MemoryConfig{Limit: 256 * mib, GCPercent: 100000}},
		{[]string{"--memory-limit=1.5GiB"}, MemoryConfig{Limit: 1536 * mib}},
		{[]string{"--memory-limit=100MB"}, MemoryConfig{Limit: 100_000_000}},
		{[]string{"--memory-limit=67108864"}, MemoryConfig{Limit: 64 * mib}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cfg, err := parseConfig(tt.args, getenvOf(validEnv(nil)), io.Discard)
			if err != nil {
				t.Fatalf("parseConfig returned %v, want nil", err)
			}
			if cfg.Memory != tt.want {
				t.Errorf("Config.Memory = %+v, want %+v", cfg.Memory, tt.want)
			}
		})
	}
}
