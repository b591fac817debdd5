package cmdutil

import (
	"fmt"
	"strings"
	"sync"

	"github.com/mlctl/mlctl/internal/iostreams"
)

// ProgressLine shows progress on stderr. On a terminal it keeps one line and
// rewrites it with '\r'; piped, it prints a plain line each time the phase
// (the key) changes, so logs show what happened without a flood of updates.
// It is safe for use from the goroutine a backend reports progress on.
type ProgressLine struct {
	ios      *iostreams.IOStreams
	mu       sync.Mutex
	key      string
	last     string
	drawn    int // cells taken on the terminal line
	quietLog bool
}

// NewProgressLine returns a progress line on ios.ErrOut. With quietWhenPiped,
// nothing is printed when stderr is not a terminal.
func NewProgressLine(ios *iostreams.IOStreams, quietWhenPiped bool) *ProgressLine {
	return &ProgressLine{ios: ios, quietLog: quietWhenPiped}
}

// Set shows text; key identifies the phase for piped output.
func (p *ProgressLine) Set(key, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ios.IsStderrTTY() {
		if p.quietLog || key == p.key {
			return
		}
		p.key = key
		fmt.Fprintln(p.ios.ErrOut, text)
		return
	}
	if text == p.last {
		return
	}
	// One cell short of the width, so the cursor never wraps to a new
	// line; measured in cells, as the terminal does.
	if w := p.ios.TerminalWidth() - 1; w > 0 && displayWidth(text) > w {
		text = truncate(text, w)
	}
	n := displayWidth(text)
	pad := ""
	if p.drawn > n {
		pad = strings.Repeat(" ", p.drawn-n)
	}
	fmt.Fprintf(p.ios.ErrOut, "\r%s%s", text, pad)
	p.last, p.drawn = text, n
}

// Done clears the terminal line so that what follows starts clean.
func (p *ProgressLine) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ios.IsStderrTTY() && p.drawn > 0 {
		fmt.Fprintf(p.ios.ErrOut, "\r%s\r", strings.Repeat(" ", p.drawn))
	}
	p.drawn, p.last, p.key = 0, "", ""
}

// Bar draws a text progress bar of width cells for a fraction in [0,1].
func Bar(frac float64, width int) string {
	frac = min(max(frac, 0), 1)
	full := int(frac * float64(width))
	return "[" + strings.Repeat("#", full) + strings.Repeat(".", width-full) + "]"
}
