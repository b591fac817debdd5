package cmdutil

import (
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

func TestProgressLineTerminal(t *testing.T) {
	twwidth.SetEastAsian(false)
	ios, _, _, errOut := iostreams.Test()
	ios.SetStderrTTY(true)
	ios.SetTerminalWidth(20)
	p := NewProgressLine(ios, false)
	p.Set("a", "importing 日本語のデータ.csv 40%") // wider than 19 cells
	p.Set("a", "done")
	p.Done()
	want := "\rimporting 日本語の…" + // 19 cells: the wide characters count two
		"\rdone               " + // blanks over what the longer text left
		"\r    \r" // Done blanks the line
	if got := errOut.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, part := range strings.Split(errOut.String(), "\r") {
		if w := twwidth.Width(part); w > 19 {
			t.Errorf("%q is %d cells on a 20-column terminal", part, w)
		}
	}
}

func TestProgressLinePiped(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	p := NewProgressLine(ios, false)
	p.Set("import", "importing 10%")
	p.Set("import", "importing 50%")
	p.Set("parse", "parsing")
	p.Done()
	if got, want := errOut.String(), "importing 10%\nparsing\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
