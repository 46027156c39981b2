package web

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"homeward/internal/errs"
	"homeward/internal/mentors"
	"homeward/internal/program"
	"homeward/internal/route"
)

// The public mentor application form: no login, per program. Abuse is kept
// off without third-party services: a limit per client address (the
// store's ApplicationLimit), a honeypot field people never see, and a
// signed time in a hidden field, so that a form sent faster than a person
// can fill it, or long after it was shown, is recognised. A submission
// caught by the honeypot or the timing gets the same answer as a real one,
// and nothing is stored.

// maxApplyBytes bounds an application form post: a few long texts, in any
// script, percent-encoded.
const maxApplyBytes = 256 << 10

// Fill-time bounds of the signed time.
const (
	applyMinFill = 3 * time.Second
	applyMaxFill = 24 * time.Hour
)

// applyTrap is the honeypot field's name: a field bots like to fill.
const applyTrap = "website"

// applyProgram is what the public form shows of a program: its name and
// description, and the choices it offers. Nothing else of the program
// reaches the page.
type applyProgram struct {
	ID          int64
	Name        string
	Description string
}

// languageChoice is a language to tick, named in its own language.
type languageChoice struct {
	Code, Name string
}

// applyForm holds what the applicant typed, as typed, so that a form with a
// problem comes back exactly as it was sent, with its choices.
type applyForm struct {
	*form
	Program   applyProgram
	Until     string // when an address over its limit may send again
	Token     string // the signed time the form was first shown
	Languages []languageChoice
	Domains   []string
	Times     []string
	Tags      []string
	Histories []string // mentors.ExperienceTags
	Genders   []string
}

// applyTextFields are the form's text fields (and its consent box); their
// names are the API's, so that validation messages land on the right field.
var applyTextFields = []string{"full_name", "email", "phone", "motivation", "other_languages", "country", "city",
	"skills", "background", "hours_per_week", "lived_experience", "preferences", "gender", "consent"}

// applyListFields are the form's groups of boxes.
var applyListFields = []string{"languages", "need_domains", "times", "preference_tags", "experience_tags"}

// languageNames are endonyms of languages programs often work in; a
// language without one is offered by its code.
var languageNames = map[string]string{
	"be": "Беларуская", "ru": "Русский", "uk": "Українська", "cs": "Čeština", "en": "English",
	"pl": "Polski", "lt": "Lietuvių", "lv": "Latviešu", "et": "Eesti", "sk": "Slovenčina",
	"de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano", "ka": "ქართული",
	"hy": "Հայերեն", "az": "Azərbaycanca", "kk": "Қазақша", "ro": "Română", "tr": "Türkçe",
}

// newApplyForm returns the empty form of a program, with the languages the
// program works in and the interface's languages to tick.
func (h *Web) newApplyForm(p program.Program, token string) *applyForm {
	f := &applyForm{
		Program: applyProgram{ID: p.ID, Name: p.Name, Description: p.Description},
		form:    newForm(nil), Token: token,
		Domains: p.NeedDomains, Times: mentors.Times, Tags: mentors.PreferenceTags,
		Histories: mentors.ExperienceTags, Genders: mentors.Genders,
	}
	codes := slices.Clone(p.Languages)
	for _, l := range h.bundle.Languages() {
		if !slices.Contains(codes, l.Code) {
			codes = append(codes, l.Code)
		}
	}
	for _, c := range codes {
		f.Languages = append(f.Languages, languageChoice{Code: c, Name: cmp.Or(languageNames[c], c)})
	}
	return f
}

// applyProgramFromPath loads the program the path's {id} names; anything
// else is a page that does not exist.
func (h *Web) applyProgramFromPath(r *http.Request) (program.Program, error) {
	id, err := route.PathID(r, "id", "program")
	if err != nil {
		return program.Program{}, err
	}
	p, err := h.store.GetProgram(r.Context(), id)
	if err == nil && !p.ApplicationsOpen {
		// A program that does not take applications is no page at all:
		// its existence is not revealed.
		return program.Program{}, errs.NotFound("program")
	}
	return p, err
}

// applyFormPage shows the empty application form.
func (h *Web) applyFormPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.applyProgramFromPath(r)
	if err != nil {
		return err
	}
	token, err := h.applyToken(r, p.ID, h.store.Now())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "apply", "", h.newApplyForm(p, token))
}

// parse reads what was posted into the form, and into an application of
// the form's program. Only the form's own fields are read: a posted
// status or program is not.
func (f *applyForm) parse(r *http.Request) mentors.Application {
	f.read(r, applyTextFields, applyListFields...)
	if f.Values["consent"] != "" {
		f.Values["consent"] = "on"
	}
	a := mentors.Application{
		ProgramID:       f.Program.ID,
		FullName:        f.Values["full_name"],
		Email:           f.Values["email"],
		Phone:           f.Values["phone"],
		Motivation:      f.Values["motivation"],
		City:            f.Values["city"],
		Skills:          f.Values["skills"],
		Background:      f.Values["background"],
		NeedDomains:     slices.Clone(f.Multi["need_domains"]),
		Times:           slices.Clone(f.Multi["times"]),
		LivedExperience: f.Values["lived_experience"],
		Preferences:     f.Values["preferences"],
		PreferenceTags:  slices.Clone(f.Multi["preference_tags"]),
		ExperienceTags:  slices.Clone(f.Multi["experience_tags"]),
		Gender:          f.Values["gender"],
		Consent:         f.Values["consent"] != "",
	}
	other, msg := readLanguages(f.Values["other_languages"])
	if msg != "" {
		f.Errors["other_languages"] = msg
	}
	a.Languages = append(slices.Clone(f.Multi["languages"]), other...)
	if a.Country, msg = readCountry(f.Values["country"]); msg != "" {
		f.Errors["country"] = msg
	}
	if s := strings.TrimSpace(f.Values["hours_per_week"]); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			f.Errors["hours_per_week"] = "validation.whole_number"
		}
		a.HoursPerWeek = v
	}
	return a
}

// applyToken signs the time a program's form is shown: "<unix seconds>.<mac>".
func (h *Web) applyToken(r *http.Request, programID int64, at time.Time) (string, error) {
	key, err := h.applyKey(r)
	if err != nil {
		return "", err
	}
	sec := strconv.FormatInt(at.Unix(), 10)
	return sec + "." + applyMAC(key, programID, sec), nil
}

// applyFilledByAPerson tells whether a token is one this server signed for
// the program, and the form was sent no sooner than a person could fill it
// and no later than a day after it was shown.
func (h *Web) applyFilledByAPerson(r *http.Request, programID int64, token string) (bool, error) {
	sec, mac, ok := strings.Cut(token, ".")
	if !ok {
		return false, nil
	}
	key, err := h.applyKey(r)
	if err != nil {
		return false, err
	}
	if !hmac.Equal([]byte(mac), []byte(applyMAC(key, programID, sec))) {
		return false, nil
	}
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return false, nil
	}
	took := h.store.Now().Sub(time.Unix(n, 0))
	return took >= applyMinFill && took <= applyMaxFill, nil
}

// applyKey derives the application form's signing key from the store's form key.
func (h *Web) applyKey(r *http.Request) ([]byte, error) {
	k, err := h.store.FormKey(r.Context())
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte("homeward mentor application form"))
	return m.Sum(nil), nil
}

func applyMAC(key []byte, programID int64, sec string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strconv.FormatInt(programID, 10) + "\x00" + sec))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
