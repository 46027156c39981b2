//go:build unix

package testdb

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// runAs makes cmd run with u's uid and gid.
func runAs(cmd *exec.Cmd, u *user.User) error {
	uid, gid, err := ids(u)
	if err != nil {
		return err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: uid, Gid: gid, NoSetGroups: true},
	}
	return nil
}

func chownTo(path string, u *user.User) error {
	uid, gid, err := ids(u)
	if err != nil {
		return err
	}
	return os.Chown(path, int(uid), int(gid))
}

// processAlive reports whether pid exists (EPERM means it does).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

func ids(u *user.User) (uid, gid uint32, err error) {
	id, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("uid %q of user %s: %w", u.Uid, u.Username, err)
	}
	g, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("gid %q of user %s: %w", u.Gid, u.Username, err)
	}
	return uint32(id), uint32(g), nil
}
