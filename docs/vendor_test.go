package docs

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestVendoredSwaggerUI checks that the committed Swagger UI files are the
// version ui/package-lock.json pins and, where `npm ci` has been run in ui/,
// the very bytes npm installed.
func TestVendoredSwaggerUI(t *testing.T) {
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	raw, err := os.ReadFile("ui/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		t.Fatalf("decode ui/package-lock.json: %v", err)
	}
	pinned := lock.Packages["node_modules/swagger-ui-dist"].Version
	vendored, err := os.ReadFile("assets/swagger-ui/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(vendored)); got != pinned {
		t.Fatalf("assets/swagger-ui holds swagger-ui-dist %s, package-lock.json pins %s: run npm ci && npm run vendor in docs/ui", got, pinned)
	}
	entries, err := embedded.ReadDir("assets/swagger-ui")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		installed, err := os.ReadFile("ui/node_modules/swagger-ui-dist/" + e.Name())
		if os.IsNotExist(err) {
			continue // npm was not run here; the committed copy is what counts
		}
		if err != nil {
			t.Fatal(err)
		}
		if ours, _ := embedded.ReadFile("assets/swagger-ui/" + e.Name()); !bytes.Equal(ours, installed) {
			t.Errorf("assets/swagger-ui/%s differs from node_modules: run npm run vendor in docs/ui", e.Name())
		}
	}
}
