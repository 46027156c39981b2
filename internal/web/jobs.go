package web

import (
	"net/http"
	"net/url"

	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// jobsPage is the admin's view of the background jobs (internal/jobs): those
// that failed for good, wait, or run. A job holds ids and an error code, so
// the page shows no personal data.
type jobsPage struct {
	State  string
	Tabs   []jobsTab
	Jobs   []store.Job
	Next   string // URL of the next page, "" on the last
	First  string // URL of the first page when not on it
	Done   string // the notice of an action just done, as a catalogue key
	Alert  string
	Failed bool // the list shows failed jobs, which can be retried
	// Mail is whether e-mail is set up, and how it goes.
	Mail jobsMail
	// KeysUnscheduled: the key-encryption key is not rotated by schedule
	// (HOMEWARD_KEY, or --key-rotation 0), so erasures do not reach older
	// backups by themselves.
	KeysUnscheduled bool
}

// jobsMail is the page's e-mail section: whether e-mail is set up (and the
// server, without its password), how many e-mails were sent and refused
// for good, and the latest refused (a staff member's address; a mentee's
// is never shown).
type jobsMail struct {
	On      bool
	Server  string
	Sent    int
	Bounced int
	Refused []store.Mail
}

// jobsTab is one state the list can show, with how many jobs are in it.
type jobsTab struct {
	State   string
	Count   int
	Href    string
	Current bool
}

// jobStates are the states the page lists, in the order shown.
var jobStates = []string{store.JobFailed, store.JobQueued, store.JobRunning}

const jobsPageSize = 100

// jobList lists the jobs of one state, newest first, 100 a page.
func (h *Web) jobList(w http.ResponseWriter, r *http.Request) error {
	done := ""
	if r.URL.Query().Get("done") == "retried" {
		done = "jobs.done.retried"
	}
	return h.renderJobs(w, r, http.StatusOK, r.URL.Query().Get("state"), done, "")
}

func (h *Web) renderJobs(w http.ResponseWriter, r *http.Request, status int, state, done, alert string) error {
	if err := policy.CheckRequest(r.Context(), policy.JobManage, 0); err != nil {
		return err
	}
	switch state {
	case store.JobQueued, store.JobRunning:
	default:
		state = store.JobFailed
	}
	counts, err := h.store.CountJobs(r.Context())
	if err != nil {
		return err
	}
	page := jobsPage{State: state, Done: done, Alert: alert, Failed: state == store.JobFailed, KeysUnscheduled: !h.epochs.Scheduled()}
	for _, s := range jobStates {
		page.Tabs = append(page.Tabs, jobsTab{State: s, Count: counts[s], Href: "/admin/jobs?state=" + url.QueryEscape(s), Current: s == state})
	}
	cursor := r.URL.Query().Get("cursor")
	list, next, err := h.store.ListJobs(r.Context(), state, store.Page{Limit: jobsPageSize, Cursor: cursor})
	if errs.Is(err, errs.KindInvalid) && cursor != "" {
		cursor = ""
		list, next, err = h.store.ListJobs(r.Context(), state, store.Page{Limit: jobsPageSize})
	}
	if err != nil {
		return err
	}
	page.Jobs = list
	page.Next, page.First = pageLinks(r, "/admin/jobs", cursor, next)
	if page.Mail, err = h.jobsMail(r); err != nil {
		return err
	}
	return h.render(w, r, status, "jobs", "jobs", page)
}

// jobRetry queues a failed job again with a fresh set of attempts. A job
// that is no longer failed (retried already, in another tab) is left alone.
func (h *Web) jobRetry(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.JobManage, 0); err != nil {
		return err
	}
	id, err := route.PathID(r, "id", "job")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, maxFormBytes); err != nil {
		return err
	}
	err = h.store.RetryJob(r.Context(), id)
	if errs.Is(err, errs.KindConflict) {
		return h.renderJobs(w, r, http.StatusConflict, store.JobFailed, "", "jobs.error.not_failed")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/jobs?done=retried", http.StatusSeeOther)
	return nil
}

// jobsMailRefused is how many refused e-mails the page lists.
const jobsMailRefused = 20

func (h *Web) jobsMail(r *http.Request) (jobsMail, error) {
	m := jobsMail{On: h.mail != nil}
	if m.On {
		m.Server = h.mail.Server()
	}
	counts, err := h.store.CountMails(r.Context())
	if err != nil {
		return m, err
	}
	m.Sent, m.Bounced = counts[store.MailSent], counts[store.MailBounced]
	m.Refused, err = h.store.Mails(r.Context(), store.MailBounced, jobsMailRefused)
	return m, err
}
