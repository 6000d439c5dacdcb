package auth

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// racyWindow is how long after a file's last change its stat is not trusted
// to reveal a further change: timestamps are only as fine as the kernel's
// clock tick (and whole seconds on some file systems), so two writes of the
// same size within one tick look alike. Until the window has passed, every
// poll compares contents too.
const racyWindow = 3 * time.Second

// source is a set of files read and applied together (a token file; a
// certificate and its key; a client CA file). It remembers what it last
// read, so polling costs one stat per file until something changes.
type source struct {
	paths []string
	limit int64                     // per file, in bytes
	apply func(data [][]byte) error // parses and installs; an error keeps the old state

	mu      sync.Mutex // serializes reads and applies: Watch and Reload may overlap
	seen    []fileID   // as of the last complete read, applied or not
	sum     [sha256.Size]byte
	readAt  time.Time
	failing string // the read error poll last reported, "" when reads work
}

// errUnsettled means the files changed while they were being read, so what
// was read may mix versions: a certificate from before a swap and a key
// from after it, or half of an in-place write.
var errUnsettled = errors.New("auth: files changed while being read; try again")

// readAttempts bounds how often reload reads files that keep changing.
const readAttempts = 3

// reload reads and applies the files whether or not they changed.
func (s *source) reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.read()
	for i := 1; i < readAttempts && errors.Is(err, errUnsettled); i++ {
		data, err = s.read()
	}
	if errors.Is(err, errUnsettled) {
		return fmt.Errorf("%w (%s)", err, strings.Join(s.paths, ", "))
	}
	if err != nil {
		return err
	}
	s.failing = ""
	return s.apply(data)
}

// poll reloads if the files changed since the last read. It returns what to
// report: an apply error once per version of the files, a read error (such
// as a deleted file) once until it changes or reads work again, and nil
// otherwise.
func (s *source) poll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, err := statAll(s.paths)
	if err != nil {
		return s.readFailed(err)
	}
	if slices.Equal(ids, s.seen) && !s.racy() {
		return nil
	}
	prev := s.sum
	data, err := s.read()
	if errors.Is(err, errUnsettled) {
		return nil // the stat still differs from s.seen: the next poll reads again
	}
	if err != nil {
		return s.readFailed(err)
	}
	s.failing = ""
	if s.sum == prev {
		return nil // touched, or racily clean: the same bytes were applied before
	}
	return s.apply(data)
}

// read reads every file and records what it saw, unless they changed
// meanwhile.
func (s *source) read() ([][]byte, error) {
	now := time.Now()
	data := make([][]byte, len(s.paths))
	ids := make([]fileID, len(s.paths))
	h := sha256.New()
	for i, p := range s.paths {
		b, id, err := readFile(p, s.limit)
		if err != nil {
			return nil, err
		}
		data[i], ids[i] = b, id
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
	}
	if after, err := statAll(s.paths); err != nil || !slices.Equal(after, ids) {
		return nil, errUnsettled
	}
	s.seen, s.readAt = ids, now
	copy(s.sum[:], h.Sum(nil))
	return data, nil
}

// racy reports whether a file changed so shortly before the last read that
// a later change could have left its stat unchanged.
func (s *source) racy() bool {
	for _, id := range s.seen {
		if s.readAt.Sub(id.changedAt()) < racyWindow {
			return true
		}
	}
	return false
}

// readFailed returns err unless it was the last one reported.
func (s *source) readFailed(err error) error {
	if err.Error() == s.failing {
		return nil
	}
	s.failing = err.Error()
	return err
}

// statAll returns the fileIDs of paths as they are now.
func statAll(paths []string) ([]fileID, error) {
	ids := make([]fileID, len(paths))
	for i, p := range paths {
		id, err := statPath(p)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}
