package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"homeward/internal/caseimport"
	"homeward/internal/errs"
	"homeward/internal/policy"
	"homeward/internal/route"
	"homeward/internal/store"
)

// caseImportProblemsBody is the answer to a file with problems: the usual
// error, what the import counted, and where each problem is (row, cell,
// column, field and a message key; never the file's values).
type caseImportProblemsBody struct {
	Error errorDetail `json:"error"`
	store.CaseImportResult
}

// caseImport imports a program's existing cases from a CSV or XLSX file,
// all or nothing, for the program's coordinators: the file as a multipart
// form's "file" (with "map" beside it) or as the body itself (Content-Type
// text/csv or the XLSX type, ?map=…); map is "column=field" pairs.
// ?dry_run=true checks every row and imports nothing. A file with any
// problem is answered 422 with the problems.
func (a *API) caseImport(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id", "program")
	if err == nil {
		err = policy.CheckRequest(r.Context(), policy.CaseImport, id)
	}
	if err != nil {
		return err
	}
	dry := r.URL.Query().Get("dry_run")
	if dry != "" && dry != "true" && dry != "false" {
		return errs.Invalid(map[string]string{"dry_run": "validation.choice"})
	}
	in := store.CaseImportFile{ProgramID: id, ActorID: actorID(r), DryRun: dry == "true"}
	mapping := r.URL.Query().Get("map")
	r.Body = http.MaxBytesReader(w, r.Body, caseimport.MaxFile+1<<20)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		// Kept in memory whole: no part of the file is written to disk.
		if err := r.ParseMultipartForm(caseimport.MaxFile + 1<<20); err != nil {
			return tooLargeOr(err, "The body must be a multipart form with the file in \"file\".")
		}
		defer r.MultipartForm.RemoveAll()
		file, header, err := r.FormFile("file")
		if err != nil {
			return invalidBody("The multipart form has no \"file\".")
		}
		defer file.Close()
		if in.Data, err = io.ReadAll(file); err != nil {
			return tooLargeOr(err, "The file could not be read.")
		}
		in.Name, in.ContentType = header.Filename, header.Header.Get("Content-Type")
		if v := r.FormValue("map"); v != "" {
			mapping = v
		}
	case "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream":
		if in.Data, err = io.ReadAll(r.Body); err != nil {
			return tooLargeOr(err, "The body could not be read.")
		}
		in.ContentType = mt
	default:
		return invalidBody("The body must be a CSV or XLSX file (Content-Type: text/csv or the XLSX type), or a multipart form with it.")
	}
	m, problems := caseimport.ParseMapping(mapping)
	in.Mapping = m
	res := store.CaseImportResult{DryRun: in.DryRun, Problems: problems}
	if len(problems) == 0 {
		if res, err = a.store.ImportFile(r.Context(), in); err != nil {
			return err
		}
	}
	if len(res.Problems) > 0 {
		e := &errs.Error{Kind: errs.KindInvalid, Code: "invalid", Message: "The file has problems; nothing was imported. problems says where each one is."}
		return writeJSON(w, errs.Status(e), caseImportProblemsBody{Error: errorDetail{Code: e.Code, Message: e.Message}, CaseImportResult: res})
	}
	status := http.StatusOK
	if !in.DryRun {
		status = http.StatusCreated
	}
	return writeJSON(w, status, res)
}

// tooLargeOr is the error of a body that could not be read: too large, or
// not what was asked.
func tooLargeOr(err error, msg string) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || errors.Is(err, multipart.ErrMessageTooLarge) {
		return errs.TooLarge()
	}
	return invalidBody(msg)
}
