package iostreams

// ANSI escapes are written by hand (no colour library): the handful mlctl
// needs is small, and every use goes through ColorScheme so that colour is
// off whenever IOStreams says so.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// ColorScheme wraps text in ANSI styles when colour is enabled and returns it
// unchanged otherwise.
type ColorScheme struct{ enabled bool }

// ColorScheme returns the scheme for these streams.
func (s *IOStreams) ColorScheme() ColorScheme { return ColorScheme{enabled: s.ColorEnabled()} }

// Enabled reports whether the scheme emits escapes.
func (c ColorScheme) Enabled() bool { return c.enabled }

func (c ColorScheme) wrap(code, t string) string {
	if !c.enabled || t == "" {
		return t
	}
	return code + t + ansiReset
}

// Bold is for table headers and section titles.
func (c ColorScheme) Bold(t string) string { return c.wrap(ansiBold, t) }

// Dim is for secondary detail.
func (c ColorScheme) Dim(t string) string { return c.wrap(ansiDim, t) }

// Red is for failures.
func (c ColorScheme) Red(t string) string { return c.wrap(ansiRed, t) }

// Green is for healthy, running, done.
func (c ColorScheme) Green(t string) string { return c.wrap(ansiGreen, t) }

// Yellow is for starting, pending, warnings.
func (c ColorScheme) Yellow(t string) string { return c.wrap(ansiYellow, t) }

// Cyan is for names the user may want to copy.
func (c ColorScheme) Cyan(t string) string { return c.wrap(ansiCyan, t) }
