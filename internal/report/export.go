package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// A Sheet is a table written row by row into a file for a spreadsheet: a
// CSV file (NewCSV) or an XLSX workbook of one sheet (NewXLSX). No cell is
// ever taken for a formula: an XLSX text cell is text by its type, and a
// CSV cell is quoted whole (so that no separator inside it, a semicolon
// where a spreadsheet splits on those, starts a new cell) and neutralised
// (Neutralize). A cell is a string, an int, a float64, a time.Time
// (written as its day) or nil (an empty cell).
type Sheet interface {
	Row(cells ...any) error
	// Close finishes the file; an XLSX workbook is written only then. After
	// a failed Row, Close still frees what the sheet holds.
	Close() error
}

// Neutralize makes text safe in a CSV cell: a value that starts with =, +,
// -, @ (or their full-width forms, which some spreadsheets read alike), a
// tab or a carriage return would be read as a formula (or start one), so
// it gets a leading apostrophe, which spreadsheets show as text and hide.
// Other text is kept as it is.
func Neutralize(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("=+-@\t\r＝＋－＠", r) && s != "" {
		return "'" + s
	}
	return s
}

// cellText is a cell as CSV text.
func cellText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return Neutralize(x), nil
	case int:
		return fmt.Sprint(x), nil
	case int64:
		return fmt.Sprint(x), nil
	case float64:
		return fmt.Sprint(x), nil
	case time.Time:
		if x.IsZero() {
			return "", nil
		}
		return x.UTC().Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("report: a cell of type %T", v)
}

type csvSheet struct{ w *bufio.Writer }

// NewCSV writes a CSV file (RFC 4180, UTF-8, every cell quoted) to w as
// rows come.
func NewCSV(w io.Writer) Sheet { return &csvSheet{w: bufio.NewWriter(w)} }

func (s *csvSheet) Row(cells ...any) error {
	for i, c := range cells {
		t, err := cellText(c)
		if err != nil {
			return err
		}
		if i > 0 {
			s.w.WriteByte(',')
		}
		s.w.WriteByte('"')
		s.w.WriteString(strings.ReplaceAll(t, `"`, `""`))
		s.w.WriteByte('"')
	}
	_, err := s.w.WriteString("\r\n")
	return err
}

func (s *csvSheet) Close() error { return s.w.Flush() }

type xlsxSheet struct {
	out  io.Writer
	file *excelize.File
	sw   *excelize.StreamWriter
	row  int
}

// NewXLSX makes an XLSX workbook with one sheet of the name, streamed row
// by row (excelize keeps large sheets in a temporary file, not in memory)
// and written to w by Close.
func NewXLSX(w io.Writer, sheet string) (Sheet, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, fmt.Errorf("name the sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("open the sheet: %w", err)
	}
	return &xlsxSheet{out: w, file: f, sw: sw}, nil
}

func (s *xlsxSheet) Row(cells ...any) error {
	s.row++
	vals := make([]any, len(cells))
	for i, c := range cells {
		switch x := c.(type) {
		case string, int, int64, float64, nil:
			vals[i] = x
		case time.Time:
			t, err := cellText(x)
			if err != nil {
				return err
			}
			vals[i] = t
		default:
			return fmt.Errorf("report: a cell of type %T", c)
		}
	}
	at, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(at, vals)
}

func (s *xlsxSheet) Close() error {
	defer s.file.Close() // removes excelize's temporary files
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("finish the sheet: %w", err)
	}
	return s.file.Write(s.out)
}
