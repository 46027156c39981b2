package server_test

import (
	"net/http"
	"strings"
	"testing"

	"homeward/internal/auth"
)

// Who may do what to which program, through the pages and the API.
func TestProgramPolicy(t *testing.T) {
	t.Parallel()
	a := newApp(t) // signed in as an admin
	mine := a.program("Mine")
	other := a.program("Other")
	cases := []struct {
		role           auth.Role
		programs       []int64
		list           []string // names the list shows
		create         bool
		viewMine, edit bool
	}{
		{auth.Admin, nil, []string{"Mine", "Other"}, true, true, true},
		{auth.Coordinator, []int64{mine.ID}, []string{"Mine"}, false, true, true},
		{auth.Mentor, []int64{mine.ID}, []string{"Mine"}, false, true, false},
		{auth.Mentee, []int64{mine.ID}, []string{"Mine"}, false, true, false},
		{auth.Partner, nil, nil, false, false, false},
		{auth.Viewer, []int64{mine.ID}, []string{"Mine"}, false, true, false},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			_, a.session = a.signedIn(string(c.role)+"-p@example.org", c.role, c.programs...)
			_, body := a.do("GET", "/api/v1/programs", nil)
			for _, n := range []string{"Mine", "Other"} {
				want := strings.Contains(strings.Join(c.list, ","), n)
				if got := strings.Contains(body, `"name":"`+n+`"`); got != want {
					t.Errorf("list shows %s: %v, want %v", n, got, want)
				}
			}
			res, _ := a.do("POST", "/api/v1/programs", strings.NewReader(`{"name":"New by `+string(c.role)+`"}`))
			if (res.StatusCode == http.StatusCreated) != c.create {
				t.Errorf("create: %d", res.StatusCode)
			}
			if !c.create && res.StatusCode != http.StatusForbidden {
				t.Errorf("refused create: %d, want 403", res.StatusCode)
			}
			res, _ = a.do("GET", "/programs/"+itoa(mine.ID), nil)
			if (res.StatusCode == 200) != c.viewMine {
				t.Errorf("view own program page: %d", res.StatusCode)
			}
			// Another program is not even found, unless the user sees every program.
			res, _ = a.do("GET", "/api/v1/programs/"+itoa(other.ID), nil)
			if want := map[bool]int{true: 200, false: 404}[c.role == auth.Admin]; res.StatusCode != want {
				t.Errorf("get another program: %d, want %d", res.StatusCode, want)
			}
			v := programForm("Renamed by " + string(c.role))
			v.Set("version", "1")
			res, _ = a.postForm("/programs/"+itoa(other.ID), v)
			if c.role != auth.Admin && res.StatusCode != 404 {
				t.Errorf("edit another program: %d, want 404", res.StatusCode)
			}
			res, _ = a.do("GET", "/programs/"+itoa(mine.ID)+"/edit", nil)
			if (res.StatusCode == 200) != c.edit {
				t.Errorf("edit own program page: %d", res.StatusCode)
			}
		})
	}
}
