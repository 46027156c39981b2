package api

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"homeward/internal/auth"
	"homeward/internal/cases"
	"homeward/internal/hsds"
	"homeward/internal/matching"
	"homeward/internal/mentors"
	"homeward/internal/partners"
	"homeward/internal/program"
	"homeward/internal/store"
)

// TestOpenAPIMatchesRoutes fails when a route exists that the document lacks,
// or the document describes an operation no route serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatalf("the OpenAPI document is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != Prefix {
		t.Fatalf("document header: openapi %q, servers %v", doc.OpenAPI, doc.Servers)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				documented[strings.ToUpper(method)+" "+path] = true
			case "parameters", "summary", "description":
			default:
				t.Errorf("path %s has an unknown key %q", path, method)
			}
		}
	}
	served := map[string]bool{}
	for _, r := range New(Deps{}).Routes() {
		if r.Method == "" {
			continue // the JSON 404 catch-all
		}
		served[r.Method+" "+strings.TrimPrefix(r.Path, Prefix)] = true
	}
	for op := range served {
		if !documented[op] {
			t.Errorf("route %s is not in the OpenAPI document", op)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("the OpenAPI document describes %s, which no route serves", op)
		}
	}
	if len(served) == 0 {
		t.Fatal("no API routes")
	}
}

// Every $ref in the document points at a component that exists.
func TestOpenAPIReferencesResolve(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" {
					refs = append(refs, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	sort.Strings(refs)
	for _, ref := range refs {
		var node any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, ok := node.(map[string]any)
			if !ok || m[part] == nil {
				t.Errorf("$ref %s does not resolve", ref)
				break
			}
			node = m[part]
		}
	}
}

// The limits the document states are the ones validation enforces.
func TestOpenAPILimitsMatchValidation(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					MaxLength int `json:"maxLength"`
					MaxItems  int `json:"maxItems"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	in := doc.Components.Schemas["ProgramInput"].Properties
	own := doc.Components.Schemas["OwnOutcomeKind"].Properties
	checks := []struct {
		what      string
		doc, code int
	}{
		{"name maxLength", in["name"].MaxLength, program.MaxName},
		{"description maxLength", in["description"].MaxLength, program.MaxDescription},
		{"languages maxItems", in["languages"].MaxItems, program.MaxListItems},
		{"countries maxItems", in["countries"].MaxItems, program.MaxListItems},
		{"need_domains maxItems", in["need_domains"].MaxItems, program.MaxListItems},
		{"own_outcome_kinds maxItems", in["own_outcome_kinds"].MaxItems, program.MaxOwnOutcomeKinds},
		{"OwnOutcomeKind key maxLength", own["key"].MaxLength, program.MaxOutcomeKey},
		{"OwnOutcomeKind label maxLength", own["label"].MaxLength, program.MaxOutcomeLabel},
	}
	for _, c := range checks {
		if c.doc != c.code {
			t.Errorf("%s: the document says %d, validation enforces %d", c.what, c.doc, c.code)
		}
	}
	var defaults struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Default []string `json:"default"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	_ = json.Unmarshal(OpenAPIDocument(), &defaults)
	if got := defaults.Components.Schemas["ProgramInput"].Properties["need_domains"].Default; strings.Join(got, ",") != strings.Join(program.DefaultNeedDomains, ",") {
		t.Errorf("need_domains default %v, want %v", got, program.DefaultNeedDomains)
	}
}

// openAPIPaths reads the document's paths: each path's own parameters and
// its operations.
func openAPIPaths(t *testing.T) map[string]map[string]json.RawMessage {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Paths
}

