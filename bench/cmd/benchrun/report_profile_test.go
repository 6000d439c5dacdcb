package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"
)

// stackSample is one sample of a synthetic CPU profile: its CPU time and
// its stack, leaf first, each location's functions innermost first (more
// than one where the compiler inlined).
type stackSample struct {
	cpu   time.Duration
	stack [][]string
}

// newCPUProfile builds a profile as the facade's /debug/pprof/profile
// serves one: two values per sample, a count and the CPU time (the one
// the report counts), every function and location shared between samples.
func newCPUProfile(t *testing.T, samples []stackSample) *profile.Profile {
	t.Helper()
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		DurationNanos: int64(time.Second),
	}
	funcs := map[string]*profile.Function{}
	function := func(name string) *profile.Function {
		if funcs[name] == nil {
			funcs[name] = &profile.Function{ID: uint64(len(funcs) + 1), Name: name}
			p.Function = append(p.Function, funcs[name])
		}
		return funcs[name]
	}
	for _, s := range samples {
		sample := &profile.Sample{Value: []int64{1, int64(s.cpu)}}
		for _, names := range s.stack {
			loc := &profile.Location{ID: uint64(len(p.Location) + 1)}
			for _, n := range names {
				loc.Line = append(loc.Line, profile.Line{Function: function(n)})
			}
			p.Location = append(p.Location, loc)
			sample.Location = append(sample.Location, loc)
		}
		p.Sample = append(p.Sample, sample)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatalf("synthetic profile: %v", err)
	}
	return p
}

// Functions of the synthetic profile, as a Get over gRPC names them.
const (
	fnHandleStream = "google.golang.org/grpc.(*Server).handleStream"
	fnChain        = interceptorChain + ".chainUnaryInterceptors.func1"
	fnMethod       = facadeModule + "server.(*Server).GetWorkEngagement"
	fnDecode       = facadeModule + "upstream.decode"
	fnReadLoop     = "net/http.(*persistConn).readLoop"
	fnSyscall      = "syscall.Syscall"
	fnMalloc       = "runtime.mallocgc"
	fnGCWorker     = "runtime.gcBgMarkWorker"
	fnLoopy        = "google.golang.org/grpc/internal/transport.(*loopyWriter).run"
	fnWrite        = "google.golang.org/grpc/internal/transport.(*bufWriter).Write"
)

// setupProfile is a profile of 100ms of CPU: a read by net/http's
// readLoop (30), an allocation in upstream.decode inlined into the RPC
// method (20), the interceptor chain's own work (10), grpc-go's loopyWriter
// writing through a recursion (25) and a GC worker (15).
func setupProfile(t *testing.T) *profile.Profile {
	t.Helper()
	ms := time.Millisecond
	return newCPUProfile(t, []stackSample{
		{30 * ms, [][]string{{fnSyscall}, {fnReadLoop}}},
		{20 * ms, [][]string{{fnMalloc}, {fnDecode, fnMethod}, {fnChain}, {fnHandleStream}}},
		{10 * ms, [][]string{{fnChain}, {fnHandleStream}}},
		{25 * ms, [][]string{{fnWrite}, {fnLoopy}, {fnWrite}}},
		{15 * ms, [][]string{{fnGCWorker}}},
	})
}

