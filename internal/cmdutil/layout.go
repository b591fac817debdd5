package cmdutil

import (
	"bytes"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Terminal layout shared by TablePrinter and KeyValues: tablewriter lays
// out the columns, with no borders and no rules, two spaces between
// columns and a bold header. A plain aligned table reads as well as a boxed
// one for the handful of columns mlctl prints, takes no lines or columns
// for frames on a narrow gateway terminal, and is what users of kubectl,
// gh or yarn application -list expect from a listing.
//
// Widths are display widths (twwidth: East-Asian wide characters count two
// cells, ANSI escapes nothing), the same measure tablewriter aligns with.

// columnGap is the space between two columns.
const columnGap = 2

// minTruncated is the narrowest a truncated column gets (ellipsis
// included), unless its header is wider.
const minTruncated = 8

// minFreeText is the width from which a column counts as free text, the
// first to be cut.
const minFreeText = 12

// ellipsis ends a truncated cell.
const ellipsis = tw.CharEllipsis

// displayWidth is the number of terminal cells s takes.
func displayWidth(s string) int { return twwidth.Width(s) }

// truncate shortens plain text s to at most width cells, ending it with an
// ellipsis when something was cut.
func truncate(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	if width <= displayWidth(ellipsis) {
		return twwidth.Truncate(s, width)
	}
	return twwidth.Truncate(s, width, ellipsis)
}

// fitWidths returns column widths whose sum with the gaps fits in total
// cells. natural is each column's widest cell, header each header's width.
//
// While the row is too wide, the widest column that may still give is cut
// by as much as is missing (of equally wide ones, the rightmost), then the
// next widest, in rounds that each let more columns give:
//  1. free text: columns after the first whose widest cell has at least
//     minFreeText cells (a path, a message, a time ago), down to
//     minTruncated or their header, whichever is wider;
//  2. the first column: it names the row (a cluster, a model ID), the
//     thing a user copies, so it is cut only when free text cannot give;
//  3. short values (a size, a count), which a cut would falsify;
//  4. on a terminal too narrow even for that, every column down to its
//     header's width. Headers are never cut: if they do not fit, the
//     terminal wraps the line.
func fitWidths(natural, header []int, total int) []int {
	w := append([]int(nil), natural...)
	sum := columnGap * max(len(w)-1, 0)
	for _, x := range w {
		sum += x
	}
	truncated := func(i int) int { return max(header[i], minTruncated) }
	rounds := []struct {
		may   func(i int) bool
		least func(i int) int
	}{
		{func(i int) bool { return i > 0 && natural[i] >= minFreeText }, truncated},
		{func(i int) bool { return i == 0 }, truncated},
		{func(int) bool { return true }, truncated},
		{func(int) bool { return true }, func(i int) int { return max(header[i], 2) }},
	}
	for _, r := range rounds {
		for sum > total {
			widest := -1
			for i := range w {
				if r.may(i) && w[i] > r.least(i) && (widest < 0 || w[i] >= w[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				break
			}
			cut := min(sum-total, w[widest]-r.least(widest))
			w[widest] -= cut
			sum -= cut
		}
	}
	return w
}

// renderColumns lays out header (nil for none) and rows, cells already cut
// to their column's width and styled, with tablewriter, and writes the
// result to w without trailing blanks. Rows shorter than the widest are
// padded with empty cells; a cell with newlines (a wrapped panel value)
// continues on the next lines in its own column.
func renderColumns(w io.Writer, header []string, rows [][]string) error {
	ncol := len(header)
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return nil
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header: cellConfig(ncol),
			Row:    cellConfig(ncol),
			Behavior: tw.Behavior{
				// Cells are kept as given: leading blanks (an indented
				// name) are part of the value.
				TrimSpace: tw.Off, TrimTab: tw.Off, TrimLine: tw.Off,
			},
		}),
	)
	if len(header) > 0 {
		h := make([]any, ncol)
		for i := range h {
			h[i] = ""
			if i < len(header) {
				h[i] = header[i]
			}
		}
		t.Header(h...)
	}
	for _, r := range rows {
		padded := make([]string, ncol)
		copy(padded, r)
		if err := t.Append(padded); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := io.WriteString(w, trimLines(buf.String()))
	return err
}

// cellConfig: left aligned, no wrapping (cells arrive fitted), no change of
// case, and one blank either side of a column except the outer edges, so
// columns are columnGap apart and lines start at the margin. Padding is one
// cell wide on purpose: tablewriter fills a column by repeating the pad.
func cellConfig(ncol int) tw.CellConfig {
	pads := make([]tw.Padding, ncol)
	for i := range pads {
		pads[i] = tw.Padding{Left: " ", Right: " ", Overwrite: true}
	}
	pads[0].Left = ""
	pads[ncol-1].Right = ""
	return tw.CellConfig{
		Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone, AutoFormat: tw.Off},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Left: " ", Right: " ", Overwrite: true}, PerColumn: pads},
	}
}

// trimLines removes the blanks tablewriter pads the last column with, so
// no line ends in spaces (copying a line from the terminal copies no tail).
func trimLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, l := range lines {
		nl := strings.HasSuffix(l, "\n")
		b.WriteString(strings.TrimRight(strings.TrimSuffix(l, "\n"), " "))
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
