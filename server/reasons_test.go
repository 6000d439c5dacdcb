package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestReasonsDocumented: every exported Reason* constant of this package is
// in the reason column of a table in the README's Errors section, and every
// reason there is one of them, so clients can rely on both.
func TestReasonsDocumented(t *testing.T) {
	got := readmeReasons(t)
	want := reasonConstants(t)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README's Errors section and the Reason constants differ (-constants +README):\n%s", diff)
	}
}

// reasonConstants returns the values of the exported Reason* constants in
// this package's non-test files, sorted.
func reasonConstants(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, reasonValues(t, f)...)
	}
	slices.Sort(values)
	return slices.Compact(values)
}

// reasonValues returns the values of f's exported Reason* constants.
func reasonValues(t *testing.T, f *ast.File) []string {
	t.Helper()
	var values []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range spec.Names {
			if !strings.HasPrefix(name.Name, "Reason") || !name.IsExported() || i >= len(spec.Values) {
				continue
			}
			lit, ok := spec.Values[i].(*ast.BasicLit)
			if !ok {
				t.Fatalf("%s is not a string literal", name.Name)
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, v)
		}
		return true
	})
	return values
}

var backticked = regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")

// readmeReasons returns the reasons in the "reason" column of each table in
// the README's Errors section (up to the next level-2 heading), sorted.
func readmeReasons(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Errors\n")
	if !ok {
		t.Fatal("README has no ## Errors section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var reasons []string
	column := -1
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			column = -1
			continue
		}
		cells := strings.Split(line, "|")
		if column < 0 {
			column = slices.IndexFunc(cells, func(c string) bool { return strings.TrimSpace(c) == "reason" })
			continue
		}
		if column < len(cells) {
			for _, m := range backticked.FindAllStringSubmatch(cells[column], -1) {
				reasons = append(reasons, m[1])
			}
		}
	}
	if len(reasons) == 0 {
		t.Fatal("found no reason column in the README's Errors section")
	}
	slices.Sort(reasons)
	return slices.Compact(reasons)
}

// TestCodeReasons: a status made without an ErrorInfo (the REST gateway's
// routing) gets a named reason; the wire values are spelled out.
func TestCodeReasons(t *testing.T) {
	for code, want := range map[codes.Code]string{
		codes.InvalidArgument:    "INVALID_REQUEST",
		codes.NotFound:           "NOT_FOUND",
		codes.Unimplemented:      "UNIMPLEMENTED",
		codes.Internal:           "INTERNAL",
		codes.DeadlineExceeded:   "DEADLINE_EXCEEDED",
		codes.Canceled:           "CANCELED",
		codes.FailedPrecondition: "FAILED_PRECONDITION", // no constant: the code's own name
	} {
		testkit.AssertStatus(t, WithErrorInfo(status.New(code, "m")).Err(), code, want)
	}
}
