package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	// pollInterval is the fallback poll's interval in the tests that use it.
	pollInterval = 10 * time.Millisecond
	// waitTimeout bounds every wait on a condition: generous, because a
	// busy machine can stall a test for seconds.
	waitTimeout = 10 * time.Second
	// eventsOnly is the poll interval of tests that prove a reload came from
	// a file system event: no test lasts that long.
	eventsOnly = time.Hour
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
		time.Sleep(20 * time.Millisecond)
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

// logRecorder is a JSON logger whose lines a test reads back.
type logRecorder struct {
	buf    testkit.SyncBuffer
	logger *slog.Logger
}

func newLogRecorder() *logRecorder {
	l := &logRecorder{}
	l.logger = slog.New(slog.NewJSONHandler(&l.buf, nil))
	return l
}

// logLine is what the tests read of a log line.
type logLine struct {
	Level, Msg, Error, File string
	KeyFile                 string `json:"key_file"`
}

func (l logLine) refused() bool { return strings.HasPrefix(l.Msg, "refused to reload ") }

// lines returns every line logged so far.
func (l *logRecorder) lines(t *testing.T) []logLine {
	t.Helper()
	var out []logLine
	for line := range strings.Lines(l.buf.String()) {
		var ll logLine
		if err := json.Unmarshal([]byte(line), &ll); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, ll)
	}
	return out
}

// reloads returns the lines of reloads, applied or refused.
func (l *logRecorder) reloads(t *testing.T) []logLine {
	t.Helper()
	return slices.DeleteFunc(l.lines(t), func(ll logLine) bool {
		return !ll.refused() && !strings.HasPrefix(ll.Msg, "reloaded ")
	})
}

// refusals returns the lines of refused reloads.
func (l *logRecorder) refusals(t *testing.T) []logLine {
	t.Helper()
	return slices.DeleteFunc(l.reloads(t), func(ll logLine) bool { return !ll.refused() })
}

// assertHides fails if the log holds any of secrets.
func (l *logRecorder) assertHides(t *testing.T, secrets ...string) {
	t.Helper()
	all := l.buf.String()
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("the log holds %q:\n%s", s, all)
		}
	}
}

// noticer is how a watcher notices a change.
type noticer int

const (
	// byEvent is the file system watcher, with the poll set to an hour so
	// that only an event can explain a reload.
	byEvent noticer = iota
	// byPoll is the fallback poll, with notifications unavailable.
	byPoll
)

func (n noticer) String() string { return [...]string{"event", "poll"}[n] }

var noticers = []noticer{byEvent, byPoll}

// errNoNotify stands for a system where file notifications cannot start.
var errNoNotify = errors.New("inotify unavailable in this test")

// startWatch runs a watcher over sources until the test ends and returns
// what it logs.
func startWatch(t *testing.T, how noticer, sources func() []*source) *logRecorder {
	t.Helper()
	logs := newLogRecorder()
	w := &watcher{interval: eventsOnly, logger: logs.logger, sources: sources, notify: fsnotify.NewWatcher}
	if how == byPoll {
		w.interval = pollInterval
		w.notify = func() (*fsnotify.Watcher, error) { return nil, errNoNotify }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return logs
}

// fileLayout is a directory of files and the way a deployment replaces them.
type fileLayout interface {
	Path(name string) string
	Update(files map[string][]byte)
}

// layouts are the ways files are replaced. atomic is how many files one
// update replaces with no moment in between: up to that many, one update is
// one reload and one log line; beyond it a watcher may catch the update half
// done, refuse or apply it, and then load the rest.
var layouts = []struct {
	name   string
	atomic int
	create func(t *testing.T, files map[string][]byte) fileLayout
}{
	{"written in place", 0, func(t *testing.T, files map[string][]byte) fileLayout {
		return newPlainDir(t, files, writeFile)
	}},
	{"renamed over", 1, func(t *testing.T, files map[string][]byte) fileLayout {
		return newPlainDir(t, files, renameOver)
	}},
	{"Kubernetes symlink swap", math.MaxInt, func(t *testing.T, files map[string][]byte) fileLayout {
		return testkit.NewSecretDir(t, files)
	}},
}

// plainDir is a directory whose files are replaced one by one with put.
type plainDir struct {
	t   *testing.T
	dir string
	put func(t *testing.T, path string, data []byte)
}

func newPlainDir(t *testing.T, files map[string][]byte, put func(*testing.T, string, []byte)) *plainDir {
	d := &plainDir{t: t, dir: t.TempDir(), put: put}
	for name, data := range files {
		writeFile(t, d.Path(name), data)
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
