package cmdutil

import (
	"io"
	"strings"

	"github.com/mlctl/mlctl/internal/iostreams"
)

// TablePrinter renders rows for people or for programs, depending on where
// stdout goes. On a terminal: columns laid out by tablewriter (layout.go),
// header in bold and cells optionally coloured through the lipgloss styles
// of iostreams.ColorScheme, and each row kept to one line of the terminal
// width (measured, or $COLUMNS): when the row is too wide the widest
// columns are cut short with an ellipsis. When the width is not known
// (MLCTL_FORCE_TTY into a pipe) nothing is cut. Piped: a header row and
// tab-separated lines, no colour and nothing cut, so `cut -f` and
// `awk -F'\t'` work and the columns never move.
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
	natural := make([]int, ncol)
	floor := make([]int, ncol)
	for i, h := range t.header {
		floor[i] = displayWidth(sanitize(h))
		natural[i] = floor[i]
	}
	for _, r := range t.rows {
		for i, c := range r {
			natural[i] = max(natural[i], displayWidth(printable(c.text)))
		}
	}
	widths := natural
	if total, known := t.ios.KnownTerminalWidth(); known {
		widths = fitWidths(natural, floor, total)
	}
	cs := t.ios.ColorScheme()
	var header []string
	if len(t.header) > 0 {
		header = make([]string, len(t.header))
		for i, h := range t.header {
			header[i] = cs.Bold(sanitize(h))
		}
	}
	rows := make([][]string, len(t.rows))
	for j, r := range t.rows {
		rows[j] = make([]string, len(r))
		for i, c := range r {
			text := truncate(printable(c.text), widths[i])
			if c.style != nil {
				text = c.style(text)
			}
			rows[j][i] = text
		}
	}
	return renderColumns(w, header, rows)
}

// sanitize keeps a cell on one line and free of tabs, so neither layout
// can be broken by a value (a frame source path, an error message).
func sanitize(s string) string {
	if !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// printable replaces control characters (an escape sequence in a frame or
// column name from a file) with U+FFFD on a terminal, so data can neither
// drive the terminal nor throw the columns off; styles are applied after.
func printable(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
