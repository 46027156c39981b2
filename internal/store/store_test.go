package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"homeward/internal/errs"
	"homeward/internal/program"
	"homeward/internal/store"
	"homeward/internal/testdb"
	"homeward/internal/testsupport"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

// engines runs the conformance test f against SQLite always and against
// PostgreSQL when one is available (the shared test support's).
var engines = testsupport.Engines

func open(t *testing.T, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newProgram is a program whose mentors need no check to be matched: the
// case journey's tests match mentors made from accounts; what checks and
// training require is tested with mentors (mentor_flow_test.go).
func newProgram(name string) program.Program {
	p := program.New()
	p.Name = name
	p.MentorChecks = nil
	return p
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		cur, latest, err := s.SchemaVersion(ctx)
		if err != nil || cur != latest || latest == 0 {
			t.Fatalf("after open: version %d of %d (%v), want fully migrated", cur, latest, err)
		}
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v (%v), want nothing", applied, err)
		}
	})
}

func TestRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		_, latest, _ := s.SchemaVersion(ctx)
		if err := store.ExecForTest(ctx, s, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', 'x')`, latest+1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		for _, o := range []store.Options{opts, {DataDir: opts.DataDir, DatabaseURL: opts.DatabaseURL, NoMigrate: true}} {
			_, err := store.Open(ctx, o)
			if !errors.Is(err, store.ErrDatabaseNewer) {
				t.Fatalf("open of a newer database: %v, want ErrDatabaseNewer", err)
			}
			want := fmt.Sprintf("schema is at version %d, but this homeward knows versions up to %d", latest+1, latest)
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not say %q", err, want)
			}
		}
	})
}

func TestProgramCreateGetUpdate(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		in := newProgram("  Volnyja mentoring  ")
		in.Languages = []string{"BE", "ru", "be"}
		in.Countries = []string{"lt", "PL"}
		in.Custody = program.Custody{Enabled: true, MonthsBefore: 6, MonthsAfter: 6}
		in.Cadence = program.Cadence{FirstWeeks: 4, FirstPerWeek: 2, LaterPerWeek: 0.5}
		p, err := s.CreateProgram(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetProgram(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Volnyja mentoring" || fmt.Sprint(got.Languages) != "[be ru]" || fmt.Sprint(got.Countries) != "[LT PL]" {
			t.Errorf("stored %q %v %v, want trimmed name and normalised codes", got.Name, got.Languages, got.Countries)
		}
		if got.Cadence != in.Cadence || got.Custody != in.Custody || got.MentorCapacity != 1 || got.QuietWeeks != 3 ||
			len(got.NeedDomains) != len(program.DefaultNeedDomains) || got.Version != 1 || !got.CreatedAt.Equal(p.CreatedAt) {
			t.Errorf("round trip lost settings: %+v", got)
		}

		got.Description = "One mentor, one person."
		upd, err := s.UpdateProgram(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		if upd.Version != 2 || upd.Description != "One mentor, one person." {
			t.Errorf("after update: version %d, description %q", upd.Version, upd.Description)
		}
		// An editor who started from version 1 must not overwrite version 2.
		got.Description = "stale edit"
		if _, err := s.UpdateProgram(ctx, got); !errs.Is(err, errs.KindConflict) {
			t.Errorf("stale update: %v, want conflict", err)
		}
		if again, _ := s.GetProgram(ctx, p.ID); again.Description != "One mentor, one person." {
			t.Errorf("stale update changed the description to %q", again.Description)
		}
		missing := upd
		missing.ID = p.ID + 1000
		if _, err := s.UpdateProgram(ctx, missing); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("update of a missing program: %v, want not found", err)
		}
		if _, err := s.GetProgram(ctx, p.ID+1000); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("get of a missing program: %v, want not found", err)
		}
	})
}

