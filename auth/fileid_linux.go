//go:build linux

package auth

import (
	"os"
	"syscall"
)

// sysStat returns what os.FileInfo does not carry portably: device, inode
// and change time. The change time cannot be set by a user, so it also
// catches a write that restores the old size and modification time.
func sysStat(fi os.FileInfo) (dev, ino uint64, ctime int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0
	}
	return uint64(st.Dev), uint64(st.Ino), st.Ctim.Nano()
}
