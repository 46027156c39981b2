package store

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"homeward/internal/auth"
)

// userCache keeps the signed-in user of an API token or a session for a few
// seconds, so that a request does not read the token (or session), the user
// and the user's programs each time.
//
// An entry is dropped at once, not after its few seconds, by anything that
// changes what it holds: every store method that writes users, their
// programs, sessions, API tokens or programs calls usersChanged when it
// returns, which bumps a generation; an entry stamped with an older
// generation is a miss. The stamp is taken before the database is read, so
// a read that raced a write is never kept as new. Touching last_seen_at and
// last_used_at changes no generation. A hit still checks the session's idle
// and absolute expiry and the token's expiry against the entry, and a hit
// due to be touched is read (and touched) again.
//
// It is on only where this process owns the database: SQLite opened by
// serve (which takes the data directory's lock). The maintenance commands
// that run beside it on the same file (opened Shared: "token revoke",
// "erase", …) append a byte to a signal file in the data directory after
// such a write, which each hit compares (one stat). PostgreSQL, shared by
// several app processes, has no such cheap signal and reads each time.
type userCache struct {
	on bool
	// signal is the file the maintenance commands append to; notify is set
	// in such a command (to append), unset in the process that caches.
	signal string
	notify bool
	ttl    time.Duration
	gen    atomic.Uint64
	// reads counts the reads of a token's or session's user that went to
	// the database (for tests).
	reads atomic.Int64

	mu       sync.Mutex
	tokens   map[string]tokenEntry   // by the token's hash
	sessions map[string]sessionEntry // by the session token's hash
}

// userCacheTTL is how long an entry is kept at most.
const userCacheTTL = 5 * time.Second

// maxUserCacheEntries bounds each map; past it, the map starts again empty.
const maxUserCacheEntries = 10_000

// userSignalFile names the signal file in the SQLite data directory.
const userSignalFile = "homeward.users-changed"

type userStamp struct {
	gen    uint64
	signal int64 // the signal file's size, -1 when absent
}

type tokenEntry struct {
	stamp userStamp
	at    time.Time // when it was read
	token APIToken
	user  auth.User
}

type sessionEntry struct {
	stamp   userStamp
	at      time.Time
	session auth.Session
	user    auth.User
}

// initUserCache sets the cache up for the store opened with opts.
func (s *Store) initUserCache(opts Options) {
	c := &s.users
	c.ttl = userCacheTTL
	if s.engine != SQLite || opts.DataDir == "" {
		return
	}
	c.signal = filepath.Join(opts.DataDir, userSignalFile)
	c.notify = opts.Shared
	c.on = !opts.Shared
}

// usersChanged drops every cached user: called (deferred) by every store
// method that writes users, user_programs, sessions, api_tokens or programs.
func (s *Store) usersChanged() {
	c := &s.users
	c.gen.Add(1)
	c.mu.Lock()
	clear(c.tokens)
	clear(c.sessions)
	c.mu.Unlock()
	if c.notify && c.signal != "" {
		// Best effort: should it fail, serve keeps the user at most ttl.
		if f, err := os.OpenFile(c.signal, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err == nil {
			_, _ = f.Write([]byte{'.'})
			_ = f.Close()
		}
	}
}

// stamp is the cache's state now; an entry stored under it is valid while
// the state stays the same.
func (c *userCache) stamp() userStamp {
	st := userStamp{gen: c.gen.Load(), signal: -1}
	if c.signal != "" {
		if fi, err := os.Stat(c.signal); err == nil {
			st.signal = fi.Size()
		}
	}
	return st
}

// fresh reports whether an entry read at at under st may answer at now.
func (c *userCache) fresh(st userStamp, at, now time.Time) bool {
	return !now.Before(at) && now.Sub(at) < c.ttl && st == c.stamp()
}

func (c *userCache) token(hash string, now time.Time) (APIToken, auth.User, bool) {
	if !c.on {
		return APIToken{}, auth.User{}, false
	}
	c.mu.Lock()
	e, ok := c.tokens[hash]
	c.mu.Unlock()
	if !ok || !c.fresh(e.stamp, e.at, now) {
		return APIToken{}, auth.User{}, false
	}
	return copyToken(e.token), copyUser(e.user), true
}

func (c *userCache) keepToken(hash string, st userStamp, now time.Time, t APIToken, u auth.User) {
	if !c.on {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens == nil || len(c.tokens) >= maxUserCacheEntries {
		c.tokens = map[string]tokenEntry{}
	}
	c.tokens[hash] = tokenEntry{stamp: st, at: now, token: copyToken(t), user: copyUser(u)}
}

func (c *userCache) session(hash string, now time.Time) (auth.Session, auth.User, bool) {
	if !c.on {
		return auth.Session{}, auth.User{}, false
	}
	c.mu.Lock()
	e, ok := c.sessions[hash]
	c.mu.Unlock()
	if !ok || !c.fresh(e.stamp, e.at, now) {
		return auth.Session{}, auth.User{}, false
	}
	return e.session, copyUser(e.user), true
}

func (c *userCache) keepSession(hash string, st userStamp, now time.Time, x auth.Session, u auth.User) {
	if !c.on {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions == nil || len(c.sessions) >= maxUserCacheEntries {
		c.sessions = map[string]sessionEntry{}
	}
	c.sessions[hash] = sessionEntry{stamp: st, at: now, session: x, user: copyUser(u)}
}

// copyUser and copyToken copy what a caller could change through a kept value.
func copyUser(u auth.User) auth.User {
	u.Programs = slices.Clone(u.Programs)
	return u
}

func copyToken(t APIToken) APIToken {
	if t.LastUsedAt != nil {
		x := *t.LastUsedAt
		t.LastUsedAt = &x
	}
	if t.RevokedAt != nil {
		x := *t.RevokedAt
		t.RevokedAt = &x
	}
	return t
}
