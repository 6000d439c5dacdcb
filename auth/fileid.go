package auth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// fileID identifies one version of a file as reached through its path. An
// in-place write changes the size or the times; a rename over the file
// changes the inode; a symlink swap changes the resolved path (and the
// inode).
type fileID struct {
	resolved     string // the path with every symbolic link resolved
	size         int64
	mtime, ctime int64 // Unix nanoseconds; ctime is 0 where unavailable
	dev, ino     uint64
}

// newFileID builds the fileID of fi, reached at resolved.
func newFileID(resolved string, fi os.FileInfo) fileID {
	id := fileID{resolved: resolved, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	id.dev, id.ino, id.ctime = sysStat(fi)
	return id
}

// changedAt is the latest time the file is known to have changed.
func (id fileID) changedAt() time.Time {
	return time.Unix(0, max(id.mtime, id.ctime))
}

// statPath returns the fileID of the file path names now.
func statPath(path string) (fileID, error) {
	id, err := statOnce(path)
	if errors.Is(err, fs.ErrNotExist) {
		// A symlink swap in progress can remove the old target between
		// resolving the link and looking at the file; a second look settles it.
		id, err = statOnce(path)
	}
	return id, err
}

func statOnce(path string) (fileID, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fileID{}, fmt.Errorf("auth: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, fmt.Errorf("auth: %w", err)
	}
	return newFileID(resolved, fi), nil
}

// readFile reads the regular file at path, refusing one larger than limit,
// and returns its contents with the fileID of what was read.
func readFile(path string, limit int64) ([]byte, fileID, error) {
	data, id, err := readOnce(path, limit)
	if errors.Is(err, fs.ErrNotExist) {
		data, id, err = readOnce(path, limit) // as in statPath
	}
	return data, id, err
}

func readOnce(path string, limit int64) ([]byte, fileID, error) {
	// Checked before opening too: opening a FIFO would block.
	fi, err := os.Stat(path)
	if err = checkRegular(path, fi, err); err != nil {
		return nil, fileID{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileID{}, fmt.Errorf("auth: %w", err)
	}
	defer f.Close() // read-only: nothing to lose on close
	fi, err = f.Stat()
	if err = checkRegular(path, fi, err); err != nil {
		return nil, fileID{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fileID{}, fmt.Errorf("auth: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fileID{}, fmt.Errorf("auth: %s: larger than %d bytes", path, limit)
	}
	// Resolved after the read: if a swap happened meanwhile, the next poll
	// sees a different path or inode and reads again.
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		resolved = ""
	}
	return data, newFileID(resolved, fi), nil
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