func TestProfileTotalsGroupSamplesIntoParts(t *testing.T) {
	total, byPart := profileTotals(setupProfile(t), profileParts)
	if want := int64(100 * time.Millisecond); total != want {
		t.Errorf("total = %v, want %v", time.Duration(total), time.Duration(want))
	}
	got := map[string]time.Duration{}
	for i, part := range profileParts {
		got[part.name] = time.Duration(byPart[i])
	}
	ms := time.Millisecond
	want := map[string]time.Duration{
		"the RPC method, whole: the call to Pigello, decoding, conversion":                         20 * ms,
		"net/http client to Pigello (readLoop and writeLoop are goroutines of their own)":          30 * ms,
		"decoding Pigello's JSON straight into the proto (internal/schema, under upstream.decode)": 20 * ms, // inlined into the method
		"grpc-go, outside the interceptor chain (reading the request, sending the answer, HTTP/2)": 25 * ms, // not the samples under the chain
		"… of which grpc-go's HTTP/2 transport":                                                    25 * ms, // the recursion counted once
		"… of which encoding the answer (protobuf)":                                                0,
		"… of which reading the request":                                                           0,
		"the interceptors (the facade's and grpc-go's chaining), outside the RPC method":           10 * ms,
		"request validation (protovalidate)":                                                       0,
		"the per-call log line (log/slog and its writes, batched by --log-flush-interval)":         0,
		"goroutine stacks growing (a call deeper than its goroutine's stack so far)":               0,
		"garbage collection: background workers and assists":                                       15 * ms,
		"memory allocation (includes its GC assists)":                                              20 * ms,
		"syscalls: reads, writes, epoll (inside the rows above)":                                   30 * ms,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CPU by part (-want +got):\n%s", diff)
	}
}

func TestTopFunctionsRankByCumulativeThenFlat(t *testing.T) {
	ms := int64(time.Millisecond)
	want := []funcCost{
		{fnSyscall, 30 * ms, 30 * ms},
		{fnChain, 10 * ms, 30 * ms},
		{fnHandleStream, 0, 30 * ms},
		{fnReadLoop, 0, 30 * ms},
		{fnWrite, 25 * ms, 25 * ms}, // twice in its stack, counted once
		{fnLoopy, 0, 25 * ms},
		{fnMalloc, 20 * ms, 20 * ms},
	}
	got := topFunctions(setupProfile(t), len(want))
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(funcCost{})); diff != "" {
		t.Errorf("top functions (-want +got):\n%s", diff)
	}
}

func TestRenderProfileWritesSharesOfTheTotal(t *testing.T) {
	run := &profileRun{workload: workload{name: profileWorkload, concurrency: 50}, target: facadeGRPC,
		parsed: setupProfile(t), load: loadReport{RPS: 1234}}
	md := renderProfile(run)
	for _, line := range []string{
		sectionHead("profile"),
		"Samples: 0.10s of CPU in 1s (10.0% of one CPU).",
		"| net/http client to Pigello (readLoop and writeLoop are goroutines of their own) (no function of this profile starts with `net/http.(*Transport).`: renamed?) | 30.0% | 0.03s |",
		"| request validation (protovalidate) (no function of this profile starts with `buf.build/go/protovalidate.`: renamed?) | 0.0% | 0.00s |",
		"| the RPC method, whole: the call to Pigello, decoding, conversion | 20.0% |", // every prefix matched: no flag
		"| the interceptors (the facade's and grpc-go's chaining), outside the RPC method | 10.0% | 0.01s | `" + interceptorChain + "` | `server.(*Server).` |",
		"| 0.00s | 0.0% | 0.02s | 20.0% | `upstream.decode` |", // without the facade's module path
	} {
		if !strings.Contains(md, line) {
			t.Errorf("renderProfile lacks %q; got:\n%s", line, md)
		}
	}
}

func TestProfileDocumentSaysWhatAndHowToRead(t *testing.T) {
	run := &profileRun{workload: workload{name: profileWorkload, concurrency: 50}, target: facadeGRPC, parsed: setupProfile(t)}
	for _, tc := range []struct {
		out, raw string
	}{
		{"results", "bench/results/profile-get-c50-grpc.pprof"}, // make bench's, from the repository's root
		{"/tmp/run", "/tmp/run/profile-get-c50-grpc.pprof"},
	} {
		doc := profileDocument(run, options{out: tc.out, commit: "abc1234", profile: 10 * time.Second}, "SECTION\n")
		for _, want := range []string{"facade commit abc1234", "`-profile 10s`", "`go tool pprof -top -cum bin/pigello-facade " + tc.raw + "`"} {
			if !strings.Contains(doc, want) {
				t.Errorf("profileDocument with -out %s lacks %q; got:\n%s", tc.out, want, doc)
			}
		}
		if !strings.HasSuffix(doc, "\n\nSECTION\n") {
			t.Errorf("profileDocument does not end with the section; got:\n%s", doc)
		}
	}
}
