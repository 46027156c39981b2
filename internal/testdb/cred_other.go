//go:build !unix

package testdb

import (
	"errors"
	"os/exec"
	"os/user"
)

var errNoCredential = errors.New("running server binaries as another user is only supported on unix")

func runAs(*exec.Cmd, *user.User) error { return errNoCredential }

func chownTo(string, *user.User) error { return errNoCredential }

// processAlive is conservative where it cannot check: never sweep.
func processAlive(int) bool { return true }