type openAPIParam struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type openAPIOperation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []openAPIParam             `json:"parameters"`
	RequestBody json.RawMessage            `json:"requestBody"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// Every {name} in a path is declared as a required path parameter, nothing
// else is declared as one, every operation has a unique id and a success
// answer, every PUT and PATCH a body, and every operation on a record says
// what happens when there is no such record (404).
func TestOpenAPIOperationsAreComplete(t *testing.T) {
	t.Parallel()
	ids := map[string]string{}
	for path, item := range openAPIPaths(t) {
		var shared []openAPIParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				t.Fatalf("%s parameters: %v", path, err)
			}
		}
		want := map[string]bool{}
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			want[m[1]] = true
		}
		for method, raw := range item {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			where := strings.ToUpper(method) + " " + path
			declared := map[string]bool{}
			for _, p := range append(slices.Clone(shared), op.Parameters...) {
				if p.In != "path" {
					continue
				}
				if !want[p.Name] || !p.Required {
					t.Errorf("%s declares path parameter %q, which the path lacks or does not require", where, p.Name)
				}
				declared[p.Name] = true
			}
			for name := range want {
				if !declared[name] {
					t.Errorf("%s does not declare its path parameter {%s}", where, name)
				}
			}
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share the operationId %s", where, other, op.OperationID)
			}
			ids[op.OperationID] = where
			success := false
			for code := range op.Responses {
				success = success || strings.HasPrefix(code, "2")
			}
			if !success {
				t.Errorf("%s documents no success answer", where)
			}
			if (method == "put" || method == "patch") && len(op.RequestBody) == 0 {
				t.Errorf("%s has no requestBody", where)
			}
			if len(want) > 0 && op.Responses["404"] == nil {
				t.Errorf("%s acts on a record but does not document 404", where)
			}
		}
	}
}

// The enums the document states are the values the domain accepts.
func TestOpenAPIEnumsMatchTheDomain(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	checks := map[string][]string{
		"CaseState":     strs(cases.States),
		"ClosureReason": strs(cases.ClosureReasons),
		"Signal":        strs(cases.Signals),
		"Gender":        strs(cases.Genders),
		"HistoryPart":   strs(cases.HistoryParts),
		"ConsentKind":   strs(cases.ConsentKinds),
		"Severity":      strs(cases.Severities),
		"NeedStatus":    strs(cases.NeedStatuses),
		"Owner":         strs(cases.Owners),
		"StepStatus":    strs(cases.StepStatuses),
		"Channel":       strs(cases.Channels),
		"Urgency":       strs(cases.Urgencies),
		"RequestStatus": strs(cases.RequestStatuses),
		"Visibility":    strs(cases.Visibilities),
		"OutcomeKind":   strs(cases.OutcomeKinds),
		"Answer":        strs(cases.Answers),
		"Phase":         strs(cases.Phases),
		"ErasureReason": strs(cases.ErasureReasons),
		"ErasureStatus": strs([]cases.ErasureStatus{cases.ErasurePending, cases.ErasureDone, cases.ErasureRefused}),
		"FacilityKind":  strs(program.FacilityKinds),
		"Role":          strs(auth.Roles),
		"UserStatus":    {auth.StatusActive, auth.StatusInvited, auth.StatusDisabled},
	}
	for name, want := range checks {
		got := doc.Components.Schemas[name].Enum
		if !slices.Equal(got, want) {
			t.Errorf("%s: the document says %q, the domain has %q", name, got, want)
		}
	}
	// The case list's sort parameter.
	var list struct {
		Parameters []struct {
			Name   string `json:"name"`
			Schema struct {
				Enum []string `json:"enum"`
			} `json:"schema"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(openAPIPaths(t)["/cases"]["get"], &list); err != nil {
		t.Fatal(err)
	}
	sorts := []string{string(store.SortDue), string(store.SortCode), string(store.SortOpened)}
	found := false
	for _, p := range list.Parameters {
		if p.Name == "sort" {
			found = true
			if !slices.Equal(p.Schema.Enum, sorts) {
				t.Errorf("sort: the document says %q, the store sorts by %q", p.Schema.Enum, sorts)
			}
		}
	}
	if !found {
		t.Errorf("GET /cases does not document sort")
	}
}

