package cmdutil

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/internal/iostreams"
)

// minPanelValue is the narrowest the value column of a key/value panel is
// wrapped to; below that the terminal wraps the line instead.
const minPanelValue = 20

// KeyValues prints "key  value" pairs, the panel of `cluster status`,
// `model inspect` and `job show`. On a terminal: keys in bold, values
// aligned after the longest key (tablewriter), and a value too long for the
// terminal wrapped at word boundaries (lipgloss) onto lines indented under
// it, never cut: a diagnostics message or a checksum is read in full.
// Piped: "key<TAB>value" lines.
func KeyValues(ios *iostreams.IOStreams, pairs [][2]string) error {
	if !ios.IsStdoutTTY() {
		for _, p := range pairs {
			if _, err := fmt.Fprintf(ios.Out, "%s\t%s\n", p[0], sanitize(p[1])); err != nil {
				return err
			}
		}
		return nil
	}
	if len(pairs) == 0 {
		return nil
	}
	keyWidth := 0
	for _, p := range pairs {
		keyWidth = max(keyWidth, displayWidth(p[0]))
	}
	valueWidth := ios.TerminalWidth() - keyWidth - columnGap
	cs := ios.ColorScheme()
	rows := make([][]string, len(pairs))
	for i, p := range pairs {
		rows[i] = []string{cs.Bold(p[0]), wrapValue(cs, sanitize(p[1]), valueWidth)}
	}
	return renderColumns(ios.Out, nil, rows)
}

// wrapValue breaks v into lines of at most width cells, at blanks where it
// can and inside a word (a URL, a checksum) where it must. Colour in v
// (a state the caller styled) is kept: lipgloss wraps without counting
// escapes.
func wrapValue(cs iostreams.ColorScheme, v string, width int) string {
	if width < minPanelValue || displayWidth(v) <= width {
		return v
	}
	lines := strings.Split(cs.Style().Width(width).Render(v), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}
