package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pollInterval is the fallback poll's interval in the tests that use it.
const pollInterval = 10 * time.Millisecond

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
	w := &watcher{interval: testkit.EventsOnly, logger: logs.logger, sources: sources, notify: fsnotify.NewWatcher}
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