func strs[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// The text limits the document states for the case journey are the ones
// validation enforces.
func TestOpenAPICaseLimitsMatchValidation(t *testing.T) {
	t.Parallel()
	type prop struct {
		MaxLength  int             `json:"maxLength"`
		MaxItems   int             `json:"maxItems"`
		Properties map[string]prop `json:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]prop `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	checks := []struct {
		what      string
		doc, code int
	}{
		{"MenteeInput full_name", s["MenteeInput"].Properties["full_name"].MaxLength, cases.MaxName},
		{"MenteeInput city", s["MenteeInput"].Properties["city"].MaxLength, cases.MaxShort},
		{"MenteeInput family", s["MenteeInput"].Properties["family"].MaxLength, cases.MaxLong},
		{"MenteeInput occupation", s["MenteeInput"].Properties["occupation"].MaxLength, cases.MaxShort},
		{"MenteeInput contact_channels", s["MenteeInput"].Properties["contact_channels"].MaxLength, cases.MaxLong},
		{"MenteeInput contact_times", s["MenteeInput"].Properties["contact_times"].MaxLength, cases.MaxShort},
		{"MenteeInput referral_source", s["MenteeInput"].Properties["referral_source"].MaxLength, cases.MaxShort},
		{"MenteeInput languages", s["MenteeInput"].Properties["languages"].MaxItems, 20},
		{"TransitionInput reason", s["TransitionInput"].Properties["reason"].MaxLength, cases.MaxReason},
		{"MatchEndInput reason", s["MatchEndInput"].Properties["reason"].MaxLength, cases.MaxReason},
		{"PlanStepInput title", s["PlanStepInput"].Properties["title"].MaxLength, cases.MaxShort},
		{"ContactInput summary", s["ContactInput"].Properties["summary"].MaxLength, cases.MaxLong},
		{"RequestInput text", s["RequestInput"].Properties["text"].MaxLength, cases.MaxLong},
		{"NoteInput body", s["NoteInput"].Properties["body"].MaxLength, cases.MaxLong},
		{"OutcomeInput note", s["OutcomeInput"].Properties["note"].MaxLength, cases.MaxShort},
		{"FeedbackInput text", s["FeedbackInput"].Properties["text"].MaxLength, cases.MaxLong},
		{"FollowUpInput note", s["FollowUpInput"].Properties["note"].MaxLength, cases.MaxLong},
	}
	for _, p := range cases.HistoryParts {
		checks = append(checks, struct {
			what      string
			doc, code int
		}{"HistoryInput " + string(p), s["HistoryInput"].Properties["parts"].Properties[string(p)].MaxLength, cases.MaxHistory})
	}
	for _, c := range checks {
		if c.doc != c.code {
			t.Errorf("%s: the document says %d, validation enforces %d", c.what, c.doc, c.code)
		}
	}
}

// The enums the document states for mentors, training and matching are the
// values the domain defines. Where the domain exports no list (completion
// statuses, readiness reasons, origins, score items) the constants are
// listed here in the order of their declaration.
func TestOpenAPIMentorEnumsMatchTheDomain(t *testing.T) {
	t.Parallel()
	type schema struct {
		Enum       []string `json:"enum"`
		Ref        string   `json:"$ref"`
		Properties map[string]struct {
			Ref   string `json:"$ref"`
			Items struct {
				Ref string `json:"$ref"`
			} `json:"items"`
		} `json:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	checks := map[string][]string{
		"MentorStage":      strs(mentors.Stages),
		"Pipeline":         strs(mentors.Pipelines),
		"CheckKind":        mentors.CheckKinds,
		"CheckResult":      strs(mentors.CheckResults),
		"CompletionStatus": strs([]mentors.CompletionStatus{mentors.NotDone, mentors.Reported, mentors.Confirmed}),
		"ReadinessReasonKey": {mentors.ReasonStage, mentors.ReasonAccountInvited, mentors.ReasonAccount,
			mentors.ReasonPaused, mentors.ReasonModule, mentors.ReasonModuleReported, mentors.ReasonCheckMissing,
			mentors.ReasonCheckFailed, mentors.ReasonCheckExpired, mentors.ReasonAccountDisabled},
		"MentorOrigin":       strs([]mentors.Origin{mentors.FromApplication, mentors.FromAccount}),
		"ExperienceTag":      mentors.ExperienceTags,
		"AvailabilityTime":   mentors.Times,
		"PreferenceTag":      mentors.PreferenceTags,
		"MentorGender":       append([]string{""}, mentors.Genders...),
		"Wish":               matching.Wishes,
		"WishedMentorGender": append([]string{""}, matching.MentorGenders...),
		"ScoreItemKey": {matching.ItemLanguage, matching.ItemPlace, matching.ItemAvailability, matching.ItemSkills,
			matching.ItemPreferences, matching.ItemLivedExperience},
	}
	for name, want := range checks {
		if got := s[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s: the document says %q, the domain has %q", name, got, want)
		}
	}
	// The score items come in the order of the program's weights.
	var weights []string
	for _, w := range program.DefaultMatchWeights().Items() {
		weights = append(weights, "match.item."+w.Field)
	}
	if got := s["ScoreItemKey"].Enum; !slices.Equal(got, weights) {
		t.Errorf("ScoreItemKey: the document says %q, the weights are %q", got, weights)
	}
	// The fields that carry these values point at the enums, rather than
	// stating a copy that could drift.
	refs := []struct{ schema, prop, enum string }{
		{"Mentor", "stage", "MentorStage"},
		{"Mentor", "origin", "MentorOrigin"},
		{"MentorUpdate", "stage", "MentorStage"},
		{"MentorStanding", "pipeline", "Pipeline"},
		{"ReadinessReason", "key", "ReadinessReasonKey"},
		{"MentorCheck", "kind", "CheckKind"},
		{"MentorCheck", "result", "CheckResult"},
		{"MentorCheckInput", "kind", "CheckKind"},
		{"MentorCheckInput", "result", "CheckResult"},
		{"Completion", "status", "CompletionStatus"},
		{"CompletionInput", "status", "CompletionStatus"},
		{"ScoreItem", "key", "ScoreItemKey"},
	}
	for _, r := range refs {
		if got := s[r.schema].Properties[r.prop].Ref; got != "#/components/schemas/"+r.enum {
			t.Errorf("%s.%s refers to %q, want the %s enum", r.schema, r.prop, got, r.enum)
		}
	}
	items := []struct{ schema, prop, enum string }{
		{"ProgramInput", "mentor_checks", "CheckKind"},
		{"Program", "mentor_checks", "CheckKind"},
		{"MentorProfileInput", "experience_tags", "ExperienceTag"},
		{"MentorProfileInput", "times", "AvailabilityTime"},
		{"MentorProfileInput", "preference_tags", "PreferenceTag"},
		{"MatchProfileInput", "wishes", "Wish"},
		{"MatchProfileInput", "background", "ExperienceTag"},
		{"MentorApplicationInput", "experience_tags", "ExperienceTag"},
	}
	for _, r := range items {
		if got := s[r.schema].Properties[r.prop].Items.Ref; got != "#/components/schemas/"+r.enum {
			t.Errorf("%s.%s items refer to %q, want the %s enum", r.schema, r.prop, got, r.enum)
		}
	}
	// The mentor list's filters.
	var list struct {
		Parameters []struct {
			Name   string `json:"name"`
			Schema struct {
				Ref   string `json:"$ref"`
				Items struct {
					Ref string `json:"$ref"`
				} `json:"items"`
			} `json:"schema"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(openAPIPaths(t)["/mentors"]["get"], &list); err != nil {
		t.Fatal(err)
	}
	filters := map[string]string{}
	for _, p := range list.Parameters {
		filters[p.Name] = p.Schema.Ref + p.Schema.Items.Ref
	}
	if filters["pipeline"] != "#/components/schemas/Pipeline" || filters["stage"] != "#/components/schemas/MentorStage" {
		t.Errorf("GET /mentors filters: pipeline %q, stage %q", filters["pipeline"], filters["stage"])
	}
}

// The limits and defaults the document states for mentors, training modules
// and the programs' mentor settings are the ones the code enforces.
func TestOpenAPIMentorLimitsMatchValidation(t *testing.T) {
	t.Parallel()
	type prop struct {
		MaxLength int             `json:"maxLength"`
		MaxItems  int             `json:"maxItems"`
		Maximum   float64         `json:"maximum"`
		Minimum   float64         `json:"minimum"`
		Default   json.RawMessage `json:"default"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]prop `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	profile, module := s["MentorProfileInput"].Properties, s["TrainingModuleInput"].Properties
	checks := []struct {
		what      string
		doc, code float64
	}{
		{"MentorProfileInput languages maxItems", float64(profile["languages"].MaxItems), mentors.MaxLanguages},
		{"MentorProfileInput city maxLength", float64(profile["city"].MaxLength), mentors.MaxShort},
		{"MentorProfileInput skills maxLength", float64(profile["skills"].MaxLength), mentors.MaxText},
		{"MentorProfileInput hours_per_week maximum", profile["hours_per_week"].Maximum, mentors.MaxHours},
		{"MentorUpdate capacity maximum", s["MentorUpdate"].Properties["capacity"].Maximum, mentors.MaxCapacity},
		{"MentorNoteInput body maxLength", float64(s["MentorNoteInput"].Properties["body"].MaxLength), mentors.MaxNote},
		{"TrainingModuleInput title maxLength", float64(module["title"].MaxLength), mentors.MaxModuleTitle},
		{"TrainingModuleInput description maxLength", float64(module["description"].MaxLength), mentors.MaxModuleDescription},
		{"TrainingModuleInput position maximum", module["position"].Maximum, mentors.MaxPosition},
		{"TrainingModuleInput hours maximum", module["hours"].Maximum, mentors.MaxModuleHours},
		{"MatchingConfirmInput pairs maxItems", float64(s["MatchingConfirmInput"].Properties["pairs"].MaxItems), store.MaxPairs},
		{"FacilityInput name maxLength", float64(s["FacilityInput"].Properties["name"].MaxLength), program.MaxFacilityName},
		{"CustodyInput facility_detail maxLength", float64(s["CustodyInput"].Properties["facility_detail"].MaxLength), cases.MaxShort},
	}
	for _, w := range program.DefaultMatchWeights().Items() {
		p := s["MatchWeights"].Properties[w.Field]
		var def float64
		_ = json.Unmarshal(p.Default, &def)
		checks = append(checks, []struct {
			what      string
			doc, code float64
		}{
			{"MatchWeights " + w.Field + " maximum", p.Maximum, program.MaxWeight},
			{"MatchWeights " + w.Field + " default", def, w.Weight},
		}...)
	}
	if len(s["MatchWeights"].Properties) != len(program.DefaultMatchWeights().Items()) {
		t.Errorf("MatchWeights has %d properties, the program %d weights", len(s["MatchWeights"].Properties), len(program.DefaultMatchWeights().Items()))
	}
	defaults := program.New()
	in := s["ProgramInput"].Properties
	var hours float64
	_ = json.Unmarshal(in["hours_per_contact"].Default, &hours)
	checks = append(checks, struct {
		what      string
		doc, code float64
	}{"ProgramInput hours_per_contact default", hours, defaults.HoursPerContact})
	for _, c := range checks {
		if c.doc != c.code {
			t.Errorf("%s: the document says %g, the code has %g", c.what, c.doc, c.code)
		}
	}
	var checksDefault []string
	_ = json.Unmarshal(in["mentor_checks"].Default, &checksDefault)
	if !slices.Equal(checksDefault, defaults.MentorChecks) {
		t.Errorf("ProgramInput mentor_checks default %q, a new program has %q", checksDefault, defaults.MentorChecks)
	}
}

// The enums the document states for the directory and referrals are the
// values the domain defines, and the fields that carry them point at them.
func TestOpenAPIPartnerEnumsMatchTheDomain(t *testing.T) {
	t.Parallel()
	type schema struct {
		Enum       []string `json:"enum"`
		Properties map[string]struct {
			Ref   string `json:"$ref"`
			Items struct {
				Ref string `json:"$ref"`
			} `json:"items"`
			Default json.RawMessage `json:"default"`
		} `json:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	checks := map[string][]string{
		"ServiceStatus":   strs(partners.ServiceStatuses),
		"ReferralStatus":  strs(partners.Statuses),
		"ReferralReason":  strs(partners.Reasons),
		"ReferralChannel": strs(partners.ReferralChannels),
		"ReferralField":   strs(partners.AllFields()),
		"ReferralSide":    strs([]partners.Side{partners.SideReferrer, partners.SidePartner}),
	}
	for name, want := range checks {
		if got := s[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s: the document says %q, the domain has %q", name, got, want)
		}
	}
	refs := []struct{ schema, prop, enum string }{
		{"ServiceInput", "status", "ServiceStatus"},
		{"Service", "status", "ServiceStatus"},
		{"Service", "results", "ServiceResults"},
		{"Referral", "status", "ReferralStatus"},
		{"Referral", "reason", "ReferralReason"},
		{"Referral", "channel", "ReferralChannel"},
		{"PartnerReferral", "status", "ReferralStatus"},
		{"PartnerReferral", "reason", "ReferralReason"},
		{"ReferralInput", "channel", "ReferralChannel"},
		{"ReferralUpdate", "channel", "ReferralChannel"},
		{"ReferralEventInput", "status", "ReferralStatus"},
		{"ReferralEventInput", "reason", "ReferralReason"},
		{"ReferralEventInput", "side", "ReferralSide"},
		{"ReferralEventInput", "outcome", "OutcomeInput"},
		{"ReferralEvent", "status", "ReferralStatus"},
		{"ReferralEvent", "side", "ReferralSide"},
	}
	for _, r := range refs {
		if got := s[r.schema].Properties[r.prop].Ref; got != "#/components/schemas/"+r.enum {
			t.Errorf("%s.%s refers to %q, want the %s schema", r.schema, r.prop, got, r.enum)
		}
	}
	items := []struct{ schema, prop, enum string }{
		{"Referral", "share", "ReferralField"},
		{"PartnerReferral", "share", "ReferralField"},
		{"ReferralInput", "share", "ReferralField"},
		{"ReferralUpdate", "share", "ReferralField"},
		{"ServiceInput", "areas", "Area"},
		{"Service", "areas", "Area"},
		{"PartnerInput", "contacts", "ContactPerson"},
		{"Partner", "contacts", "ContactPerson"},
		{"Partner", "services", "Service"},
	}
	for _, r := range items {
		if got := s[r.schema].Properties[r.prop].Items.Ref; got != "#/components/schemas/"+r.enum {
			t.Errorf("%s.%s items refer to %q, want the %s schema", r.schema, r.prop, got, r.enum)
		}
	}
	var share []string
	_ = json.Unmarshal(s["ReferralInput"].Properties["share"].Default, &share)
	if got := share; !slices.Equal(got, strs(partners.DefaultShare)) {
		t.Errorf("ReferralInput share default %q, a new referral shares %q", got, partners.DefaultShare)
	}
	// The referral list's status filter.
	var list struct {
		Parameters []struct {
			Name   string `json:"name"`
			Schema struct {
				Ref string `json:"$ref"`
			} `json:"schema"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(openAPIPaths(t)["/referrals"]["get"], &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range list.Parameters {
		if p.Name == "status" {
			found = true
			if p.Schema.Ref != "#/components/schemas/ReferralStatus" {
				t.Errorf("GET /referrals status refers to %q", p.Schema.Ref)
			}
		}
	}
	if !found {
		t.Error("GET /referrals does not document status")
	}
}

// The limits the document states for the directory and referrals are the
// ones validation enforces.
func TestOpenAPIPartnerLimitsMatchValidation(t *testing.T) {
	t.Parallel()
	type prop struct {
		MaxLength int `json:"maxLength"`
		MaxItems  int `json:"maxItems"`
		Items     struct {
			MaxLength int `json:"maxLength"`
		} `json:"items"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]prop `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	org, contact, svc := s["PartnerInput"].Properties, s["ContactPerson"].Properties, s["ServiceInput"].Properties
	checks := []struct {
		what      string
		doc, code int
	}{
		{"PartnerInput name", org["name"].MaxLength, partners.MaxName},
		{"PartnerInput description", org["description"].MaxLength, partners.MaxLong},
		{"PartnerInput phone", org["phone"].MaxLength, partners.MaxName},
		{"PartnerInput contacts maxItems", org["contacts"].MaxItems, partners.MaxContacts},
		{"ContactPerson name", contact["name"].MaxLength, partners.MaxName},
		{"ContactPerson title", contact["title"].MaxLength, partners.MaxName},
		{"ContactPerson phone", contact["phone"].MaxLength, partners.MaxName},
		{"ServiceInput name", svc["name"].MaxLength, partners.MaxName},
		{"ServiceInput description", svc["description"].MaxLength, partners.MaxLong},
		{"ServiceInput eligibility", svc["eligibility"].MaxLength, partners.MaxLong},
		{"ServiceInput application_process", svc["application_process"].MaxLength, partners.MaxLong},
		{"ServiceInput fees", svc["fees"].MaxLength, partners.MaxShort},
		{"ServiceInput schedule", svc["schedule"].MaxLength, partners.MaxShort},
		{"ServiceInput languages maxItems", svc["languages"].MaxItems, partners.MaxLangs},
		{"ServiceInput areas maxItems", svc["areas"].MaxItems, partners.MaxAreas},
		{"ServiceInput required_documents maxItems", svc["required_documents"].MaxItems, partners.MaxDocs},
		{"ServiceInput required_documents items", svc["required_documents"].Items.MaxLength, partners.MaxShort},
		{"ServiceInput need_domains maxItems", svc["need_domains"].MaxItems, partners.MaxDomains},
		{"Area city", s["Area"].Properties["city"].MaxLength, partners.MaxName},
		{"ReferralInput message", s["ReferralInput"].Properties["message"].MaxLength, partners.MaxMessage},
		{"ReferralInput consent_note", s["ReferralInput"].Properties["consent_note"].MaxLength, partners.MaxConsent},
		{"ReferralUpdate message", s["ReferralUpdate"].Properties["message"].MaxLength, partners.MaxMessage},
		{"ReferralUpdate consent_note", s["ReferralUpdate"].Properties["consent_note"].MaxLength, partners.MaxConsent},
		{"ReferralEventInput message", s["ReferralEventInput"].Properties["message"].MaxLength, partners.MaxMessage},
	}
	for _, c := range checks {
		if c.doc != c.code {
			t.Errorf("%s: the document says %d, validation enforces %d", c.what, c.doc, c.code)
		}
	}
	// The import's problems are capped as the reader caps them.
	var imp struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema struct {
					AllOf []struct {
						Properties map[string]struct {
							MaxItems int `json:"maxItems"`
						} `json:"properties"`
					} `json:"allOf"`
				} `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(openAPIPaths(t)["/directory/hsds"]["post"], &imp); err != nil {
		t.Fatal(err)
	}
	capped := 0
	for _, part := range imp.Responses["422"].Content["application/json"].Schema.AllOf {
		if p, ok := part.Properties["problems"]; ok {
			capped = p.MaxItems
		}
	}
	if capped != hsds.MaxProblems {
		t.Errorf("import problems maxItems %d, the reader returns at most %d", capped, hsds.MaxProblems)
	}
}

// An outcome's kind is a built-in one (the OutcomeKind enum) or one of its
// program's own, whose keys the document describes as validation checks them.
func TestOpenAPIOutcomeKinds(t *testing.T) {
	t.Parallel()
	type prop struct {
		Ref     string `json:"$ref"`
		Pattern string `json:"pattern"`
		AnyOf   []prop `json:"anyOf"`
		Items   struct {
			Ref string `json:"$ref"`
		} `json:"items"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				AnyOf      []prop          `json:"anyOf"`
				Properties map[string]prop `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	if got := s["OwnOutcomeKind"].Properties["key"].Pattern; got != program.OutcomeKeyPattern {
		t.Errorf("OwnOutcomeKind.key pattern %q, validation uses %q", got, program.OutcomeKeyPattern)
	}
	key := s["OutcomeKindKey"].AnyOf
	if len(key) != 2 || key[0].Ref != "#/components/schemas/OutcomeKind" || key[1].Pattern != program.OutcomeKeyPattern {
		t.Errorf("OutcomeKindKey is %+v, want the OutcomeKind enum or an own key", key)
	}
	for _, schema := range []string{"OutcomeInput", "Outcome"} {
		if got := s[schema].Properties["kind"].Ref; got != "#/components/schemas/OutcomeKindKey" {
			t.Errorf("%s.kind refers to %q, want OutcomeKindKey", schema, got)
		}
		for _, f := range []string{"occurred_on", "after_release"} {
			if _, ok := s[schema].Properties[f]; !ok {
				t.Errorf("%s has no %s", schema, f)
			}
		}
	}
	for _, schema := range []string{"ProgramInput", "Program"} {
		if got := s[schema].Properties["own_outcome_kinds"].Items.Ref; got != "#/components/schemas/OwnOutcomeKind" {
			t.Errorf("%s.own_outcome_kinds items refer to %q, want OwnOutcomeKind", schema, got)
		}
	}
}

// The roles a program's staff list documents are the ones it lists.
func TestOpenAPIStaffRoles(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Components.Schemas["StaffMember"].Properties["role"].Enum; !slices.Equal(got, strs(staffRoles)) {
		t.Errorf("StaffMember.role: the document says %q, the list has %q", got, strs(staffRoles))
	}
}
