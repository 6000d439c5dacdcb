package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	demoID       = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31"
	listPageSize = 50
)

// workload is one load shape, run against each of its targets.
type workload struct {
	name        string
	op          string // get, update or list
	concurrency int
	latency     time.Duration // injected in the stand-in
	upstream    string        // the stand-in's base URL the servers call: plaintext, TLS, or TLS offering h2
	targets     []target
	// budget is the facade's whole memory budget (FACADE_MEMORY_LIMIT) for
	// the memory matrix and the death-spiral check (spiral set), 0 for the
	// other workloads.
	budget budget
	spiral bool
}

// standardWorkloads run against every standard target; their upstream
// is the plaintext stand-in unless they say otherwise.
var standardWorkloads = []workload{
	{name: "get-c1", op: "get", concurrency: 1},
	{name: "get-c50", op: "get", concurrency: 50},
	{name: "get-c500", op: "get", concurrency: 500},
	{name: "update-c50", op: "update", concurrency: 50},
	{name: "list-c50", op: "list", concurrency: 50},
	{name: "get-c50-lat20ms", op: "get", concurrency: 50, latency: 20 * time.Millisecond},
	{name: "get-c500-lat20ms", op: "get", concurrency: 500, latency: 20 * time.Millisecond},
	{name: "get-c50-tls", op: "get", concurrency: 50, upstream: standinTLSURL},
	{name: "get-c50-tls-h2", op: "get", concurrency: 50, upstream: standinH2URL},
}

// hasBudget reports whether w is of the memory matrix or the death-spiral
// check: the facade under a memory budget, not a standard workload.
func (w workload) hasBudget() bool { return w.budget > 0 }

// workloadsWhere is the workloads of ws that keep holds for, in order.
func workloadsWhere(ws []workload, keep func(workload) bool) []workload {
	var out []workload
	for _, w := range ws {
		if keep(w) {
			out = append(out, w)
		}
	}
	return out
}

func standardNames() []string {
	names := make([]string, len(standardWorkloads))
	for i, w := range standardWorkloads {
		names[i] = w.name
	}
	return names
}

