package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// SecretDir is a directory laid out as the kubelet lays out a mounted
// Secret: name → ..data/name, ..data → ..<timestamp>/. An update writes a
// new timestamped directory, swaps ..data to it by renaming a new symbolic
// link over it, and removes the old directory: each file changes at once,
// and none of the paths a pod reads is ever written or renamed itself.
type SecretDir struct {
	t       testing.TB
	dir     string
	n       int
	current string
}

// NewSecretDir creates the layout, holding files, in a new temporary
// directory.
func NewSecretDir(t testing.TB, files map[string][]byte) *SecretDir {
	t.Helper()
	s := &SecretDir{t: t, dir: t.TempDir()}
	s.Update(files)
	for name := range files {
		if err := os.Symlink(filepath.Join("..data", name), s.Path(name)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Path returns the path of a file as a pod sees it.
func (s *SecretDir) Path(name string) string { return filepath.Join(s.dir, name) }

// Update replaces the files, all at once, as the kubelet does.
func (s *SecretDir) Update(files map[string][]byte) {
	s.t.Helper()
	s.n++
	ts := fmt.Sprintf("..2026_11_27_10_00_%02d.%d", s.n, 1000+s.n)
	if err := os.Mkdir(filepath.Join(s.dir, ts), 0o700); err != nil {
		s.t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(s.dir, ts, name), data, 0o600); err != nil {
			s.t.Fatal(err)
		}
	}
	tmp := filepath.Join(s.dir, "..data_tmp")
	if err := os.Symlink(ts, tmp); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, "..data")); err != nil {
		s.t.Fatal(err)
	}
	if s.current != "" {
		if err := os.RemoveAll(filepath.Join(s.dir, s.current)); err != nil {
			s.t.Fatal(err)
		}
	}
	s.current = ts
}
