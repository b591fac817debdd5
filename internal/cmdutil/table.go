package cmdutil

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mlctl/mlctl/internal/iostreams"
)

// TablePrinter renders rows for people or for programs, depending on where
// stdout goes. On a terminal: aligned columns, header in bold when colour is
// on, cells optionally coloured. Piped: a header row and tab-separated lines,
// no colour, so `cut -f` and `awk -F'\t'` work and the columns never move.
//
// text/tabwriter is not used for the terminal layout because it measures
// bytes, and ANSI colour codes inside cells would break the alignment.
type TablePrinter struct {
	ios    *iostreams.IOStreams
	header []string
	rows   [][]cell
	cur    []cell
}

type cell struct {
	text  string
	style func(string) string
}

// NewTablePrinter returns a printer that writes to ios.Out.
func NewTablePrinter(ios *iostreams.IOStreams) *TablePrinter {
	return &TablePrinter{ios: ios}
}

// IsTTY reports whether the table is rendered for a terminal.
func (t *TablePrinter) IsTTY() bool { return t.ios.IsStdoutTTY() }

// Header sets the column titles (upper case by convention).
func (t *TablePrinter) Header(cols ...string) { t.header = cols }

// AddField appends a cell to the current row; style (may be nil) colours it
// on a terminal.
func (t *TablePrinter) AddField(text string, style func(string) string) {
	t.cur = append(t.cur, cell{text: sanitize(text), style: style})
}

// EndRow finishes the current row.
func (t *TablePrinter) EndRow() {
	t.rows = append(t.rows, t.cur)
	t.cur = nil
}

// AddRow appends a row of unstyled cells.
func (t *TablePrinter) AddRow(cells ...string) {
	for _, c := range cells {
		t.AddField(c, nil)
	}
	t.EndRow()
}

// Render writes the table.
func (t *TablePrinter) Render() error {
	if len(t.cur) > 0 {
		t.EndRow()
	}
	if !t.ios.IsStdoutTTY() {
		return t.renderPlain(t.ios.Out)
	}
	return t.renderTTY(t.ios.Out)
}

func (t *TablePrinter) renderPlain(w io.Writer) error {
	var b strings.Builder
	if len(t.header) > 0 {
		b.WriteString(strings.Join(t.header, "\t"))
		b.WriteByte('\n')
	}
	for _, r := range t.rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(c.text)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *TablePrinter) renderTTY(w io.Writer) error {
	ncol := len(t.header)
	for _, r := range t.rows {
		ncol = max(ncol, len(r))
	}
	widths := make([]int, ncol)
	for i, h := range t.header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	cs := t.ios.ColorScheme()
	var b strings.Builder
	line := func(cells []cell) {
		var l strings.Builder
		for i, c := range cells {
			text := c.text
			if c.style != nil {
				text = c.style(text)
			}
			l.WriteString(text)
			if i < len(cells)-1 {
				l.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)+2))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if len(t.header) > 0 {
		hs := make([]cell, len(t.header))
		for i, h := range t.header {
			hs[i] = cell{text: h, style: cs.Bold}
		}
		line(hs)
	}
	for _, r := range t.rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sanitize keeps a cell on one line and free of tabs, so neither layout
// can be broken by a value (a frame source path, an error message).
func sanitize(s string) string {
	if !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// KeyValues prints "key  value" pairs: aligned with bold keys on a terminal,
// "key<TAB>value" lines when piped.
func KeyValues(ios *iostreams.IOStreams, pairs [][2]string) error {
	if !ios.IsStdoutTTY() {
		for _, p := range pairs {
			if _, err := fmt.Fprintf(ios.Out, "%s\t%s\n", p[0], sanitize(p[1])); err != nil {
				return err
			}
		}
		return nil
	}
	w := 0
	for _, p := range pairs {
		w = max(w, utf8.RuneCountInString(p[0]))
	}
	cs := ios.ColorScheme()
	for _, p := range pairs {
		pad := strings.Repeat(" ", w-utf8.RuneCountInString(p[0])+2)
		if _, err := fmt.Fprintf(ios.Out, "%s%s%s\n", cs.Bold(p[0]), pad, sanitize(p[1])); err != nil {
			return err
		}
	}
	return nil
}