// target is one way of making the call.
type target struct {
	name   string
	mode   string // loadgen -mode
	server serverKind
	// gc replaces the facade's inherited memory settings (GOGC,
	// GOMEMLIMIT, FACADE_MEMORY_LIMIT, FACADE_GC_PERCENT) when not nil (the
	// memory matrix); nil leaves the environment as it is.
	gc []string
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

var (
	direct          = target{name: tDirect, mode: "http", server: serverNone}
	facadeGRPC      = target{name: tGRPC, mode: "grpc", server: serverFacade}
	facadeREST      = target{name: tREST, mode: "http", server: serverFacade}
	vanguardGRPC    = target{name: tVanguard, mode: "grpc", server: serverVanguard}
	standardTargets = []target{direct, facadeGRPC, facadeREST, vanguardGRPC}
)

// Paths per operation: Pigello's (the floor calls the stand-in) and the
// facade's REST ones. A list asks for the first page of listPageSize.
var (
	pigelloPaths = map[string]string{
		"get":    "/accounts/users/organization/workengagement/" + demoID + "/",
		"update": "/accounts/users/organization/workengagement/" + demoID + "/",
		"list":   "/accounts/users/organization/workengagement/list/?_page=1&_page_size=" + strconv.Itoa(listPageSize),
	}
	restPaths = map[string]string{
		"get":    "/v1/workEngagements/" + demoID,
		"update": "/v1/workEngagements/" + demoID,
		"list":   "/v1/workEngagements?page_size=" + strconv.Itoa(listPageSize),
	}
)

// address is loadgen's -target for t under w.
func (w workload) address(t target) string {
	switch {
	case t.server == serverVanguard:
		return vanguardAddr
	case t.server == serverFacade && t.mode == "grpc":
		return facadeGRPCAddr
	case t.server == serverFacade:
		return "http://" + facadeHTTPAddr + restPaths[w.op]
	}
	return w.upstream + pigelloPaths[w.op]
}

// gcDefault is the GC setting that leaves GOGC unset: the facade's own
// choice under the budget.
const gcDefault = "default"

// underBudget is t with the facade's whole memory budget set to b, as a
// container's limit would (FACADE_MEMORY_LIMIT: the facade derives its Go
// soft limit from it), and, unless gc is gcDefault, GOGC set to gc (which
// the facade follows when --gc-percent is not given). facadeGC is what the
// facade says its default is, for the label ("" if unknown).
func (t target) underBudget(b budget, gc, facadeGC string) target {
	t.gc = []string{"FACADE_MEMORY_LIMIT=" + b.String()}
	switch gc {
	case gcDefault:
		t.name += ", " + defaultGCLabel(facadeGC)
	case "100":
		t.gc = append(t.gc, "GOGC=100")
		t.name += ", GOGC=100 (Go's default)"
	default:
		t.gc = append(t.gc, "GOGC="+gc)
		t.name += ", GOGC=" + gc
	}
	return t
}

// defaultGCLabel names the facade's default GC: "facade's default GC
// (off)", "(GOGC=200)" for a percentage, no parentheses when unknown.
func defaultGCLabel(facadeGC string) string {
	switch {
	case facadeGC == "":
		return "facade's default GC"
	case facadeGC == "off":
		return "facade's default GC (off)"
	}
	return "facade's default GC (GOGC=" + facadeGC + ")"
}

// memoryWorkloads is the memory matrix: for each budget, Get at 50 and
// 500 callers against the facade over gRPC and REST under each GC
// setting, all of one budget and concurrency interleaved in each round.
// facadeGC is the facade's default GC, for the labels.
func memoryWorkloads(budgets []budget, gcs []string, facadeGC string) []workload {
	var out []workload
	for _, b := range budgets {
		var ts []target
		for _, gc := range gcs {
			ts = append(ts, facadeGRPC.underBudget(b, gc, facadeGC), facadeREST.underBudget(b, gc, facadeGC))
		}
		for _, c := range []int{50, 500} {
			out = append(out, workload{name: fmt.Sprintf("get-c%d-mem%s", c, b), op: "get", concurrency: c, targets: ts, budget: b})
		}
	}
	return out
}

// spiralWorkload is the death-spiral check: Get at 500 callers, gRPC and
// REST, with the facade's default GC under a budget deliberately too small.
func spiralWorkload(b budget, facadeGC string) workload {
	return workload{name: "get-c500-spiral" + b.String(), op: "get", concurrency: 500, budget: b, spiral: true,
		targets: []target{facadeGRPC.underBudget(b, gcDefault, facadeGC), facadeREST.underBudget(b, gcDefault, facadeGC)}}
}

// allWorkloads is every workload o asks for, the standard ones first,
// with their defaults filled in.
func allWorkloads(o options) []workload {
	ws := slices.Clone(standardWorkloads)
	ws = append(ws, memoryWorkloads(o.budgets, o.gcs, o.facadeGC)...)
	if o.spiral > 0 {
		ws = append(ws, spiralWorkload(o.spiral, o.facadeGC))
	}
	for i := range ws {
		if ws[i].upstream == "" {
			ws[i].upstream = standinURL
		}
		if ws[i].targets == nil {
			ws[i].targets = standardTargets
		}
	}
	return ws
}

// selectWorkloads returns the workloads of all named in only, a comma
// list, in that order; all of them when only is empty.
func selectWorkloads(all []workload, only string) ([]workload, error) {
	if only == "" {
		return all, nil
	}
	var out []workload
	for _, name := range strings.Split(only, ",") {
		i := slices.IndexFunc(all, func(w workload) bool { return w.name == name })
		if i < 0 {
			return nil, fmt.Errorf("unknown workload %q", name)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// budget is a memory budget in bytes.
type budget int64

var budgetUnits = []struct {
	suffix string
	size   budget
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// parseBudget reads a budget as GOMEMLIMIT writes one (the facade's
// --memory-limit reads it too): a whole number of
// B, KiB, MiB, GiB or TiB ("64MiB"); a bare number is bytes.
func parseBudget(s string) (budget, error) {
	num, unit := s, budget(1)
	for _, u := range budgetUnits {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, unit = n, u.size
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || budget(n) > (1<<62)/unit {
		return 0, fmt.Errorf("memory budget %q: want a positive whole number of B, KiB, MiB, GiB or TiB, such as 64MiB", s)
	}
	return budget(n) * unit, nil
}

// String writes b in the largest unit that divides it, as the facade's
// --memory-limit (and GOMEMLIMIT) reads it.
func (b budget) String() string {
	for _, u := range budgetUnits {
		if b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}

// parseBudgets reads a comma list of budgets; "" is none.
func parseBudgets(list string) ([]budget, error) {
	var out []budget
	for _, s := range splitList(list) {
		b, err := parseBudget(s)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, b) {
			return nil, fmt.Errorf("memory budget %s given twice", b)
		}
		out = append(out, b)
	}
	return out, nil
}

// parseGCs reads a comma list of GC settings: gcDefault, off, or a GOGC
// percentage.
func parseGCs(list string) ([]string, error) {
	gcs := splitList(list)
	if len(gcs) == 0 {
		return nil, fmt.Errorf("GC settings: want at least one of %s, off or a GOGC percentage", gcDefault)
	}
	for i, gc := range gcs {
		if n, err := strconv.Atoi(gc); gc != gcDefault && gc != "off" && (err != nil || n <= 0) {
			return nil, fmt.Errorf("GC setting %q: want %s, off or a positive GOGC percentage", gc, gcDefault)
		}
		if slices.Contains(gcs[:i], gc) {
			return nil, fmt.Errorf("GC setting %s given twice", gc)
		}
	}
	return gcs, nil
}

// joinList writes bs as parseBudgets reads them.
func joinList(bs []budget) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = b.String()
	}
	return strings.Join(s, ",")
}

func splitList(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
