package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite testdata/broken/*.golden from the current output")

// Every example policy is valid.
func TestExamplesAreValid(t *testing.T) {
	files, err := filepath.Glob("../examples/policies/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(f, data)
			if err != nil {
				t.Fatalf("invalid:\n%v", err)
			}
			if p.Source != f || len(p.Profiles) == 0 {
				t.Errorf("source %q, %d profiles", p.Source, len(p.Profiles))
			}
			// policy show's YAML is itself a valid policy, the same one.
			shown, err := yaml.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			q, err := Parse("shown.yaml", shown)
			if err != nil {
				t.Fatalf("shown policy invalid: %v\n%s", err, shown)
			}
			q.Source = p.Source
			a, _ := json.Marshal(p)
			b, _ := json.Marshal(q)
			if !bytes.Equal(a, b) {
				t.Errorf("round trip differs:\n%s\n%s", a, b)
			}
		})
	}
}

// Each broken policy gives exactly the problems in its .golden file, every
// one at a line and column inside the file, every one with a hint.
func TestBrokenPolicies(t *testing.T) {
	files, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken policies: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(f, data)
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, not Problems: %v", err, err)
			}
			checkInside(t, ps, data)
			for _, pr := range ps {
				if pr.Hint == "" && !strings.Contains(pr.Msg, "want a mapping") && !strings.Contains(pr.Msg, "want a list") {
					t.Errorf("no hint: %s", pr)
				}
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			got := err.Error() + "\n"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestBrokenPolicies -update, then read the file)", err)
			}
			if got != string(want) {
				t.Errorf("problems differ from %s\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// checkInside fails unless every problem points at a line and column that
// exist in data.
func checkInside(t *testing.T, ps Problems, data []byte) {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	for _, p := range ps {
		if p.Line < 1 || p.Line > len(lines) || p.Col < 1 || p.Col > len([]rune(lines[p.Line-1]))+1 {
			t.Errorf("position %d:%d outside the input (%d lines): %s", p.Line, p.Col, len(lines), p)
		}
	}
}

// One run reports problems of every kind at once, not the first only.
func TestEveryProblemAtOnce(t *testing.T) {
	src := `apiVersion: mlctl/v1
kind: Policy
roles:
  standard: {groups: ["*"]}
profiles:
  - name: a
    groups: [x]
    priority: 2
    nodes: {min: 3, max: 2}
    memory_per_node: {max: 10 GB}
    colour: blue
  - name: a
    users: [bob]
    priority: 1
`
	_, err := Parse("p.yaml", []byte(src))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		`p.yaml:9:18: profile a: nodes.min 3 is more than nodes.max 2`,
		`p.yaml:10:28: profiles[0].memory_per_node.max: invalid size "10 GB" (hint: write 10Gi`,
		`p.yaml:11:5: unknown key "colour" in profiles[0]`,
		`p.yaml:12:11: profile a is defined twice (first at line 6)`,
	}
	text := err.Error()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q in:\n%s", w, text)
		}
	}
}

func TestDefaultsFilled(t *testing.T) {
	p, err := Parse("p.yaml", []byte(`apiVersion: mlctl/v1
kind: Policy
backends:
  yarn: {}
roles: {standard: {users: ["*"]}}
profiles:
  - name: small
    users: ["*"]
    nodes: {max: 2}
    memory_per_node: {max: 512Mi}
    queues: [adhoc, batch]
`))
	if err != nil {
		t.Fatal(err)
	}
	pr := p.Profiles[0]
	if pr.Nodes != (IntRange{Min: 1, Max: 2, Default: 1}) {
		t.Errorf("nodes %+v", pr.Nodes)
	}
	if pr.MemoryPerNode != (ByteRange{Max: 512 << 20, Default: 512 << 20}) {
		t.Errorf("memory %+v: the 1Gi default must be clamped to the max", pr.MemoryPerNode)
	}
	if pr.VCoresPerNode.Default != 1 || pr.DefaultQueue != "adhoc" {
		t.Errorf("vcores %+v, default queue %q", pr.VCoresPerNode, pr.DefaultQueue)
	}
	if !p.Backends.Yarn.Enabled || p.Backends.Local.Enabled {
		t.Errorf("a yarn section enables yarn and, unless said, not local: %+v", p.Backends)
	}
	if p.Naming.AppPrefix != DefaultAppPrefix || p.Naming.AuditLog != DefaultAuditLog {
		t.Errorf("naming %+v", p.Naming)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{
		"512Mi": 512 << 20, "1Gi": 1 << 30, "50Gi": 50 << 30, "1g": 1 << 30, "512m": 512 << 20,
		"1.5g": 3 << 29, "2G": 2 << 30, "1024": 1024, "1Ti": 1 << 40, "64k": 64 << 10,
	} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
		if back, err := ParseBytes(FormatBytes(got)); err != nil || back != got {
			t.Errorf("FormatBytes(%d) = %q does not read back", got, FormatBytes(got))
		}
	}
	for _, in := range []string{"10 GB", "10GB", "10gb", "1GiB", "-1Gi", "Gi", "1.2.3Gi", "1e9", "99999999999Ti", ""} {
		if got, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, got)
		}
	}
	if h := sizeHint("10 GB"); !strings.Contains(h, "10Gi") {
		t.Errorf("hint for 10 GB: %q", h)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]string{"30m": "30m", "8h": "8h", "2d": "2d", "1d12h": "1d12h", "1h30m": "1h30m", "0": "0", "90s": "1m30s"} {
		d, err := ParseDuration(in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", in, err)
			continue
		}
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(ParseDuration(%q)) = %q, want %q", in, got, want)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("%q does not read back: %v %v", FormatDuration(d), back, err)
		}
	}
	for _, in := range []string{"-5m", "1w", "30 minutes", "d", "2dd", "1h2d", ""} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q): want an error", in)
		}
	}
}

var posRE = regexp.MustCompile(`^[^:]*:(\d+):(\d+): `)

// FuzzParse: Parse never panics, and every failure is Problems whose
// positions lie inside the input.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"../examples/policies/*.yaml", "testdata/broken/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add(embeddedYAML)
	f.Add([]byte("a: &x [*x]"))
	f.Add([]byte("\t"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err == nil {
			if p == nil {
				t.Fatal("nil policy without error")
			}
			_ = p.Resolve(Identity{User: "u", Groups: []string{"g"}}).Check(Request{Backend: BackendYarn, Nodes: 3})
			// policy show's YAML reads back as the same policy.
			shown, err := yaml.Marshal(p)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			q, err := Parse("fuzz.yaml", shown)
			if err != nil {
				t.Fatalf("the shown policy does not parse:\n%s\n%v", shown, err)
			}
			a, _ := json.Marshal(p)
			b, _ := json.Marshal(q)
			if !bytes.Equal(a, b) {
				t.Fatalf("round trip differs:\n%s\n%s", a, b)
			}
			return
		}
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 {
			t.Fatalf("error is not Problems: %T %v", err, err)
		}
		checkInside(t, ps, data)
		for _, line := range strings.Split(err.Error(), "\n") {
			m := posRE.FindStringSubmatch(line)
			if m == nil {
				continue // a message that spans lines (YAML syntax text)
			}
			if n, _ := strconv.Atoi(m[1]); n < 1 {
				t.Errorf("bad line in %q", line)
			}
		}
	})
}
