package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// profileEnv names the file the child writes its CPU profile to (the
// --cpuprofile flag).
const profileEnv = "HOMEWARD_BENCH_CPUPROFILE"

// server is `homeward serve` running in a child process.
type server struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	done    chan struct{}
}

// startServer runs this program again as `homeward serve` on the filled
// database, on a free port of 127.0.0.1, and waits until it is ready.
func startServer(ctx context.Context, c config) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--data", c.data, "--addr", addr, "--log-format", "json"}
	if c.database != "" {
		args = append(args, "--database", c.database)
	}
	logPath := filepath.Join(c.data, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The key file in --data, not a key of the environment.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOMEWARD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, serverEnv+"=1")
	if c.profile != "" {
		path, err := filepath.Abs(c.profile)
		if err != nil {
			logFile.Close()
			return nil, err
		}
		cmd.Env = append(cmd.Env, profileEnv+"="+path)
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(s.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("the server stopped at start; its log: %s", logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server was not ready within two minutes; its log: %s", logPath)
		}
	}
}

// stop ends the server as Ctrl-C would, and waits for it.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *server) failed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// userHZ is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on
// every Linux).
const userHZ = 100

// cpu is the server's user and system time so far.
func (s *server) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command's name (in parentheses, which may hold
	// spaces): state is field 3, utime 14 and stime 15.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", s.cmd.Process.Pid)
	}
	user, err1 := strconv.ParseInt(f[11], 10, 64)
	system, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unreadable CPU times", s.cmd.Process.Pid)
	}
	return time.Duration(user+system) * time.Second / userHZ, nil
}

// rss is the server's resident memory now, in kB; peakRSS its highest.
func (s *server) rss() (int64, error)     { return s.status("VmRSS:") }
func (s *server) peakRSS() (int64, error) { return s.status("VmHWM:") }

func (s *server) status(field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no %s", s.cmd.Process.Pid, field)
}

// settledRSS is the idle server's RSS a few seconds after start, once the
// work of the start (migrations checked, templates parsed, jobs begun) is
// over: the lowest of its readings over three seconds.
func (s *server) settledRSS(ctx context.Context) (int64, error) {
	low := int64(-1)
	for range 6 {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
		v, err := s.rss()
		if err != nil {
			return 0, err
		}
		if low < 0 || v < low {
			low = v
		}
	}
	return low, nil
}

func numCPU() int { return runtime.NumCPU() }
