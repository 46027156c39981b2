//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockFile is the file in the data directory that one process holds while it
// uses the SQLite database.
const LockFile = "homeward.lock"

// ErrDataDirInUse is returned when another process holds the data directory.
var ErrDataDirInUse = errors.New("data directory in use")

// lockDataDir takes an exclusive advisory lock on the data directory, so that
// a second homeward process on the same SQLite database is refused with a clear
// message. SQLite itself would cope with two processes, but Homeward's
// background work and its one-writer design assume one process per file; for
// several app processes, use PostgreSQL. The kernel drops the lock when the
// process dies, so a crash never leaves the directory locked.
func lockDataDir(dir string) (func() error, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		buf := make([]byte, 32)
		n, _ := f.ReadAt(buf, 0)
		f.Close()
		holder := strings.TrimSpace(string(buf[:n]))
		if holder == "" {
			holder = "another process"
		} else {
			holder = "process " + holder
		}
		return nil, fmt.Errorf("%w: %s is already using %s; stop it first, or use PostgreSQL (--database) to run several app processes", ErrDataDirInUse, holder, dir)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() error {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return f.Close()
	}, nil
}
