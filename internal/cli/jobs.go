package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"homeward/internal/store"
)

// runJobs lists the background jobs that wait, run or failed (see
// internal/jobs): what the admin's /admin/jobs page shows, for a terminal.
func runJobs(ctx context.Context, args []string, e env, stdout, stderr io.Writer) error {
	fs := flagSet("jobs", "List the background jobs that are queued, running or failed, newest first, with their\n"+
		"attempts, when they are due and their last error code. Failed jobs are retried from /admin/jobs.", stderr)
	var db dbFlags
	db.register(fs)
	state := fs.String("state", "", "list only jobs in this state: queued, running or failed (default all three)")
	if err := parse(fs, args, e); err != nil {
		return err
	}
	states := []string{store.JobFailed, store.JobRunning, store.JobQueued}
	switch *state {
	case "":
	case store.JobQueued, store.JobRunning, store.JobFailed:
		states = []string{*state}
	default:
		return fmt.Errorf("--state %q: choose queued, running or failed", *state)
	}
	st, err := db.openStore(ctx, newLogger(io.Discard, "text"), openHow{noMigrate: true, shared: true}, e, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	counts, err := st.CountJobs(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tATTEMPTS\tDUE (UTC)\tLAST ERROR\tLEASE")
	for _, s := range states {
		list, next, err := st.ListJobs(ctx, s, store.Page{Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, j := range list {
			errCode, lease := j.LastError, j.LeaseOwner
			if errCode == "" {
				errCode = "-"
			}
			if lease != "" && j.LeaseUntil != nil {
				lease += " until " + day(j.LeaseUntil)
			} else {
				lease = "-"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempts, j.MaxAttempts, day(&j.RunAt), errCode, lease)
		}
		if next != "" {
			fmt.Fprintf(tw, "…\t%d more %s\t\t\t\t\t\n", counts[s]-len(list), s)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d queued, %d running, %d failed, %d done\n", counts[store.JobQueued], counts[store.JobRunning], counts[store.JobFailed], counts[store.JobDone])
	return nil
}
