package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// Environment variables read by System.
const (
	// EnvForceTTY, when set to a true value ("1", "true"), makes mlctl behave
	// as if stdout and stderr were terminals: tables, relative times, human
	// sizes, progress lines. Useful with `| less -R` and in end-to-end tests.
	EnvForceTTY = "MLCTL_FORCE_TTY"
	// EnvNoColor is the https://no-color.org convention: any non-empty value
	// turns colour off.
	EnvNoColor = "NO_COLOR"
	// EnvColumns overrides the terminal width, like the shell's $COLUMNS.
	EnvColumns = "COLUMNS"
)

// DefaultWidth is the terminal width assumed when it cannot be measured.
const DefaultWidth = 80

// IOStreams is where a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
	stdinTTY  bool
	color     bool
	width     int // 0 = measure
	outFd     uintptr
	hasOutFd  bool
}

// System returns streams over the process's stdin, stdout and stderr, with
// terminal detection and the colour rules applied.
func System() *IOStreams {
	s := &IOStreams{
		In:       os.Stdin,
		Out:      os.Stdout,
		ErrOut:   os.Stderr,
		outFd:    os.Stdout.Fd(),
		hasOutFd: true,
	}
	s.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.stderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	s.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	if truthy(os.Getenv(EnvForceTTY)) {
		s.stdoutTTY, s.stderrTTY = true, true
	}
	s.color = s.stdoutTTY && os.Getenv(EnvNoColor) == "" && os.Getenv("TERM") != "dumb"
	if n, err := strconv.Atoi(os.Getenv(EnvColumns)); err == nil && n > 0 {
		s.width = n
	}
	return s
}

// Test returns streams over fresh buffers, not terminals, colour off. The
// returned buffers are stdin, stdout and stderr.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, width: DefaultWidth}, in, out, errOut
}

// IsStdoutTTY reports whether stdout is (or is treated as) a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is (or is treated as) a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// ColorEnabled reports whether output may carry ANSI colour and bold. It is
// never true when stdout is not a terminal.
func (s *IOStreams) ColorEnabled() bool { return s.color && s.stdoutTTY }

// SetStdoutTTY sets whether stdout counts as a terminal (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY sets whether stderr counts as a terminal (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// SetStdinTTY sets whether stdin counts as a terminal (tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetColorEnabled turns colour on or off; --no-color calls it with false.
func (s *IOStreams) SetColorEnabled(v bool) { s.color = v }

// SetTerminalWidth fixes the width TerminalWidth reports (tests, $COLUMNS).
func (s *IOStreams) SetTerminalWidth(w int) { s.width = w }

// TerminalWidth returns the width of the terminal stdout is on, or
// DefaultWidth when it cannot be measured.
func (s *IOStreams) TerminalWidth() int {
	w, _ := s.KnownTerminalWidth()
	return w
}

// KnownTerminalWidth is TerminalWidth, and whether the width is known:
// measured on the terminal, or given by $COLUMNS or SetTerminalWidth. It is
// not known when MLCTL_FORCE_TTY renders for a pipe (`| less -R`): tables
// are then not cut to a width that was only guessed.
func (s *IOStreams) KnownTerminalWidth() (int, bool) {
	if s.width > 0 {
		return s.width, true
	}
	if s.hasOutFd {
		if w, _, err := term.GetSize(int(s.outFd)); err == nil && w > 0 {
			return w, true
		}
	}
	return DefaultWidth, false
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
