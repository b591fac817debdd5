package cmdutil

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func ttyStreams(width int, color bool) (*iostreams.IOStreams, *strings.Builder) {
	ios, _, _, _ := iostreams.Test()
	out := &strings.Builder{}
	ios.Out = out
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(color)
	ios.SetTerminalWidth(width)
	return ios, out
}

func TestFitWidths(t *testing.T) {
	for _, c := range []struct {
		name                  string
		natural, header, want []int
		total                 int
	}{
		{"fits", []int{10, 30, 5}, []int{4, 4, 4}, []int{10, 30, 5}, 49},
		{"free text gives alone", []int{10, 30, 5}, []int{4, 4, 4}, []int{10, 21, 5}, 40},
		{"then the first column", []int{20, 10, 30}, []int{4, 5, 6}, []int{18, 10, 8}, 40},
		{"short values last, then down to headers", []int{8, 10, 9}, []int{4, 4, 4}, []int{8, 4, 4}, 20},
		{"headers are never cut", []int{10, 10}, []int{10, 10}, []int{10, 10}, 5},
		{"one column", []int{50}, []int{4}, []int{30}, 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fitWidths(c.natural, c.header, c.total); !reflect.DeepEqual(got, c.want) {
				t.Errorf("fitWidths(%v, %v, %d) = %v, want %v", c.natural, c.header, c.total, got, c.want)
			}
		})
	}
}

func TestTruncateByDisplayWidth(t *testing.T) {
	twwidth.SetEastAsian(false)
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"abcdef", 6, "abcdef"},
		{"abcdef", 4, "abc…"},
		{"日本語テキスト", 5, "日本…"}, // wide characters count two cells
		{"日本語テキスト", 6, "日本…"}, // half a character is never shown
		{"x", 0, ""},
	} {
		got := truncate(c.in, c.width)
		if got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
		if w := twwidth.Width(got); w > c.width {
			t.Errorf("truncate(%q, %d) is %d cells wide", c.in, c.width, w)
		}
	}
}

func sampleTable(ios *iostreams.IOStreams) *TablePrinter {
	cs := ios.ColorScheme()
	tp := NewTablePrinter(ios)
	tp.Header("NAME", "STATE", "SOURCE")
	tp.AddField("日本語", nil)
	tp.AddField("running", cs.Green)
	tp.AddField("hdfs:///user/alice/airlines/2008.csv", cs.Dim)
	tp.EndRow()
	tp.AddRow("  indented", "failed", "")
	tp.AddRow("tab\tand\nnewline", "stopped", "/tmp/x.csv")
	return tp
}

// column returns the display column at which the field starting with
// prefix begins in line (colour already stripped).
func column(line, prefix string) int {
	i := strings.Index(line, prefix)
	if i < 0 {
		return -1
	}
	return twwidth.Width(line[:i])
}

func TestTableTTYLayout(t *testing.T) {
	twwidth.SetEastAsian(false)
	ios, out := ttyStreams(80, false)
	if err := sampleTable(ios).Render(); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NAME             STATE    SOURCE\n" +
		"日本語           running  hdfs:///user/alice/airlines/2008.csv\n" +
		"  indented       failed\n" +
		"tab and newline  stopped  /tmp/x.csv\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	// Aligned by display width, not bytes or runes: STATE starts at the
	// same cell on every line, after the wide characters too.
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	for i, prefix := range []string{"STATE", "running", "failed", "stopped"} {
		if c := column(lines[i], prefix); c != 17 {
			t.Errorf("line %d: %q starts at cell %d, want 17", i, prefix, c)
		}
	}
}

