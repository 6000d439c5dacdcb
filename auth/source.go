package auth

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
)

// source is a set of files read and applied together (a token file; a
// certificate and its key; a client CA file). It remembers the SHA-256 of
// what it last read, so a check that finds the same bytes does nothing.
// Comparing contents, rather than sizes, times or inodes, sees every kind of
// change (an in-place write within one timestamp tick, a rename over the
// file, a symlink swap) with nothing to reason about but the bytes.
type source struct {
	what     string // for the log: "tokens file", "TLS certificate", ...
	logAttrs []any  // for the log: the files, by role ("file", "key_file")
	paths    []string
	limit    int64                     // per file, in bytes
	apply    func(data [][]byte) error // parses and installs; an error keeps the old state

	mu      sync.Mutex // serializes reads and applies, should two goroutines check at once
	sum     [sha256.Size]byte
	failing string // the read error last logged, "" when reads work
}

// reload reads and applies the files whether or not they changed, and
// returns what went wrong instead of logging it: the first load.
func (s *source) reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, sum, err := s.read()
	if err != nil {
		return err
	}
	s.sum, s.failing = sum, ""
	return s.apply(data)
}

// check reads the files and, if their contents changed since the last read,
// applies them. Each reload, applied or refused, logs one line; unchanged
// contents log nothing, and a read error (a deleted or unreadable file) is
// logged once until it changes or reads work again. A refused version is
// not retried until the files change again, so it is logged once too.
func (s *source) check(logger *slog.Logger) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, sum, err := s.read()
	if err != nil {
		// Forgetting the sum makes the next good read apply and log, even if
		// it holds the bytes in force: the operator then sees it is over.
		s.sum = [sha256.Size]byte{}
		if err.Error() != s.failing {
			s.failing = err.Error()
			s.logRefused(logger, err)
		}
		return
	}
	s.failing = ""
	if sum == s.sum {
		return
	}
	s.sum = sum
	if err := s.apply(data); err != nil {
		s.logRefused(logger, err)
		return
	}
	logger.Info("reloaded "+s.what, s.logAttrs...)
}

// logRefused logs a reload that kept the previous state. The errors of this
// package name files and line numbers, never their contents.
func (s *source) logRefused(logger *slog.Logger, err error) {
	logger.Error("refused to reload "+s.what+"; the previous one stays in force",
		append(s.logAttrs[:len(s.logAttrs):len(s.logAttrs)], "error", err)...)
}

// read reads every file and returns the contents with their digest.
func (s *source) read() ([][]byte, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	data := make([][]byte, len(s.paths))
	h := sha256.New()
	for i, p := range s.paths {
		b, err := readFile(p, s.limit)
		if err != nil {
			return nil, sum, err
		}
		data[i] = b
		// Length-prefixed, so moving bytes from one file to the other
		// changes the digest.
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
	}
	h.Sum(sum[:0])
	return data, sum, nil
}

// readFile reads the regular file at path, refusing one larger than limit.
func readFile(path string, limit int64) ([]byte, error) {
	data, err := readOnce(path, limit)
	if errors.Is(err, fs.ErrNotExist) {
		// A symlink swap in progress can remove the old target while the
		// path is being resolved; a second look settles it.
		data, err = readOnce(path, limit)
	}
	return data, err
}

func readOnce(path string, limit int64) ([]byte, error) {
	// Checked before opening too: opening a FIFO would block.
	fi, err := os.Stat(path)
	if err = checkRegular(path, fi, err); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	defer f.Close() // read-only: nothing to lose on close
	fi, err = f.Stat()
	if err = checkRegular(path, fi, err); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("auth: %s: larger than %d bytes", path, limit)
	}
	return data, nil
}

func checkRegular(path string, fi os.FileInfo, err error) error {
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("auth: %s: not a regular file", path)
	}
	return nil
}
