package schema

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxFilesPerField is how many of the service's Go files may spell one
// field of the contract. Issue 10 allows two (say, a Pigello-side type and
// its mapping); none is needed, since everything about a field follows
// from the contract. Raise it only for a fact the contract cannot hold.
const maxFilesPerField = 0

// notTheService lists what may spell fields: the generated code, the
// emulator (written from Pigello's documentation on purpose, so that it
// cannot share a misreading with the client), the demo banner's example
// commands, the benchmark module's canned answers, and internal/testkit,
// the tests' own support package. Tests may too.
var notTheService = []string{"gen", "emulator", "cmd/pigello-emulator", "internal/app/demo.go", "bench", "internal/testkit"}

// TestFieldNamesLiveInTheContract fails when a field of the contract's
// resource is spelled in the code of the service: in a name or a string, in any of its
// spellings (color_code, colorCode, ColorCode, GetColorCode). Comments do
// not count. Fields named by one word (id, name, tags) are left out: the
// word is everywhere.
func TestFieldNamesLiveInTheContract(t *testing.T) {
	names := map[string]string{}
	multiWordFields((*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor(), names)
	root := filepath.Join("..", "..")
	found := map[string][]string{} // field → files spelling it
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case rel == ".":
			return nil
		case slices.Contains(notTheService, filepath.ToSlash(rel)), d.IsDir() && strings.HasPrefix(d.Name(), "."),
			d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata"):
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case d.IsDir(), !strings.HasSuffix(path, ".go"), strings.HasSuffix(path, "_test.go"):
			return nil
		}
		files++
		for _, field := range spelled(t, path, names) {
			found[field] = append(found[field], filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 || len(names) == 0 {
		t.Fatalf("%d files, %d fields of two words or more: the test checks nothing", files, len(names))
	}
	for field, files := range found {
		if len(files) > maxFilesPerField {
			t.Errorf("%s is spelled in %d files of the service, at most %d allowed: %s", field, len(files), maxFilesPerField, strings.Join(files, ", "))
		}
	}
}

// multiWordFields adds to names the fields of the resource md, and of the
// contract's messages it holds, whose names have two words or more, keyed
// by their name folded as fold folds. (The fields of requests are the
// handlers' to read.)
func multiWordFields(md protoreflect.MessageDescriptor, names map[string]string) {
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if name := string(fd.Name()); strings.Contains(name, "_") {
			names[fold(name)] = name
		}
		if isPlainMessage(fd) && fd.Message() != md {
			multiWordFields(fd.Message(), names)
		}
	}
}

// fold makes every spelling of a name alike: lower case, no underscores.
func fold(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "") }

// spelled lists the fields whose names appear in a name or a string of
// the Go file at path.
func spelled(t *testing.T, path string, names map[string]string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s scanner.Scanner
	file := token.NewFileSet().AddFile(path, -1, len(src))
	s.Init(file, src, nil, 0) // comments are skipped
	var fields []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return fields
		}
		if tok != token.IDENT && tok != token.STRING {
			continue
		}
		for folded, name := range names {
			if strings.Contains(fold(lit), folded) && !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
		}
	}
}