// TestTableTTYColorOnlyAddsEscapes: with colour on, the same cells in the
// same places; escapes are not counted as width.
func TestTableTTYColorOnlyAddsEscapes(t *testing.T) {
	for _, width := range []int{80, 40} {
		plainIOS, plain := ttyStreams(width, false)
		colorIOS, colored := ttyStreams(width, true)
		if err := sampleTable(plainIOS).Render(); err != nil {
			t.Fatal(err)
		}
		if err := sampleTable(colorIOS).Render(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(colored.String(), "\x1b[1mNAME\x1b[0m") || !strings.Contains(colored.String(), "\x1b[32mrunning\x1b[0m") {
			t.Errorf("width %d: header or state not styled:\n%q", width, colored.String())
		}
		if strings.Contains(plain.String(), "\x1b") {
			t.Errorf("width %d: escapes with colour off:\n%q", width, plain.String())
		}
		if got := ansiRE.ReplaceAllString(colored.String(), ""); got != plain.String() {
			t.Errorf("width %d: colour changed the layout:\n%s\nwithout colour:\n%s", width, got, plain.String())
		}
	}
}

// TestTableTTYNarrow: rows stay on one line each, within the width, the
// long free-text column cut with an ellipsis and the others whole.
func TestTableTTYNarrow(t *testing.T) {
	twwidth.SetEastAsian(false)
	ios, out := ttyStreams(40, true)
	if err := sampleTable(ios).Render(); err != nil {
		t.Fatal(err)
	}
	plain := ansiRE.ReplaceAllString(out.String(), "")
	lines := strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines for a header and 3 rows:\n%s", len(lines), plain)
	}
	for _, l := range lines {
		if w := twwidth.Width(l); w > 40 {
			t.Errorf("line of %d cells: %q", w, l)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blanks: %q", l)
		}
	}
	if !strings.Contains(lines[1], "日本語           running  hdfs:///user/…") {
		t.Errorf("SOURCE not the column cut, or cut wrongly: %q", lines[1])
	}
	// The style applies to the cut text, ellipsis included.
	if !strings.Contains(out.String(), "\x1b[2mhdfs:///user/…\x1b[0m") {
		t.Errorf("cut cell lost its style:\n%q", out.String())
	}
}

func TestTableTTYShapes(t *testing.T) {
	// A header and no rows: the header alone, as before.
	ios, out := ttyStreams(80, false)
	tp := NewTablePrinter(ios)
	tp.Header("NAME", "STATE")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "NAME  STATE\n" {
		t.Errorf("header only: %q", out.String())
	}
	// More cells than headers, fewer cells than headers, no header at all.
	ios, out = ttyStreams(80, false)
	tp = NewTablePrinter(ios)
	tp.Header("A", "B")
	tp.AddRow("1", "2", "extra")
	tp.AddRow("only")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if want := "A     B\n1     2  extra\nonly\n"; out.String() != want {
		t.Errorf("ragged rows:\n%q\nwant\n%q", out.String(), want)
	}
	ios, out = ttyStreams(80, false)
	tp = NewTablePrinter(ios)
	tp.AddRow("x", "y")
	tp.AddField("unfinished", nil) // Render ends the pending row
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if want := "x           y\nunfinished\n"; out.String() != want {
		t.Errorf("no header:\n%q\nwant\n%q", out.String(), want)
	}
	// Nothing at all: nothing written.
	ios, out = ttyStreams(80, false)
	if err := NewTablePrinter(ios).Render(); err != nil || out.Len() != 0 {
		t.Errorf("empty table wrote %q (%v)", out.String(), err)
	}
}

// TestTablePipedNeverCut: piped output ignores the terminal width and is
// exactly the tab-separated cells.
func TestTablePipedNeverCut(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	ios.SetTerminalWidth(10)
	if err := sampleTable(ios).Render(); err != nil {
		t.Fatal(err)
	}
	want := "NAME\tSTATE\tSOURCE\n" +
		"日本語\trunning\thdfs:///user/alice/airlines/2008.csv\n" +
		"  indented\tfailed\t\n" +
		"tab and newline\tstopped\t/tmp/x.csv\n"
	if out.String() != want {
		t.Errorf("piped =\n%q\nwant\n%q", out.String(), want)
	}
}

