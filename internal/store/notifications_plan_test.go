package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"homeward/internal/testdb"
)

// The bell's count and the inbox are served by the notifications indexes
// (notifications_unread, notifications_inbox), never a scan of every
// user's notifications: the plans of their queries on both engines.
func TestNotificationQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, opts Options) {
		f := newPlanFixture(t, opts)
		s := f.s
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		var users []int64
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE role = 'mentor' ORDER BY id`)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				users = append(users, id)
			}
			rows.Close()
			for i := range 12000 {
				var read any
				if i%5 != 0 {
					read = s.ts(now)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, object_type, object_id, program_id, unique_key, created_at, read_at)
					VALUES ($1, 'new_match', 'case', $2, $3, $4, $5, $6)`, users[i%len(users)], f.caseID-int64(i%6000), f.p1,
					fmt.Sprintf("k%d", i), s.ts(now), read); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
			t.Fatal(err)
		}
		mentor := NotificationScope{UserID: f.mentor, Cases: CaseScope{ProgramIDs: []int64{f.p1, f.p2, f.p3}, MentorID: f.mentor},
			ReferralCases: CaseScope{ProgramIDs: []int64{f.p1, f.p2, f.p3}, MentorID: f.mentor}}
		coordinator := NotificationScope{UserID: f.mentor, Cases: CaseScope{ProgramIDs: []int64{f.p1}}, ReferralCases: CaseScope{ProgramIDs: []int64{f.p1}},
			MentorPrograms: []int64{f.p1}, DigestPrograms: []int64{f.p1}}
		for name, sc := range map[string]NotificationScope{"mentor": mentor, "coordinator": coordinator} {
			_, _, count, countArgs := inboxQuery(sc, true, 0, 0)
			assertNotificationsIndexed(t, s.engine, name+"'s bell", s.explain(t, count, countArgs...))
			query, args, _, _ := inboxQuery(sc, false, 0, 51)
			assertNotificationsIndexed(t, s.engine, name+"'s inbox", s.explain(t, query, args...))
			query, args, _, _ = inboxQuery(sc, true, 1<<40, 51)
			assertNotificationsIndexed(t, s.engine, name+"'s unread inbox, page 2", s.explain(t, query, args...))
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		run(t, Options{DataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, Options{DatabaseURL: testdb.Postgres(t)})
	})
}

// assertNotificationsIndexed fails when the plan scans the notifications.
func assertNotificationsIndexed(t *testing.T, engine Engine, what string, plan []string) {
	t.Helper()
	text := strings.Join(plan, "\n")
	switch engine {
	case SQLite:
		if regexp.MustCompile(`\bSCAN n( |$)`).MatchString(text) || !strings.Contains(text, "SEARCH n USING") {
			t.Errorf("%s scans the notifications:\n%s", what, text)
		}
	case Postgres:
		if strings.Contains(text, "Seq Scan on notifications") || !regexp.MustCompile(`Index.* on notifications`).MatchString(text) {
			t.Errorf("%s scans the notifications:\n%s", what, text)
		}
	}
	t.Logf("%s:\n%s", what, text)
}
