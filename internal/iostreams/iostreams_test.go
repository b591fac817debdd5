package iostreams

import (
	"os"
	"testing"

	"golang.org/x/term"
)

func TestTestStreamsDefaults(t *testing.T) {
	ios, _, _, _ := Test()
	if ios.IsStdoutTTY() || ios.IsStderrTTY() || ios.ColorEnabled() {
		t.Fatalf("Test() streams must start as non-terminals without colour")
	}
	if got := ios.TerminalWidth(); got != DefaultWidth {
		t.Fatalf("TerminalWidth() = %d, want %d", got, DefaultWidth)
	}
}

func TestColorNeedsTTY(t *testing.T) {
	ios, _, _, _ := Test()
	ios.SetColorEnabled(true)
	if ios.ColorEnabled() {
		t.Fatal("colour must stay off while stdout is not a terminal")
	}
	ios.SetStdoutTTY(true)
	if !ios.ColorEnabled() {
		t.Fatal("colour should be on for a terminal with colour enabled")
	}
	if got := ios.ColorScheme().Bold("x"); got != "\x1b[1mx\x1b[0m" {
		t.Fatalf("Bold = %q", got)
	}
	ios.SetColorEnabled(false)
	if got := ios.ColorScheme().Bold("x"); got != "x" {
		t.Fatalf("Bold with colour off = %q", got)
	}
}

func TestSystemForceTTYAndNoColor(t *testing.T) {
	t.Setenv(EnvForceTTY, "1")
	t.Setenv(EnvNoColor, "")
	t.Setenv("TERM", "xterm")
	t.Setenv(EnvColumns, "120")
	s := System()
	if !s.IsStdoutTTY() || !s.IsStderrTTY() {
		t.Fatal("MLCTL_FORCE_TTY=1 should force terminal behaviour")
	}
	if !s.ColorEnabled() {
		t.Fatal("colour should be on when forced to a terminal and NO_COLOR is empty")
	}
	if s.TerminalWidth() != 120 {
		t.Fatalf("COLUMNS not honoured: %d", s.TerminalWidth())
	}
	t.Setenv(EnvNoColor, "1")
	if System().ColorEnabled() {
		t.Fatal("NO_COLOR must turn colour off")
	}
}

func TestKnownTerminalWidth(t *testing.T) {
	ios, _, _, _ := Test()
	if w, known := ios.KnownTerminalWidth(); w != DefaultWidth || !known {
		t.Errorf("Test() streams: %d %v, want the fixed %d", w, known, DefaultWidth)
	}
	t.Setenv(EnvForceTTY, "1")
	t.Setenv(EnvColumns, "")
	if term.IsTerminal(int(os.Stdout.Fd())) {
		t.Skip("stdout is a terminal here; the unknown case needs a pipe")
	}
	// Forced into a pipe: terminal rendering, but the width is a guess.
	if w, known := System().KnownTerminalWidth(); w != DefaultWidth || known {
		t.Errorf("forced TTY on a pipe: %d %v, want %d and unknown", w, known, DefaultWidth)
	}
	t.Setenv(EnvColumns, "132")
	if w, known := System().KnownTerminalWidth(); w != 132 || !known {
		t.Errorf("COLUMNS=132: %d %v", w, known)
	}
}
