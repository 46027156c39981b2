package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"homeward/internal/caseimport"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/program"
	"homeward/internal/store"
)

// caseImportPage is the import of a program's existing cases: the file
// and the mapping of its columns, and after a check or an import what it
// found or did.
type caseImportPage struct {
	Program program.Program
	Form    *form
	Fields  []caseimport.Field
	Columns []string // the headers of the file last sent, for the mapping
	Result  *store.CaseImportResult
	Message string
}

// caseImportForm shows the upload and mapping form.
func (h *Web) caseImportForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.CaseImport)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "case_import", "cases", caseImportPage{Program: p, Form: newForm(nil), Fields: caseimport.Fields})
}

// caseImport checks the uploaded file with the mapping typed (the button
// "check": a dry run), or imports it all or nothing ("import"). The file
// is read in memory and forgotten: nothing of it is kept between a check
// and the import, so the page asks for it again; the mapping stays typed.
func (h *Web) caseImport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.programFromPath(r, policy.CaseImport)
	if err != nil {
		return err
	}
	page := caseImportPage{Program: p, Form: newForm(nil), Fields: caseimport.Fields}
	r.Body = http.MaxBytesReader(w, r.Body, caseimport.MaxFile+1<<20)
	if err := r.ParseMultipartForm(caseimport.MaxFile + 1<<20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) || errors.Is(err, multipart.ErrMessageTooLarge) {
			page.Message = "import.file_too_large" // the form again, with the mapping's defaults
			return h.render(w, r, http.StatusRequestEntityTooLarge, "case_import", "cases", page)
		}
		page.Message = "import.no_file"
		return h.render(w, r, http.StatusUnprocessableEntity, "case_import", "cases", page)
	}
	defer r.MultipartForm.RemoveAll()
	m := caseimport.Mapping{}
	for _, f := range caseimport.Fields {
		v := r.FormValue("map." + string(f))
		page.Form.Values["map."+string(f)] = v
		if v != "" {
			m[f] = v
		}
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		page.Message = "import.no_file"
		return h.render(w, r, http.StatusUnprocessableEntity, "case_import", "cases", page)
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	res, err := h.store.ImportFile(r.Context(), store.CaseImportFile{ProgramID: p.ID, ActorID: policy.Actor(r.Context()).ID,
		Name: header.Filename, ContentType: header.Header.Get("Content-Type"), Data: data, Mapping: m,
		DryRun: r.FormValue("action") != "import"})
	if err != nil {
		if e := errs.As(err); e.Kind == errs.KindInvalid || e.Kind == errs.KindConflict {
			page.Message = "import.refused"
			return h.render(w, r, http.StatusUnprocessableEntity, "case_import", "cases", page)
		}
		return err
	}
	page.Result, page.Columns = &res, res.Columns
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.render(w, r, status, "case_import", "cases", page)
}