func TestKeyValuesTTY(t *testing.T) {
	twwidth.SetEastAsian(false)
	long := "Container container_1748736000000_0042_01_000003 exited with exitCode: 137 (killed: memory limit exceeded)"
	url := "https://rm1.gateway.example:8090/proxy/application_1748736000000_0042/"
	for _, color := range []bool{false, true} {
		ios, out := ttyStreams(50, color)
		cs := ios.ColorScheme()
		err := KeyValues(ios, [][2]string{{"state", cs.Red("failed")}, {"diagnostics", long}, {"tracking", url}, {"multi\tline", "a\nb"}})
		if err != nil {
			t.Fatal(err)
		}
		plain := ansiRE.ReplaceAllString(out.String(), "")
		want := "" +
			"state        failed\n" +
			"diagnostics  Container\n" +
			"             container_1748736000000_0042_01_000003\n" +
			"             exited with exitCode: 137 (killed:\n" +
			"             memory limit exceeded)\n" +
			"tracking     " + url + "\n" +
			"multi line   a b\n"
		if plain != want {
			t.Errorf("colour %v:\n%s\nwant\n%s", color, plain, want)
		}
		if color && !strings.Contains(out.String(), "\x1b[1mdiagnostics\x1b[0m  Container\n") {
			t.Errorf("keys not bold:\n%q", out.String())
		}
		if !color && plain != out.String() {
			t.Errorf("escapes with colour off:\n%q", out.String())
		}
	}
	// A coloured value that wraps is closed and reopened at each break, so
	// every line stands alone.
	ios, out := ttyStreams(40, true)
	cs := ios.ColorScheme()
	if err := KeyValues(ios, [][2]string{{"health", cs.Red("unhealthy: node 1 missed 6 heartbeats and node 2 is gone")}}); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1mhealth\x1b[0m  \x1b[31munhealthy: node 1 missed 6\x1b[0m\n" +
		"        \x1b[31mheartbeats and node 2 is gone\x1b[0m\n"
	if out.String() != want {
		t.Errorf("coloured wrap:\n%q\nwant\n%q", out.String(), want)
	}

	// Piped: one "key<TAB>value" line per pair, nothing wrapped.
	ios, _, piped, _ := iostreams.Test()
	ios.SetTerminalWidth(20)
	if err := KeyValues(ios, [][2]string{{"diagnostics", long}, {"k", "a\nb"}}); err != nil {
		t.Fatal(err)
	}
	if want := "diagnostics\t" + long + "\nk\ta b\n"; piped.String() != want {
		t.Errorf("piped =\n%q\nwant\n%q", piped.String(), want)
	}
}

// BenchmarkTablePrinterTerminal: a 1000-row listing (frame list of a busy
// cluster) on an 80-column terminal, cut to fit.
func BenchmarkTablePrinterTerminal(b *testing.B) {
	for b.Loop() {
		ios, _ := ttyStreams(80, true)
		cs := ios.ColorScheme()
		tp := NewTablePrinter(ios)
		tp.Header("NAME", "ROWS", "COLUMNS", "SOURCE")
		for i := range 1000 {
			tp.AddField("frame-"+strings.Repeat("x", i%20), cs.Cyan)
			tp.AddField("123456", nil)
			tp.AddField("42", nil)
			tp.AddField("hdfs:///user/alice/data/airlines/part-"+strings.Repeat("0", i%40)+".csv", cs.Dim)
			tp.EndRow()
		}
		if err := tp.Render(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTableTTYControlCharacters: an escape sequence in data (a column name
// read from a file) is shown, not obeyed, on a terminal; piped it is kept.
func TestTableTTYControlCharacters(t *testing.T) {
	ios, out := ttyStreams(80, false)
	tp := NewTablePrinter(ios)
	tp.Header("NAME", "ROWS")
	tp.AddRow("evil\x1b[2Jname", "1")
	tp.AddRow("ok", "2")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if want := "NAME          ROWS\nevil\uFFFD[2Jname  1\nok            2\n"; out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
	piped, _, pout, _ := iostreams.Test()
	tp = NewTablePrinter(piped)
	tp.AddRow("evil\x1b[2Jname", "1")
	if err := tp.Render(); err != nil {
		t.Fatal(err)
	}
	if pout.String() != "evil\x1b[2Jname\t1\n" {
		t.Errorf("piped output changed: %q", pout.String())
	}
}
