package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	pollInterval = 10 * time.Millisecond
	waitTimeout  = 5 * time.Second
)

// digestOf returns the token-file line for token.
func digestOf(token string) string {
	d := sha256.Sum256([]byte(token))
	return hex.EncodeToString(d[:])
}

// tokenFile returns token-file contents accepting tokens.
func tokenFile(tokens ...string) string {
	s := "# test tokens\n"
	for _, tok := range tokens {
		s += digestOf(tok) + "\n"
	}
	return s
}

// writeFile writes data to path in place: same inode, new contents.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// renameOver replaces path by renaming a new file over it, as editors and
// config-management tools do.
func renameOver(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	writeFile(t, tmp, data)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// eventually fails the test unless cond holds within waitTimeout.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pollInterval / 2)
	}
}

// never fails the test if cond holds at any time during d.
func never(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(pollInterval / 2) {
		if cond() {
			t.Fatalf("unexpectedly %s", what)
		}
	}
}

// errLog collects what a Watch passes to onErr.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errLog) list() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

func (l *errLog) len() int { return len(l.list()) }

// startWatch runs watch in a goroutine until the test ends and returns what
// it reports.
func startWatch(t *testing.T, watch func(context.Context, time.Duration, func(error))) *errLog {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &errLog{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		watch(ctx, pollInterval, log.add)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return log
}

// secretDir is a directory laid out as the kubelet lays out a mounted
// Secret: name → ..data/name, ..data → ..<timestamp>/, where an update
// writes a new timestamped directory, swaps ..data to it with a rename and
// removes the old one.
type secretDir struct {
	t       *testing.T
	dir     string
	n       int
	current string
}

// newSecretDir creates the layout holding files.
func newSecretDir(t *testing.T, files map[string][]byte) *secretDir {
	s := &secretDir{t: t, dir: t.TempDir()}
	s.update(files)
	for name := range files {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(s.dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// path returns the path of a file as a pod sees it.
func (s *secretDir) path(name string) string { return filepath.Join(s.dir, name) }

// update writes files into a new timestamped directory and swaps to it.
func (s *secretDir) update(files map[string][]byte) {
	s.t.Helper()
	s.n++
	ts := fmt.Sprintf("..2026_11_27_10_00_%02d.%d", s.n, 1000+s.n)
	if err := os.Mkdir(filepath.Join(s.dir, ts), 0o700); err != nil {
		s.t.Fatal(err)
	}
	for name, data := range files {
		writeFile(s.t, filepath.Join(s.dir, ts, name), data)
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
