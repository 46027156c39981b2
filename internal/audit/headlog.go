package audit

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// HeadLog is a file, kept where the database cannot reach, to which `serve`
// appends the audit log's head regularly, one line each time it moved:
//
//	2026-12-06T16:30:00Z 4711:<64 hex digits>
//
// Someone who can rewrite the database (even with the key file) cannot take
// back a head already written there: `audit verify --head-log` checks that
// the entry at each kept position still has the kept hash, and that the log
// still reaches the last one.
type HeadLog struct {
	path string
	last Head
}

// OpenHeadLog checks that the head log can be written and is not in the
// data directory (where a copy of the database and the key file live). The
// file is created, owner-only, when it does not exist.
func OpenHeadLog(path, dataDir string) (*HeadLog, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("audit head log %s: %w", path, err)
	}
	if data, err := filepath.Abs(dataDir); err == nil && dataDir != "" && strings.HasPrefix(abs, data+string(filepath.Separator)) {
		return nil, fmt.Errorf("audit head log %s is in the data directory %s: keep it where the database cannot reach (another directory, disk or machine)", path, dataDir)
	}
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit head log: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("open audit head log: %w", err)
	}
	return &HeadLog{path: abs}, nil
}

// Append writes the head as one line, unless it is the head last written by
// this process; the line is on disk (fsync) when Append returns.
func (l *HeadLog) Append(h Head, at time.Time) error {
	if h == l.last {
		return nil
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open audit head log: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s %s\n", at.UTC().Format(time.RFC3339), h); err != nil {
		f.Close()
		return fmt.Errorf("write audit head log: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync audit head log: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close audit head log: %w", err)
	}
	l.last = h
	return nil
}

// ReadHeadLog returns every head a head log kept, in the order written.
func ReadHeadLog(path string) ([]Head, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read audit head log: %w", err)
	}
	defer f.Close()
	var heads []Head
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		h, err := ParseHead(fields[len(fields)-1])
		if err != nil {
			return nil, fmt.Errorf("audit head log %s, line %d: %w", path, n, err)
		}
		heads = append(heads, h)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read audit head log: %w", err)
	}
	if len(heads) == 0 {
		return nil, errors.New("the audit head log " + path + " holds no head")
	}
	return heads, nil
}