func TestProgramValidationStoresNothing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		bad := newProgram(" ")
		bad.Languages = []string{"english"}
		bad.DurationMin, bad.DurationMax = 6, 3
		_, err := s.CreateProgram(ctx, bad)
		e := errs.As(err)
		if e.Kind != errs.KindInvalid || e.Fields["name"] == "" || e.Fields["languages"] == "" || e.Fields["duration_max_months"] == "" {
			t.Fatalf("invalid program: %v %v, want name, languages and duration named", err, e.Fields)
		}
		if n, _ := s.CountPrograms(ctx, store.ProgramFilter{}); n != 0 {
			t.Errorf("%d programs stored after a refused create", n)
		}
	})
}

func TestProgramNameIsUniqueIgnoringCase(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		if _, err := s.CreateProgram(ctx, newProgram("Вольныя")); err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateProgram(ctx, newProgram("Other"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateProgram(ctx, newProgram("ВОЛЬНЫЯ"))
		if e := errs.As(err); e.Kind != errs.KindConflict || e.Fields["name"] != "validation.name_taken" {
			t.Fatalf("duplicate name: %v, want a conflict on name", err)
		}
		other.Name = "вольныя"
		if _, err := s.UpdateProgram(ctx, other); errs.As(err).Fields["name"] != "validation.name_taken" {
			t.Fatalf("rename onto a taken name: %v, want a conflict on name", err)
		}
		if n, _ := s.CountPrograms(ctx, store.ProgramFilter{}); n != 2 {
			t.Errorf("%d programs, want 2", n)
		}
	})
}

func TestProgramListPagesByKeyset(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		for i := range 25 {
			if _, err := s.CreateProgram(ctx, newProgram(fmt.Sprintf("Program %02d", 24-i))); err != nil {
				t.Fatal(err)
			}
		}
		var names []string
		cursor, pages := "", 0
		for {
			items, next, err := s.ListPrograms(ctx, store.ProgramFilter{}, store.Page{Limit: 10, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, p := range items {
				names = append(names, p.Name)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if pages != 3 || len(names) != 25 {
			t.Fatalf("%d pages with %d programs, want 3 pages with 25", pages, len(names))
		}
		for i, n := range names {
			if want := fmt.Sprintf("Program %02d", i); n != want {
				t.Fatalf("item %d is %q, want %q (sorted by name, no repeats)", i, n, want)
			}
		}
		items, _, err := s.ListPrograms(ctx, store.ProgramFilter{Query: "program 1"}, store.Page{})
		if err != nil || len(items) != 10 {
			t.Errorf("search for 'program 1': %d items (%v), want 10", len(items), err)
		}
		if items, _, _ := s.ListPrograms(ctx, store.ProgramFilter{Query: "100%"}, store.Page{}); len(items) != 0 {
			t.Errorf("search treats %% as a wildcard: %d items", len(items))
		}
		if _, _, err := s.ListPrograms(ctx, store.ProgramFilter{}, store.Page{Cursor: "not a cursor"}); !errs.Is(err, errs.KindInvalid) {
			t.Errorf("bad cursor: %v, want invalid", err)
		}
	})
}

// A request that is cancelled mid-query or mid-transaction must leave the pool
// usable: the next request on the same (single) writer connection works.
func TestCancelledContextKeepsPoolUsable(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		s := open(t, opts)
		bg := context.Background()

		ctx, cancel := context.WithCancel(bg)
		err := store.CancelMidQueryForTest(ctx, cancel, s)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled query ended with %v, want context.Canceled", err)
		}

		ctx, cancel = context.WithCancel(bg)
		_, err = s.CreateProgram(ctx, newProgram("Before cancel"))
		if err != nil {
			t.Fatal(err)
		}
		err = store.CancelMidTxForTest(ctx, cancel, s, "Half saved")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled transaction ended with %v, want context.Canceled", err)
		}

		if _, err := s.CreateProgram(bg, newProgram("After cancel")); err != nil {
			t.Fatalf("write after a cancelled request: %v", err)
		}
		items, _, err := s.ListPrograms(bg, store.ProgramFilter{}, store.Page{})
		if err != nil {
			t.Fatalf("read after a cancelled request: %v", err)
		}
		var names []string
		for _, p := range items {
			names = append(names, p.Name)
		}
		if fmt.Sprint(names) != "[After cancel Before cancel]" {
			t.Errorf("programs %v: the cancelled transaction must leave nothing behind", names)
		}
	})
}

