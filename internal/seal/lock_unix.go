//go:build unix

package seal

import (
	"os"
	"syscall"
)

// lockFile holds an exclusive advisory lock on the file until the returned
// function is called; the kernel drops it if the process dies.
func lockFile(path string) (func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
