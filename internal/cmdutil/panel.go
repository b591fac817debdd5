package cmdutil

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlctl/mlctl/internal/iostreams"
)

// minPanelValue is the narrowest the value column of a key/value panel is
// wrapped to; below that the terminal wraps the line instead.
const minPanelValue = 20

// KeyValues prints "key  value" pairs, the panel of `cluster status`,
// `model inspect` and `job show`. On a terminal: keys in bold, values
// aligned after the longest key (tablewriter), and a value too long for the
// terminal wrapped at blanks onto lines indented under it, never cut: a
// diagnostics message is read in full.
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
		keyWidth = max(keyWidth, displayWidth(sanitize(p[0])))
	}
	total, known := ios.KnownTerminalWidth()
	valueWidth := total - keyWidth - columnGap
	if !known {
		valueWidth = 0 // nothing wrapped to a guessed width
	}
	cs := ios.ColorScheme()
	rows := make([][]string, len(pairs))
	for i, p := range pairs {
		rows[i] = []string{cs.Bold(sanitize(p[0])), wrapValue(sanitize(p[1]), valueWidth)}
	}
	return renderColumns(ios.Out, nil, rows)
}

// sgrRE matches an ANSI SGR sequence (colour, bold, reset).
var sgrRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

// wrapValue breaks v into lines of at most width cells at blanks. A word
// longer than that (a URL, a path, a checksum) is not broken: it gets a
// line of its own and the terminal wraps it softly, so it can still be
// copied or clicked whole. Colour in v (a state the caller styled) is not
// counted, and is closed at the end of a line and reopened on the next, so
// each line stands alone (as `less -R` redraws them).
func wrapValue(v string, width int) string {
	if width < minPanelValue || displayWidth(v) <= width {
		return v
	}
	var b strings.Builder
	line := 0
	active := "" // SGR sequences in effect at this point of v
	for _, word := range strings.Fields(v) {
		w := displayWidth(word)
		switch {
		case line == 0:
		case line+1+w <= width:
			b.WriteByte(' ')
			line++
		default:
			if active != "" {
				b.WriteString("\x1b[0m\n" + active)
			} else {
				b.WriteByte('\n')
			}
			line = 0
		}
		b.WriteString(word)
		line += w
		for _, seq := range sgrRE.FindAllString(word, -1) {
			if seq == "\x1b[0m" || seq == "\x1b[m" {
				active = ""
			} else {
				active += seq
			}
		}
	}
	return b.String()
}
