package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseBudget(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    budget
		wantErr bool
	}{
		{"64MiB", 64 << 20, false},
		{"256MiB", 256 << 20, false},
		{"1GiB", 1 << 30, false},
		{"512KiB", 512 << 10, false},
		{"1048576", 1 << 20, false},
		{"100B", 100, false},
		{"0MiB", 0, true},
		{"-1MiB", 0, true},
		{"64MB", 0, true},
		{"64 MiB", 0, true},
		{"1.5GiB", 0, true},
		{"MiB", 0, true},
		{"99999999999TiB", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseBudget(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseBudget(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestBudgetStringIsWhatGOMEMLIMITReads(t *testing.T) {
	for _, tc := range []struct {
		b    budget
		want string
	}{
		{64 << 20, "64MiB"},
		{1 << 30, "1GiB"},
		{1536 << 20, "1536MiB"},
		{1000, "1000B"},
	} {
		if got := tc.b.String(); got != tc.want {
			t.Errorf("budget(%d).String() = %q, want %q", tc.b, got, tc.want)
		}
		if back, err := parseBudget(tc.b.String()); err != nil || back != tc.b {
			t.Errorf("parseBudget(%q) = %d, %v; want %d", tc.b.String(), back, err, tc.b)
		}
	}
}

func TestParseLists(t *testing.T) {
	for _, tc := range []struct {
		name    string
		parse   func() (any, error)
		want    any
		wantErr string
	}{
		{"budgets", func() (any, error) { return parseBudgets("64MiB, 256MiB") }, []budget{64 << 20, 256 << 20}, ""},
		{"no budgets", func() (any, error) { return parseBudgets("") }, []budget(nil), ""},
		{"budget twice", func() (any, error) { return parseBudgets("64MiB,67108864") }, []budget(nil), "given twice"},
		{"bad budget", func() (any, error) { return parseBudgets("64MiB,lots") }, []budget(nil), `"lots"`},
		{"GC settings", func() (any, error) { return parseGCs("default,100,400,off") }, []string{"default", "100", "400", "off"}, ""},
		{"no GC setting", func() (any, error) { return parseGCs(" ") }, []string(nil), "at least one"},
		{"GC setting twice", func() (any, error) { return parseGCs("100,100") }, []string(nil), "given twice"},
		{"negative GOGC", func() (any, error) { return parseGCs("-1") }, []string(nil), `"-1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.parse()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parsed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMemoryMatrix checks the facade's environment in each cell: the
// budget as FACADE_MEMORY_LIMIT (the whole memory, as a container's
// limit), GOGC left unset for the facade's default and set for the others,
// any list of GC settings in its order, rows labelled with what the
// facade's default is, and every cell of one budget and concurrency in one
// workload, so its variants are interleaved.
func TestMemoryMatrix(t *testing.T) {
	gcs, err := parseGCs("default,100,200,400,off")
	if err != nil {
		t.Fatal(err)
	}
	ws := memoryWorkloads([]budget{64 << 20, 256 << 20}, gcs, "off")
	type cell struct {
		Workload, Target string
		Concurrency      int
		GC               []string
	}
	var got []cell
	for _, w := range ws {
		for _, tg := range w.targets {
			got = append(got, cell{w.name, tg.name, w.concurrency, tg.gc})
		}
	}
	var want []cell
	for _, b := range []string{"64MiB", "256MiB"} {
		for _, c := range []int{50, 500} {
			name := "get-c" + strconv.Itoa(c) + "-mem" + b
			budget := "FACADE_MEMORY_LIMIT=" + b
			for _, v := range []struct{ label, gogc string }{
				{"facade's default GC (off)", ""}, {"GOGC=100 (Go's default)", "GOGC=100"},
				{"GOGC=200", "GOGC=200"}, {"GOGC=400", "GOGC=400"}, {"GOGC=off", "GOGC=off"},
			} {
				env := []string{budget}
				if v.gogc != "" {
					env = append(env, v.gogc)
				}
				want = append(want, cell{name, "facade gRPC, " + v.label, c, env}, cell{name, "facade REST, " + v.label, c, env})
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("memory matrix (-want +got):\n%s", diff)
	}
}

func TestDefaultGCLabel(t *testing.T) {
	for in, want := range map[string]string{
		"off": "facade's default GC (off)",
		"200": "facade's default GC (GOGC=200)",
		"":    "facade's default GC",
	} {
		if got := defaultGCLabel(in); got != want {
			t.Errorf("defaultGCLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDefaultGCFromTheFacadesHelp reads the default from the --gc-percent
// line of the facade's -h, as the binary writes it.
func TestDefaultGCFromTheFacadesHelp(t *testing.T) {
	for help, want := range map[string]string{
		"  -gc-percent percent\n    \tallowed: auto (GOGC when set, else off), off, or 1 to 100000 (default auto)\n": "off",
		"    \tallowed: auto (GOGC when set, else 200), off, or 1 to 100000 (default auto)\n":                        "200",
		"    \tallowed: auto, off, or 1 to 100000\n":                                                                 "",
	} {
		if got := defaultGCIn([]byte(help)); got != want {
			t.Errorf("default GC read from %q = %q, want %q", help, got, want)
		}
	}
	// The README's flag table, which internal/app's TestREADMEFlagTables
	// keeps equal to the binary's -h, says it the same way.
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if defaultGCHelp.Find(readme) == nil {
		t.Errorf("the README's --gc-percent row no longer says its default as %s: update defaultGCHelp", defaultGCHelp)
	}
}

func TestWithGCReplacesTheInheritedSettings(t *testing.T) {
	inherited := []string{"PATH=/bin", "GOGC=off", "GOMEMLIMIT=1GiB", "FACADE_MEMORY_LIMIT=2GiB", "FACADE_GC_PERCENT=50", "GOGCX=1"}
	for _, tc := range []struct {
		name string
		gc   []string
		want []string
	}{
		{"not in the matrix: inherited", nil, inherited},
		{"facade's default: GOGC unset", []string{"FACADE_MEMORY_LIMIT=64MiB"}, []string{"PATH=/bin", "GOGCX=1", "FACADE_MEMORY_LIMIT=64MiB"}},
		{"Go's default", []string{"FACADE_MEMORY_LIMIT=64MiB", "GOGC=100"}, []string{"PATH=/bin", "GOGCX=1", "FACADE_MEMORY_LIMIT=64MiB", "GOGC=100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, withGC(inherited, tc.gc)); diff != "" {
				t.Errorf("withGC (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectWorkloads(t *testing.T) {
	all := allWorkloads(options{budgets: []budget{64 << 20}, gcs: []string{gcDefault}, spiral: 32 << 20})
	for _, tc := range []struct {
		only    string
		want    []string
		wantErr bool
	}{
		{"list-c50,get-c50-tls-h2", []string{"list-c50", "get-c50-tls-h2"}, false},
		{"get-c500-mem64MiB,get-c500-spiral32MiB", []string{"get-c500-mem64MiB", "get-c500-spiral32MiB"}, false},
		{"get-c500-mem256MiB", nil, true},
		{"get-c2", nil, true},
	} {
		t.Run(tc.only, func(t *testing.T) {
			ws, err := selectWorkloads(all, tc.only)
			if (err != nil) != tc.wantErr {
				t.Fatalf("selectWorkloads(%q) error %v, want error %v", tc.only, err, tc.wantErr)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("selected (-want +got):\n%s", diff)
			}
		})
	}
	if n := len(all) - len(standardWorkloads); n != 3 {
		t.Errorf("one budget and the spiral added %d workloads, want 3 (c50, c500, spiral)", n)
	}
}

// TestAddresses checks what loadgen calls for each target: the stand-in
// of the workload's upstream for the floor, the facade's REST path, and
// the list's page size in both.
func TestAddresses(t *testing.T) {
	ws, err := selectWorkloads(allWorkloads(options{}), "get-c50,list-c50,get-c50-tls,get-c50-tls-h2")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, w := range ws {
		got[w.name] = map[string]string{}
		for _, tg := range w.targets {
			got[w.name][tg.name] = w.address(tg)
		}
	}
	get := func(base string) map[string]string {
		return map[string]string{
			tDirect:   base + "/accounts/users/organization/workengagement/" + demoID + "/",
			tGRPC:     facadeGRPCAddr,
			tREST:     "http://" + facadeHTTPAddr + "/v1/workEngagements/" + demoID,
			tVanguard: vanguardAddr,
		}
	}
	want := map[string]map[string]string{
		"get-c50": get("http://127.0.0.1:18700"),
		"list-c50": {
			tDirect:   "http://127.0.0.1:18700/accounts/users/organization/workengagement/list/?_page=1&_page_size=50",
			tGRPC:     facadeGRPCAddr,
			tREST:     "http://" + facadeHTTPAddr + "/v1/workEngagements?page_size=50",
			tVanguard: vanguardAddr,
		},
		"get-c50-tls":    get("https://127.0.0.1:18701"),
		"get-c50-tls-h2": get("https://127.0.0.1:18702"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loadgen targets (-want +got):\n%s", diff)
	}
}
