package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"homeward/internal/cases"
)

// Through the API too, an intake records the consents given and, without
// a case code, the program makes it; codes stay ISO codes and are checked.
func TestAPIIntakeConsentsCodesAndISO(t *testing.T) {
	t.Parallel()
	apiEngines(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		j := newAPIJourney(t, a)
		p := j.prog
		p.CaseCodePattern = "api-{n:4}"
		p, err := a.store.UpdateProgram(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		body := j.call(j.coord, http.StatusCreated, "POST", "/api/v1/mentees", fmt.Sprintf(
			`{"full_name":"Alesia Karpovich","languages":["be"],"country":"DE","program_id":%d,"state":"intake","confirm_new":true,"consents":["processing"]}`, p.ID))
		created := decodeJSON[struct {
			Mentee apiMentee `json:"mentee"`
			Case   apiCase   `json:"case"`
		}](t, body)
		if created.Mentee.CaseCode != "API-0001" || created.Case.Code != "API-0001" {
			t.Errorf("made code: %s", body)
		}
		list, err := a.store.Consents(ctx, created.Mentee.ID)
		if err != nil || len(list) != 1 || list[0].Kind != cases.ConsentProcessing || !list[0].Given || list[0].RecordedBy != j.coord.ID {
			t.Errorf("consents: %+v %v", list, err)
		}
		for field, bad := range map[string]string{"consents": `"consents":["everything"]`, "country": `"country":"XX"`, "languages": `"languages":["xx"]`} {
			body := j.call(j.coord, http.StatusUnprocessableEntity, "POST", "/api/v1/mentees", fmt.Sprintf(
				`{"full_name":"Other Person","program_id":%d,"confirm_new":true,%s}`, p.ID, bad))
			if !strings.Contains(body, `"`+field+`"`) {
				t.Errorf("%s is not named as the refused field: %s", bad, body)
			}
		}
	})
}
