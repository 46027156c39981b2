package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"

	"homeward/internal/errs"
	"homeward/internal/hsds"
	"homeward/internal/store"
)

// maxDirectoryFile is the largest HSDS file an import takes.
const maxDirectoryFile = 64 << 20

// directoryExport downloads the whole directory as HSDS 3.0: JSON, or the
// tabular data package (?format=datapackage, a zip of CSV files).
func (h *Web) directoryExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "datapackage" {
		return errs.Invalid(map[string]string{"format": "validation.choice"})
	}
	d, err := h.store.Directory(r.Context())
	if err != nil {
		return err
	}
	// Written to memory first: a failure then shows a page, not half a file.
	var buf bytes.Buffer
	name, kind := "homeward-directory.json", "application/json"
	if format == "datapackage" {
		name, kind = "homeward-directory.zip", "application/zip"
		err = hsds.WriteDataPackage(&buf, d)
	} else {
		err = hsds.WriteJSON(&buf, d)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// directoryImportPage is the import form, and after an import what it did
// or every problem of the file.
type directoryImportPage struct {
	Problems hsds.Problems
	Result   *store.ImportResult
	Message  string
}

// directoryImportForm shows the upload form.
func (h *Web) directoryImportForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "directory_import", "partners", directoryImportPage{})
}

// directoryImport reads an uploaded HSDS file (JSON or a data package) and
// merges it into the directory, all or nothing.
func (h *Web) directoryImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxDirectoryFile+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if errors.Is(err, http.ErrNotMultipart) || errors.Is(err, http.ErrMissingBoundary) {
			return h.render(w, r, http.StatusUnprocessableEntity, "directory_import", "partners", directoryImportPage{Message: "directory.import_no_file"})
		}
		return errs.TooLarge()
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if err != nil {
		return h.render(w, r, http.StatusUnprocessableEntity, "directory_import", "partners", directoryImportPage{Message: "directory.import_no_file"})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxDirectoryFile+1))
	if err != nil {
		return err
	}
	if len(data) > maxDirectoryFile {
		return errs.TooLarge()
	}
	d, err := hsds.Read(uploadName(header.Filename), data)
	var problems hsds.Problems
	if errors.As(err, &problems) {
		return h.render(w, r, http.StatusUnprocessableEntity, "directory_import", "partners", directoryImportPage{Problems: problems})
	}
	if err != nil {
		return err
	}
	res, err := h.store.ImportDirectory(r.Context(), d)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.KindInvalid || e.Kind == errs.KindConflict {
			return h.render(w, r, http.StatusUnprocessableEntity, "directory_import", "partners", directoryImportPage{Message: "directory.import_refused"})
		}
		return err
	}
	return h.render(w, r, http.StatusOK, "directory_import", "partners", directoryImportPage{Result: &res})
}

// uploadName is the uploaded file's name as problems name it: its base
// name, of printable characters, at most 80 of them.
func uploadName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		if b.Len() >= 80 {
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "upload"
	}
	return b.String()
}
