package auth

import (
	"path/filepath"
	"testing"
	"time"
)

// TestPollRacilyClean covers a change the stat cannot show: two writes of
// the same size within one timestamp tick. It rewrites a file, then makes
// the source believe its stat is what it saw at the last read.
func TestPollRacilyClean(t *testing.T) {
	tests := []struct {
		name      string
		readAfter time.Duration // how long after the file's change the last read was
		reloads   bool
	}{
		{"within the window: contents compared", 0, true},
		{"after the window: stat trusted", racyWindow + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			writeFile(t, path, []byte("one"))
			var applied []string
			s := &source{paths: []string{path}, limit: 100, apply: func(data [][]byte) error {
				applied = append(applied, string(data[0]))
				return nil
			}}
			if err := s.reload(); err != nil {
				t.Fatalf("reload returned %v", err)
			}
			writeFile(t, path, []byte("two"))
			ids, err := statAll(s.paths)
			if err != nil {
				t.Fatal(err)
			}
			s.seen, s.readAt = ids, ids[0].changedAt().Add(tt.readAfter)
			if err := s.poll(); err != nil {
				t.Fatalf("poll returned %v", err)
			}
			if got := len(applied) == 2 && applied[1] == "two"; got != tt.reloads {
				t.Errorf("applied %q, want a reload: %v", applied, tt.reloads)
			}
		})
	}
}

// TestPollSkipsTouch checks that a change of stat alone, the same bytes,
// applies nothing: a touch must not re-install (and re-report) a file.
func TestPollSkipsTouch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	writeFile(t, path, []byte("same"))
	applies := 0
	s := &source{paths: []string{path}, limit: 100, apply: func([][]byte) error { applies++; return nil }}
	if err := s.reload(); err != nil {
		t.Fatalf("reload returned %v", err)
	}
	renameOver(t, path, []byte("same"))
	if err := s.poll(); err != nil {
		t.Fatalf("poll returned %v", err)
	}
	if applies != 1 {
		t.Errorf("apply called %d times, want 1", applies)
	}
}
