// Package caseimport reads the spreadsheet a program keeps of its cases
// (CSV or XLSX), maps its columns to the fields of a case and checks every
// cell, so that an import either takes every row or names every broken
// cell. Problems never hold the file's values, only where they are and an
// i18n message key.
package caseimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits of a file.
const (
	MaxFile = 8 << 20 // bytes
	MaxRows = 5000    // data rows
	MaxCols = 100
	MaxCell = 4000 // bytes of one cell
)

// Table is a sheet's header and data rows, each cell trimmed. Serials tells
// that numbers in date columns are spreadsheet day serials (an XLSX file).
type Table struct {
	Header  []string
	Rows    [][]string
	Serials bool
}

// ErrNotSheet is a file that is neither a CSV nor an XLSX sheet, or one
// over the limits; its Key says which (an i18n key).
type ErrNotSheet struct{ Key string }

func (e ErrNotSheet) Error() string { return "caseimport: " + e.Key }

// Read reads a CSV or XLSX file: XLSX when it is a zip (or the name or
// content type says so), CSV (comma or semicolon, UTF-8, an optional BOM)
// otherwise. The first row is the header; empty rows are skipped.
func Read(name, contentType string, data []byte) (Table, error) {
	if len(data) > MaxFile {
		return Table{}, ErrNotSheet{"import.file_too_large"}
	}
	if len(data) == 0 {
		return Table{}, ErrNotSheet{"import.file_empty"}
	}
	var t Table
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(strings.ToLower(name), ".xlsx") ||
		strings.Contains(contentType, "spreadsheetml") {
		t, err = readXLSX(data)
	} else {
		t, err = readCSV(data)
	}
	if err != nil {
		return Table{}, err
	}
	return t, t.check()
}

func (t *Table) check() error {
	switch {
	case len(t.Header) == 0:
		return ErrNotSheet{"import.file_empty"}
	case len(t.Header) > MaxCols:
		return ErrNotSheet{"import.too_many_columns"}
	case len(t.Rows) == 0:
		return ErrNotSheet{"import.no_rows"}
	case len(t.Rows) > MaxRows:
		return ErrNotSheet{"import.too_many_rows"}
	}
	return nil
}

// add appends a row of cells (the first is the header), trimmed; a row of
// nothing but empty cells is left out.
func (t *Table) add(cells []string) error {
	empty := true
	row := make([]string, len(cells))
	for i, c := range cells {
		if len(c) > MaxCell || !utf8.ValidString(c) {
			return ErrNotSheet{"import.bad_cell"}
		}
		row[i] = strings.TrimSpace(c)
		if row[i] != "" {
			empty = false
		}
	}
	if t.Header == nil {
		if empty {
			return nil
		}
		t.Header = row
		return nil
	}
	if empty {
		t.Rows = append(t.Rows, nil) // kept, so that row numbers stay the file's
		return nil
	}
	if len(t.Rows) >= MaxRows {
		return ErrNotSheet{"import.too_many_rows"}
	}
	if len(row) > MaxCols {
		return ErrNotSheet{"import.too_many_columns"}
	}
	t.Rows = append(t.Rows, row)
	return nil
}

func readCSV(data []byte) (Table, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return Table{}, ErrNotSheet{"import.not_utf8"}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var t Table
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Table{}, ErrNotSheet{"import.not_a_sheet"}
		}
		if err := t.add(rec); err != nil {
			return Table{}, err
		}
	}
	t.trimEmptyTail()
	return t, nil
}

func readXLSX(data []byte) (t Table, err error) {
	defer func() {
		// A broken workbook must give a problem, never take the server down.
		if r := recover(); r != nil {
			t, err = Table{}, ErrNotSheet{"import.not_a_sheet"}
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: 16 * MaxFile, UnzipXMLSizeLimit: 16 * MaxFile}) // never spilled to a temporary file
	if err != nil {
		return Table{}, ErrNotSheet{"import.not_a_sheet"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Table{}, ErrNotSheet{"import.not_a_sheet"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return Table{}, ErrNotSheet{"import.not_a_sheet"}
	}
	defer rows.Close()
	t.Serials = true
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Table{}, ErrNotSheet{"import.not_a_sheet"}
		}
		if len(cells) > MaxCols {
			return Table{}, ErrNotSheet{"import.too_many_columns"}
		}
		if err := t.add(cells); err != nil {
			return Table{}, err
		}
	}
	if rows.Error() != nil {
		return Table{}, ErrNotSheet{"import.not_a_sheet"}
	}
	t.trimEmptyTail()
	return t, nil
}

// trimEmptyTail drops the empty rows at the end of the sheet.
func (t *Table) trimEmptyTail() {
	for len(t.Rows) > 0 && t.Rows[len(t.Rows)-1] == nil {
		t.Rows = t.Rows[:len(t.Rows)-1]
	}
}

// Cell names a cell as a spreadsheet does: column letters and the row's
// number in the file (the header is row 1), e.g. "C12".
func Cell(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return fmt.Sprintf("%d:%d", col+1, row)
	}
	return name
}
