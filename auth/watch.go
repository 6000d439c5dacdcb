package auth

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultWatchInterval is the fallback poll interval of the Watch methods
// when they are given zero or less. Changes normally arrive as file system
// events; the poll only covers what those miss.
const DefaultWatchInterval = 10 * time.Second

// settleDelay is how long after the first event of a burst the files are
// read, so that the several events of one write, rename or symlink swap
// cause one read. A read that still catches a write half done is refused or
// applied like any other, and the write's next event reads again.
const settleDelay = 50 * time.Millisecond

// watcher reloads sources when the directories holding their files report
// a change, and polls them every interval in case an event never comes: a
// file system without notifications (NFS, FUSE), a directory that could not
// be watched, a file reached through a symbolic link into another directory.
// Directories are watched rather than files because a watch on a file
// follows its inode, which a rename over it or a Kubernetes symlink swap
// leaves behind.
type watcher struct {
	interval time.Duration
	logger   *slog.Logger
	sources  func() []*source
	notify   func() (*fsnotify.Watcher, error) // fsnotify.NewWatcher; tests make it fail
}

// watch runs a watcher over the sources until ctx is done. A nil logger
// discards.
func watch(ctx context.Context, interval time.Duration, logger *slog.Logger, sources func() []*source) {
	if interval <= 0 {
		interval = DefaultWatchInterval
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w := &watcher{interval: interval, logger: logger, sources: sources, notify: fsnotify.NewWatcher}
	w.run(ctx)
}

func (w *watcher) run(ctx context.Context) {
	dirs := w.openDirs()
	defer dirs.close()
	dirs.cover(w.sources())
	// A change between the first load and the watch sent no event.
	w.checkAll()
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	var settle <-chan time.Time // non-nil while a burst of events settles
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			w.checkAll()
			dirs.cover(w.sources()) // client CA files may have been added
		case <-dirs.events():
			if settle == nil {
				settle = time.After(settleDelay)
			}
		case err := <-dirs.errors():
			// Events were lost (a queue overflow) or the watch broke: read
			// now rather than wait for the poll.
			w.logger.Warn("file change notifications failed; reading the files again", "error", err)
			w.checkAll()
		case <-settle:
			settle = nil
			w.checkAll()
		}
	}
}

// checkAll checks every source, each logging its own reloads.
func (w *watcher) checkAll() {
	for _, s := range w.sources() {
		s.check(w.logger)
	}
}

// openDirs starts file system notifications, or logs why it cannot and
// returns a dirWatch that reports nothing.
func (w *watcher) openDirs() *dirWatch {
	d := &dirWatch{logger: w.logger, interval: w.interval, tried: map[string]bool{}}
	fsw, err := w.notify()
	if err != nil {
		w.logger.Warn("cannot watch files for changes; checking them every "+w.interval.String()+" instead", "error", err)
		return d
	}
	d.fsw = fsw
	return d
}

// dirWatch is the set of directories watched for changes.
type dirWatch struct {
	fsw      *fsnotify.Watcher // nil: no notifications, only the poll
	logger   *slog.Logger
	interval time.Duration
	tried    map[string]bool // directories already added, or that failed to be
}

// cover watches the directory of each source file not watched yet. A
// directory that cannot be watched is logged once and left to the poll.
func (d *dirWatch) cover(sources []*source) {
	if d.fsw == nil {
		return
	}
	for _, s := range sources {
		for _, p := range s.paths {
			dir := filepath.Dir(p)
			if d.tried[dir] {
				continue
			}
			d.tried[dir] = true
			if err := d.fsw.Add(dir); err != nil {
				d.logger.Warn("cannot watch a directory for changes; checking its files every "+d.interval.String()+" instead",
					"dir", dir, "error", err)
			}
		}
	}
}

// events and errors return the notification channels; nil channels, which
// never deliver, without notifications.
func (d *dirWatch) events() <-chan fsnotify.Event {
	if d.fsw == nil {
		return nil
	}
	return d.fsw.Events
}

func (d *dirWatch) errors() <-chan error {
	if d.fsw == nil {
		return nil
	}
	return d.fsw.Errors
}

func (d *dirWatch) close() {
	if d.fsw != nil {
		_ = d.fsw.Close() // only releases the inotify descriptor
	}
}
