package testkit

import (
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Files is a directory of files and the way a deployment replaces them.
type Files interface {
	Path(name string) string
	Update(files map[string][]byte)
}

// FileLayout is one way a deployment lays out and replaces files. Atomic
// is how many files one update replaces with no moment in between: up to
// that many, one update is one reload; beyond it a watcher may catch the
// update half done, refuse or apply it, and then load the rest.
type FileLayout struct {
	Name   string
	Atomic int
	Create func(t testing.TB, files map[string][]byte) Files
}

// FileLayouts returns the ways files are replaced: written in place,
// renamed over one by one (as editors and config-management tools do), and
// Kubernetes' symbolic link swap of a mounted Secret (SecretDir).
func FileLayouts() []FileLayout {
	return []FileLayout{
		{"written in place", 0, func(t testing.TB, files map[string][]byte) Files {
			return newPlainDir(t, files, func(t testing.TB, path string, data []byte) { WriteFile(t, path, data) })
		}},
		{"renamed over", 1, func(t testing.TB, files map[string][]byte) Files {
			return newPlainDir(t, files, RenameOver)
		}},
		{"Kubernetes symlink swap", math.MaxInt, func(t testing.TB, files map[string][]byte) Files {
			return NewSecretDir(t, files)
		}},
	}
}

// RenameOver replaces path by renaming a new file over it.
func RenameOver(t testing.TB, path string, data []byte) {
	t.Helper()
	tmp := WriteFile(t, path+".tmp", data)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// plainDir is a directory whose files are replaced one by one with put.
type plainDir struct {
	t   testing.TB
	dir string
	put func(t testing.TB, path string, data []byte)
}

func newPlainDir(t testing.TB, files map[string][]byte, put func(testing.TB, string, []byte)) *plainDir {
	t.Helper()
	d := &plainDir{t: t, dir: t.TempDir(), put: put}
	for name, data := range files {
		WriteFile(t, d.Path(name), data)
	}
	return d
}

func (d *plainDir) Path(name string) string { return filepath.Join(d.dir, name) }

// Update puts the files in the order of their names: a certificate
// (tls.crt) before its key (tls.key).
func (d *plainDir) Update(files map[string][]byte) {
	d.t.Helper()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		d.put(d.t, d.Path(name), files[name])
	}
}
