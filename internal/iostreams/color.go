package iostreams

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are lipgloss styles on a renderer whose colour profile mlctl sets
// itself: lipgloss (through termenv) would otherwise look at the
// environment and the output on its own, and could colour a pipe that
// MLCTL_FORCE_TTY did not force, or miss colour that it did. Here the only
// question asked is IOStreams.ColorEnabled, which already folds in the
// terminal test, MLCTL_FORCE_TTY, NO_COLOR, TERM=dumb and --no-color.
//
// The profile is termenv.ANSI, the 16 colours every terminal has, so the
// user's theme decides the actual shades, and the escapes are the plain SGR
// codes mlctl always wrote ("\x1b[32m…\x1b[0m"). With colour off the profile
// is termenv.Ascii and, more simply, no style is applied at all.

// ColorScheme styles text for the terminal when colour is enabled and returns
// it unchanged otherwise. Its methods are func(string) string so they can be
// passed as cell styles to TablePrinter.AddField.
type ColorScheme struct {
	enabled bool
	r       *lipgloss.Renderer
}

// ColorScheme returns the scheme for these streams, as they are now (after
// --no-color has been applied).
func (s *IOStreams) ColorScheme() ColorScheme { return NewColorScheme(s.ColorEnabled()) }

// NewColorScheme returns a scheme that colours when enabled is true,
// whatever the environment says.
func NewColorScheme(enabled bool) ColorScheme {
	p := termenv.Ascii
	if enabled {
		p = termenv.ANSI
	}
	// The renderer only formats strings; it never writes to its output or
	// queries the terminal (no adaptive colours are used), hence io.Discard.
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(p))
	r.SetColorProfile(p)
	return ColorScheme{enabled: enabled, r: r}
}

// Enabled reports whether the scheme emits escapes.
func (c ColorScheme) Enabled() bool { return c.enabled }

// Style returns a fresh lipgloss style on the scheme's renderer, for callers
// that need more than the named colours below; its Render honours the
// scheme's decision the same way.
func (c ColorScheme) Style() lipgloss.Style {
	if c.r == nil {
		c = NewColorScheme(false)
	}
	return c.r.NewStyle().TabWidth(lipgloss.NoTabConversion)
}

// render applies st to t. Empty text stays empty (no pair of escapes around
// nothing), and with colour off the text is returned untouched, so output
// without colour is byte for byte what was passed in.
func (c ColorScheme) render(t string, st func(lipgloss.Style) lipgloss.Style) string {
	if !c.enabled || t == "" {
		return t
	}
	return st(c.Style()).Render(t)
}

// Bold is for table headers and section titles.
func (c ColorScheme) Bold(t string) string {
	return c.render(t, func(s lipgloss.Style) lipgloss.Style { return s.Bold(true) })
}

// Dim is for secondary detail.
func (c ColorScheme) Dim(t string) string {
	return c.render(t, func(s lipgloss.Style) lipgloss.Style { return s.Faint(true) })
}

// Red is for failures.
func (c ColorScheme) Red(t string) string { return c.fg(t, 1) }

// Green is for healthy, running, done.
func (c ColorScheme) Green(t string) string { return c.fg(t, 2) }

// Yellow is for starting, pending, warnings.
func (c ColorScheme) Yellow(t string) string { return c.fg(t, 3) }

// Cyan is for names the user may want to copy.
func (c ColorScheme) Cyan(t string) string { return c.fg(t, 6) }

func (c ColorScheme) fg(t string, ansi lipgloss.ANSIColor) string {
	return c.render(t, func(s lipgloss.Style) lipgloss.Style { return s.Foreground(ansi) })
}
