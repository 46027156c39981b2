package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"homeward/internal/auth"
	"homeward/internal/store"
)

// failedJob makes a job that has failed for good with the error code code.
func (a *app) failedJob(code string) int64 {
	a.t.Helper()
	ctx := context.Background()
	id, _, err := a.store.EnqueueJob(ctx, store.NewJob{Kind: "test.mail", Payload: store.JobPayload{"case_id": 5}, MaxAttempts: 1})
	if err != nil {
		a.t.Fatal(err)
	}
	taken, err := a.store.TakeJobs(ctx, "node-a", []string{"test.mail"}, 100, time.Minute)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, j := range taken {
		if _, err := a.store.FailJob(ctx, j, code, time.Time{}); err != nil {
			a.t.Fatal(err)
		}
	}
	return id
}

// The admin sees the jobs that failed, with their error code and nothing
// personal, and retries one; other roles may not see the page.
func TestAdminSeesFailedJobsAndRetriesThem(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id := a.failedJob("smtp.refused")
	res, body := a.do("GET", "/admin/jobs", nil)
	if res.StatusCode != 200 {
		t.Fatalf("jobs page: %d", res.StatusCode)
	}
	noRawKeys(t, "the jobs page", body)
	// This server rotates no key by schedule (as with HOMEWARD_KEY): the
	// admin is told, since erasures then do not reach older backups.
	if !strings.Contains(body, `id="keys-unscheduled"`) || !strings.Contains(body, "No scheduled key rotation") {
		t.Errorf("the jobs page does not say that keys are not rotated by schedule")
	}
	retry := "/admin/jobs/" + itoa(id) + "/retry"
	for _, want := range []string{"<code>test.mail</code>", "case_id=5", "<code>smtp.refused</code>", "1 of 1", `action="` + retry + `"`, "Failed (1)", "Waiting (0)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the jobs page lacks %q", want)
		}
	}
	res, _ = a.postForm(retry, url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/jobs?done=retried" {
		t.Fatalf("retry: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	j, err := a.store.GetJob(context.Background(), id)
	if err != nil || j.State != store.JobQueued || j.Attempts != 0 {
		t.Fatalf("the retried job: %+v (%v), want queued with no attempts", j, err)
	}
	_, body = a.do("GET", "/admin/jobs?done=retried", nil)
	if !strings.Contains(body, "queued again") || !strings.Contains(body, "No job has failed.") {
		t.Errorf("after the retry the page does not say so, or still lists the job")
	}
	if _, body = a.do("GET", "/admin/jobs?state=queued", nil); !strings.Contains(body, "<code>test.mail</code>") || strings.Contains(body, retry) {
		t.Errorf("the waiting jobs do not list the retried job, or offer to retry it")
	}
	// A second retry (another tab) changes nothing and says why.
	res, body = a.postForm(retry, url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "has not failed") {
		t.Errorf("a second retry: %d", res.StatusCode)
	}
	if res, _ := a.postForm("/admin/jobs/999999/retry", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("retrying no job: %d, want 404", res.StatusCode)
	}
	// The figures for monitoring.
	a.session = ""
	_, metrics := a.do("GET", "/metrics", nil, "Authorization", "Bearer "+testMetricsToken)
	if !strings.Contains(metrics, `homeward_jobs{state="queued"} 1`) || !strings.Contains(metrics, `homeward_jobs{state="failed"} 0`) {
		t.Errorf("metrics lack the jobs by state")
	}
	// Only the admin.
	for _, role := range []auth.Role{auth.Coordinator, auth.Mentor, auth.Viewer} {
		_, a.session = a.signedIn(string(role)+"-jobs@example.org", role)
		if res, _ := a.do("GET", "/admin/jobs", nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s opened the jobs page: %d", role, res.StatusCode)
		}
	}
}
