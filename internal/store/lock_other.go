//go:build !unix

package store

import "errors"

// LockFile is the file in the data directory that one process holds while it
// uses the SQLite database.
const LockFile = "homeward.lock"

// ErrDataDirInUse is returned when another process holds the data directory.
var ErrDataDirInUse = errors.New("data directory in use")

// lockDataDir is a no-op where flock is not available: Homeward supports unix
// hosts; elsewhere do not start two processes on one data directory.
func lockDataDir(dir string) (func() error, error) { return func() error { return nil }, nil }