func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s, err := store.Open(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CreateProgram(ctx, newProgram("Kept"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		s = open(t, opts)
		if got, err := s.GetProgram(ctx, p.ID); err != nil || got.Name != "Kept" {
			t.Fatalf("after restart: %q, %v", got.Name, err)
		}
	})
}

func TestTwoStoresOnOnePostgresShareData(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	ctx := context.Background()
	a := open(t, store.Options{DatabaseURL: url})
	b := open(t, store.Options{DatabaseURL: url})
	if _, err := a.CreateProgram(ctx, newProgram("Seen by both")); err != nil {
		t.Fatal(err)
	}
	items, _, err := b.ListPrograms(ctx, store.ProgramFilter{}, store.Page{})
	if err != nil || len(items) != 1 || items[0].Name != "Seen by both" {
		t.Fatalf("second app process sees %v (%v)", items, err)
	}
}

func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	t.Parallel()
	url := testdb.Postgres(t)
	errc := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := store.Open(context.Background(), store.Options{DatabaseURL: url})
			if err == nil {
				s.Close()
			}
			errc <- err
		}()
	}
	for range 4 {
		if err := <-errc; err != nil {
			t.Errorf("concurrent start: %v", err)
		}
	}
}

func TestSecondProcessOnSQLiteDirIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open(t, store.Options{DataDir: dir})
	_, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if !errors.Is(err, store.ErrDataDirInUse) {
		t.Fatalf("second open: %v, want ErrDataDirInUse", err)
	}
	if !strings.Contains(err.Error(), "is already using "+dir) {
		t.Errorf("message %q does not name the directory", err)
	}
}

func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open(t, store.Options{DataDir: dir + "/data"})
	for _, f := range []string{store.SQLiteFile, store.LockFile} {
		fi, err := os.Stat(dir + "/data/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", f, fi.Mode().Perm())
		}
	}
}

func TestProgramListOrderIsTheSameOnBothEngines(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, opts store.Options) {
		ctx := context.Background()
		s := open(t, opts)
		for _, n := range []string{"beta", "Ångström", "Gamma", "Яблоко", "Alpha"} {
			if _, err := s.CreateProgram(ctx, newProgram(n)); err != nil {
				t.Fatal(err)
			}
		}
		var names []string
		cursor := ""
		for {
			items, next, err := s.ListPrograms(ctx, store.ProgramFilter{}, store.Page{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range items {
				names = append(names, p.Name)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if got := strings.Join(names, ","); got != "Alpha,beta,Gamma,Ångström,Яблоко" {
			t.Errorf("order %s, want case-insensitive byte order", got)
		}
	})
}

func TestSQLiteDataDirWithOddCharacters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir() + "/a b?c#d%41"
	s := open(t, store.Options{DataDir: dir})
	if _, err := os.Stat(dir + "/" + store.SQLiteFile); err != nil {
		t.Fatalf("database file not in the data directory: %v", err)
	}
	if mode, err := store.QueryStringForTest(ctx, s, "PRAGMA journal_mode"); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v): the pragmas were lost", mode, err)
	}
	if sync, err := store.QueryStringForTest(ctx, s, "PRAGMA synchronous"); err != nil || sync != "2" {
		t.Errorf("synchronous %q (%v), want 2 (FULL)", sync, err)
	}
}

// Times are stored on SQLite as fixed-width UTC text, so text order is time order.
func TestSQLiteTimesAreFixedWidthUTC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t, store.Options{DataDir: t.TempDir()})
	s.SetClock(func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600)) })
	p, err := s.CreateProgram(ctx, newProgram("Timed"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := store.QueryStringForTest(ctx, s, "SELECT CAST(created_at AS TEXT) FROM programs WHERE id = $1", p.ID)
	if err != nil || raw != "2026-03-01 09:00:00.000000+00:00" {
		t.Errorf("stored %q (%v)", raw, err)
	}
	got, _ := s.GetProgram(ctx, p.ID)
	if !got.CreatedAt.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("read back %v", got.CreatedAt)
	}
}
