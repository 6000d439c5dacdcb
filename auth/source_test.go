package auth

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// TestCheckComparesContents: a check applies what has new bytes, however
// little else changed, and nothing (no apply, no log line) for the same
// bytes, however much else changed.
func TestCheckComparesContents(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string)
		want   []string // what apply got after the first load
	}{
		{"same size and times, new bytes", func(t *testing.T, path string) {
			// Two writes of the same size within one timestamp tick look
			// alike to stat; the times are put back to make sure.
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			testkit.WriteFile(t, path, []byte("two"))
			if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}, []string{"two"}},
		{"the same bytes renamed over", func(t *testing.T, path string) { testkit.RenameOver(t, path, []byte("one")) }, nil},
		{"touched", func(t *testing.T, path string) {
			if err := os.Chtimes(path, time.Now(), time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			testkit.WriteFile(t, path, []byte("one"))
			var applied []string
			s := &source{what: "test file", logAttrs: []any{"file", path}, paths: []string{path}, limit: 100,
				apply: func(data [][]byte) error {
					applied = append(applied, string(data[0]))
					return nil
				}}
			if err := s.reload(); err != nil {
				t.Fatalf("reload returned %v", err)
			}
			applied = nil
			tt.change(t, path)
			logs := newLogRecorder()
			s.check(logs.logger)
			if diff := cmp.Diff(tt.want, applied); diff != "" {
				t.Errorf("applied (-want +got):\n%s", diff)
			}
			if n := len(logs.reloads(t)); n != len(tt.want) {
				t.Errorf("logged %d reloads, want %d", n, len(tt.want))
			}
		})
	}
}
