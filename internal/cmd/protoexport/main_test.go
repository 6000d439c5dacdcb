package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// The tree is complete for a client: every file the contract imports that
// a protobuf toolchain does not ship, and the google/rpc and health files
// a client needs to read errors and check health, each written with its
// own imports.
func TestRunWritesWhatClientsNeed(t *testing.T) {
	dir := t.TempDir()
	if err := export(dir); err != nil {
		t.Fatalf("run returned %v", err)
	}
	want := []string{
		"google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto",
		"grpc/health/v1/health.proto",
	}
	imports := accountsv1.File_pigello_accounts_v1_work_engagement_proto.Imports()
	for i := range imports.Len() {
		// The contract's own files (pigello/) live in proto/, not here.
		if path := imports.Get(i).Path(); !strings.HasPrefix(path, "google/protobuf/") && !strings.HasPrefix(path, "pigello/") {
			want = append(want, path)
		}
	}
	for _, path := range want {
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Errorf("%s not written: %v", path, err)
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			imp, ok := strings.CutPrefix(line, "import ")
			imp = strings.Trim(imp, `";`)
			if !ok || strings.HasPrefix(imp, "google/protobuf/") {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, imp)); err != nil {
				t.Errorf("%s imports %s, which is not written", path, imp)
			}
		}
	}
}
