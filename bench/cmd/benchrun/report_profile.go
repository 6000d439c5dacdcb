package main

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// facadeModule is the facade's module path, left out of the function names
// the report shows.
const facadeModule = "github.com/pigello-facade/pigello-facade/"

// profilePart is a row of the profile's table of parts: the samples whose
// stack holds a function whose name starts with one of match, and none
// whose name starts with one of except. Its share is cumulative: the part's
// own work and everything it calls.
type profilePart struct {
	name          string
	match, except []string
}

// interceptorChain is grpc-go's function that runs the facade's chain of
// unary interceptors, and the RPC method at its end.
const interceptorChain = "google.golang.org/grpc.NewServer.chainUnaryServerInterceptors"

// profileParts are the parts issue 5 and issue 12 name, in the functions
// of a Get over gRPC. They overlap: a sample is in every part it matches.
var profileParts = []profilePart{
	{name: "the RPC method, whole: the call to Pigello, decoding, conversion",
		match: []string{facadeModule + "server.(*Server).GetWorkEngagement"}},
	{name: "net/http client to Pigello (readLoop and writeLoop are goroutines of their own)",
		match: []string{"net/http.(*Transport).", "net/http.(*persistConn)."}},
	{name: "decoding Pigello's JSON straight into the proto (internal/schema, under upstream.decode)",
		match: []string{facadeModule + "upstream.decode"}},
	{name: "grpc-go, outside the interceptor chain (reading the request, sending the answer, HTTP/2)",
		match:  []string{"google.golang.org/grpc.", "google.golang.org/grpc/"},
		except: []string{interceptorChain}},
	{name: "… of which grpc-go's HTTP/2 transport",
		match: []string{"google.golang.org/grpc/internal/transport."}},
	{name: "… of which encoding the answer (protobuf)",
		match: []string{"google.golang.org/grpc/encoding/proto.(*codecV2).Marshal"}},
	{name: "… of which reading the request",
		match: []string{"google.golang.org/grpc.(*serverStream).RecvMsg"}},
	{name: "the interceptors (the facade's and grpc-go's chaining), outside the RPC method",
		match:  []string{interceptorChain},
		except: []string{facadeModule + "server.(*Server)."}},
	{name: "request validation (protovalidate)",
		match: []string{"buf.build/go/protovalidate."}},
	{name: "the per-call log line (log/slog and its writes, batched by --log-flush-interval)",
		match: []string{"log/slog.", "go.uber.org/zap/zapcore."}},
	{name: "goroutine stacks growing (a call deeper than its goroutine's stack so far)",
		match: []string{"runtime.newstack"}},
	{name: "garbage collection: background workers and assists",
		match: []string{"runtime.gcBgMarkWorker", "runtime.gcAssistAlloc", "runtime.bgsweep", "runtime.bgscavenge"}},
	{name: "memory allocation (includes its GC assists)",
		match: []string{"runtime.mallocgc"}},
	{name: "syscalls: reads, writes, epoll (inside the rows above)",
		match: []string{"syscall.", "internal/runtime/syscall/"}},
}

// profileTop is how many functions the table of functions shows.
const profileTop = 25

// sampleValue is the index of the value the report counts: the last, as
// go tool pprof does (CPU time in a CPU profile).
func sampleValue(p *profile.Profile) int { return len(p.SampleType) - 1 }

// stackFunctions returns the distinct names of the functions in s's stack,
// inlined ones included, leaf first.
func stackFunctions(s *profile.Sample) []string {
	var names []string
	for _, loc := range s.Location {
		for _, line := range loc.Line {
			if line.Function != nil && !slices.Contains(names, line.Function.Name) {
				names = append(names, line.Function.Name)
			}
		}
	}
	return names
}

// leafFunction is the name of the function s's sample was taken in: the
// innermost of the first location's inlined lines.
func leafFunction(s *profile.Sample) string {
	if len(s.Location) == 0 || len(s.Location[0].Line) == 0 || s.Location[0].Line[0].Function == nil {
		return ""
	}
	return s.Location[0].Line[0].Function.Name
}

func startsWithAny(name string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(name, p) })
}

// holds reports whether a stack of the functions funcs is in the part.
func (pp profilePart) holds(funcs []string) bool {
	in := slices.ContainsFunc(funcs, func(f string) bool { return startsWithAny(f, pp.match) })
	return in && !slices.ContainsFunc(funcs, func(f string) bool { return startsWithAny(f, pp.except) })
}

// unmatched returns the prefixes of the part's match that start the name of
// no function in p: after a rename in the facade or a library, a row would
// otherwise read 0% as if that part cost nothing.
func (pp profilePart) unmatched(p *profile.Profile) []string {
	var out []string
	for _, prefix := range pp.match {
		if !slices.ContainsFunc(p.Function, func(f *profile.Function) bool { return strings.HasPrefix(f.Name, prefix) }) {
			out = append(out, prefix)
		}
	}
	return out
}

