package iostreams

import (
	"strings"
	"testing"
)

func TestColorSchemeEscapes(t *testing.T) {
	cs := NewColorScheme(true)
	for _, c := range []struct {
		name  string
		style func(string) string
		sgr   string
	}{
		{"bold", cs.Bold, "1"},
		{"dim", cs.Dim, "2"},
		{"red", cs.Red, "31"},
		{"green", cs.Green, "32"},
		{"yellow", cs.Yellow, "33"},
		{"cyan", cs.Cyan, "36"},
	} {
		if got, want := c.style("x"), "\x1b["+c.sgr+"mx\x1b[0m"; got != want {
			t.Errorf("%s = %q, want %q", c.name, got, want)
		}
		if got := c.style(""); got != "" {
			t.Errorf("%s of nothing = %q, want nothing", c.name, got)
		}
		// The text inside is kept as is, blanks and tabs included.
		if got, want := c.style(" a\tb "), "\x1b["+c.sgr+"m a\tb \x1b[0m"; got != want {
			t.Errorf("%s = %q, want %q", c.name, got, want)
		}
	}
}

// TestColorSchemeIgnoresEnvironment: lipgloss and termenv would read
// NO_COLOR, CLICOLOR_FORCE, COLORTERM and TERM themselves; mlctl's own
// decision (IOStreams.ColorEnabled) is the only one that counts.
func TestColorSchemeIgnoresEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	t.Setenv("TERM", "dumb")
	t.Setenv("CLICOLOR", "0")
	if got := NewColorScheme(true).Green("ok"); got != "\x1b[32mok\x1b[0m" {
		t.Errorf("colour decided on but environment said no: %q", got)
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("COLORTERM", "truecolor")
	t.Setenv("CLICOLOR_FORCE", "1")
	off := NewColorScheme(false)
	for _, style := range []func(string) string{off.Bold, off.Dim, off.Red, off.Green, off.Yellow, off.Cyan} {
		if got := style("ok"); got != "ok" {
			t.Errorf("colour decided off but environment forced it: %q", got)
		}
	}
	if got := off.Style().Bold(true).Underline(true).Render("ok"); got != "ok" {
		t.Errorf("Style() of a scheme without colour rendered %q", got)
	}
	if got := (ColorScheme{}).Style().Bold(true).Render("ok"); got != "ok" {
		t.Errorf("zero ColorScheme rendered %q", got)
	}
}

// TestColorSchemeFollowsStreams: the scheme is taken from the streams as
// they are when asked, so --no-color (SetColorEnabled(false) after flags
// are parsed) and a pipe both give plain text.
func TestColorSchemeFollowsStreams(t *testing.T) {
	t.Setenv(EnvForceTTY, "1")
	t.Setenv(EnvNoColor, "")
	t.Setenv("TERM", "xterm")
	s := System()
	if got := s.ColorScheme().Bold("x"); got != "\x1b[1mx\x1b[0m" {
		t.Errorf("MLCTL_FORCE_TTY=1: %q", got)
	}
	s.SetColorEnabled(false)
	if got := s.ColorScheme().Bold("x"); got != "x" {
		t.Errorf("after --no-color: %q", got)
	}
	t.Setenv(EnvNoColor, "1")
	if got := System().ColorScheme().Red("x"); got != "x" {
		t.Errorf("NO_COLOR=1: %q", got)
	}
	t.Setenv(EnvNoColor, "")
	t.Setenv(EnvForceTTY, "")
	ios, _, _, _ := Test()
	ios.SetColorEnabled(true) // colour wanted, but stdout is a pipe
	if got := ios.ColorScheme().Green("x"); strings.Contains(got, "\x1b") {
		t.Errorf("pipe: %q", got)
	}
}
