package observe

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoFacadePackage: observe knows metrics, spans and logs, not
// the facade's parts; the adapters between a part's events and observe
// live where the parts are wired together (internal/app). Its tests may use
// internal/testkit.
func TestImportsNoFacadePackage(t *testing.T) {
	const module = "github.com/pigello-facade/pigello-facade/"
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, module) && path != module+"internal/testkit" {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
