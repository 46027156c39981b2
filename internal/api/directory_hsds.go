package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"homeward/internal/errs"
	"homeward/internal/hsds"
	"homeward/internal/policy"
)

// maxHSDSFile bounds an uploaded HSDS file (a data package zip or JSON).
const maxHSDSFile = 64 << 20

// directoryExport writes the whole directory as an HSDS file: JSON by
// default, ?format=datapackage for the tabular data package (a zip). The
// store audits the export.
func (a *API) directoryExport(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.DirectoryEdit, 0); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "datapackage" {
		return errs.Invalid(map[string]string{"format": "validation.choice"})
	}
	d, err := a.store.Directory(r.Context())
	if err != nil {
		return err
	}
	// The whole file first, so that a failure is answered as an error
	// rather than as half a file.
	var buf bytes.Buffer
	contentType, filename := "application/json", "homeward-directory.json"
	if format == "datapackage" {
		contentType, filename = "application/zip", "homeward-directory.zip"
		err = hsds.WriteDataPackage(&buf, d)
	} else {
		err = hsds.WriteJSON(&buf, d)
	}
	if err != nil {
		return errs.Internal(err)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// hsdsProblemsBody is the error of a broken file: the usual error and
// where each problem is (file, row, field and a message key; never the
// file's values).
type hsdsProblemsBody struct {
	Error    errorDetail    `json:"error"`
	Problems []hsds.Problem `json:"problems"`
}

// directoryImport merges an HSDS file (the body itself: a data package
// zip, or JSON) into the directory, all or nothing. A broken file is
// answered with its problems, and nothing is imported.
func (a *API) directoryImport(w http.ResponseWriter, r *http.Request) error {
	if err := policy.CheckRequest(r.Context(), policy.DirectoryImport, 0); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/zip") {
			return invalidBody("The body must be an HSDS file (Content-Type: application/json or application/zip).")
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHSDSFile))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = errs.TooLarge()
		}
		return err
	}
	d, err := hsds.Read("upload", data)
	var problems hsds.Problems
	if errors.As(err, &problems) {
		e := &errs.Error{Kind: errs.KindInvalid, Code: "invalid", Message: "The file has problems; nothing was imported. problems says where each one is."}
		return writeJSON(w, errs.Status(e), hsdsProblemsBody{Error: errorDetail{Code: e.Code, Message: e.Message}, Problems: problems})
	}
	if err != nil {
		return err
	}
	res, err := a.store.ImportDirectory(r.Context(), d)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// hsdsReadOnly refuses a PATCH that would change a record's HSDS id (sent
// unchanged, it is taken): imports find the record by it.
func hsdsReadOnly(sent *string, cur string) error {
	if sent != nil && strings.ToLower(strings.TrimSpace(*sent)) != cur {
		return errs.Invalid(map[string]string{"hsds_id": "validation.read_only"})
	}
	return nil
}