// profileTotals returns the total of p's samples and each part's.
func profileTotals(p *profile.Profile, parts []profilePart) (total int64, byPart []int64) {
	i := sampleValue(p)
	byPart = make([]int64, len(parts))
	for _, s := range p.Sample {
		total += s.Value[i]
		funcs := stackFunctions(s)
		for j, part := range parts {
			if part.holds(funcs) {
				byPart[j] += s.Value[i]
			}
		}
	}
	return total, byPart
}

// funcCost is one function's flat (its own) and cumulative (with its
// callees) value.
type funcCost struct {
	name      string
	flat, cum int64
}

// topFunctions returns the n functions of p with the largest cumulative
// value, as go tool pprof -top -cum ranks them.
func topFunctions(p *profile.Profile, n int) []funcCost {
	i := sampleValue(p)
	costs := map[string]*funcCost{}
	cost := func(name string) *funcCost {
		if costs[name] == nil {
			costs[name] = &funcCost{name: name}
		}
		return costs[name]
	}
	for _, s := range p.Sample {
		for _, f := range stackFunctions(s) {
			cost(f).cum += s.Value[i]
		}
		if leaf := leafFunction(s); leaf != "" {
			cost(leaf).flat += s.Value[i]
		}
	}
	var out []funcCost
	for _, c := range costs {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b funcCost) int {
		return cmp.Or(cmp.Compare(b.cum, a.cum), cmp.Compare(b.flat, a.flat), strings.Compare(a.name, b.name))
	})
	return out[:min(n, len(out))]
}

// shortName is a function's name without the facade's module path.
func shortName(name string) string { return strings.TrimPrefix(name, facadeModule) }

func seconds(ns int64) string { return fmt.Sprintf("%.2fs", time.Duration(ns).Seconds()) }

func percent(part, total int64) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(total))
}

// codeList writes names as code spans, without the facade's module path.
func codeList(names []string) string {
	spans := make([]string, len(names))
	for i, n := range names {
		spans[i] = "`" + shortName(n) + "`"
	}
	return strings.Join(spans, ", ")
}

// renderProfile is the section of latest.md on the facade's CPU profile:
// the run, the table of parts and the top functions.
func renderProfile(run *profileRun) string {
	p := run.parsed
	total, byPart := profileTotals(p, profileParts)
	var b strings.Builder
	b.WriteString(sectionHead("profile"))
	dur := time.Duration(p.DurationNanos)
	fmt.Fprintf(&b, "Profile of %s of a fresh facade (%s, %s: %d callers), in a run of its own after the measured ones (loadgen: %.0f calls/s, %d errors); raw: `%s.pprof`. "+
		"Samples: %s of CPU in %s (%s of one CPU).\n\n",
		dur.Round(time.Millisecond), run.target.name, run.workload.name, run.workload.concurrency, run.load.RPS, run.load.Errors, profileName,
		seconds(total), dur.Round(time.Millisecond), percent(total, p.DurationNanos))
	b.WriteString("| part | share | CPU | stacks through a function starting with | and none starting with |\n|---|---:|---:|---|---|\n")
	for j, part := range profileParts {
		name := part.name
		if missing := part.unmatched(p); len(missing) > 0 {
			name += " (no function of this profile starts with " + codeList(missing) + ": renamed?)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, percent(byPart[j], total), seconds(byPart[j]), codeList(part.match), codeList(part.except))
	}
	fmt.Fprintf(&b, "\nThe %d functions with the largest cumulative share (`go tool pprof -top -cum`):\n\n", profileTop)
	b.WriteString("| flat | flat % | cum | cum % | function |\n|---:|---:|---:|---:|---|\n")
	for _, c := range topFunctions(p, profileTop) {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` |\n", seconds(c.flat), percent(c.flat, total), seconds(c.cum), percent(c.cum, total), shortName(c.name))
	}
	b.WriteString("\n")
	return b.String()
}

// profileDocument is the profile's own report, written next to its raw
// file: what was profiled and when, how to read the raw profile, then
// section, the profile's section of latest.md.
func profileDocument(run *profileRun, o options, section string) string {
	raw := filepath.Join(o.out, profileName+".pprof")
	if !filepath.IsAbs(raw) {
		raw = filepath.Join("bench", raw) // as seen from the repository's root
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# The facade's CPU profile: %s, %s (%d callers)\n\n", run.target.name, run.workload.name, run.workload.concurrency)
	fmt.Fprintf(&b, "Taken by `make bench` (bench/cmd/benchrun, `-profile %s`) at %s, facade commit %s (when the run started). "+
		"Read the raw profile from the repository's root with `go tool pprof -top -cum bin/pigello-facade %s` (bin/pigello-facade built from that commit; add `-trim_path="+strings.TrimSuffix(facadeModule, "/")+" -list FUNC` for the source lines of the facade's functions).\n\n",
		o.profile, time.Unix(0, run.parsed.TimeNanos).UTC().Format(time.RFC3339), o.commit, raw)
	b.WriteString(section)
	return b.String()
}
