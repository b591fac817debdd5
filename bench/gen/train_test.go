package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The bytes of 1,000 rows with seed 1, pinned so that a change to a
// generator (or to math/rand/v2) that would silently change the benchmark's
// data shows up here. Computed on amd64: other architectures may fuse
// multiply-adds (FMA), which can move a last printed digit or, rarely, a
// label, so there the test checks only that a seed repeats.
var pinned = []struct {
	name  string
	write func(io.Writer, int, int64) error
	sha   string
}{
	{"AirlineTrain", AirlineTrain, "2d374b683994fac2bd7cb0ee986c0d0e7d8b399e654d41189b99b28a776b8234"},
	{"AirlineTrainWithRoute", AirlineTrainWithRoute, "9110a7ab3dc0a6f48dbe8dfaccce870912eb84d74f492dcdf636cf65e2a0e789"},
	{"Higgs", Higgs, "d8c5795cf43f409108a86d700d39e71bb0835ce4a3336adceb144bf7205c748a"},
}

func generate(t *testing.T, write func(io.Writer, int, int64) error, rows int, seed int64) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, rows, seed); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTrainGeneratorsDeterministic(t *testing.T) {
	for _, p := range pinned {
		t.Run(p.name, func(t *testing.T) {
			a, b, c := generate(t, p.write, 1000, 1), generate(t, p.write, 1000, 1), generate(t, p.write, 1000, 2)
			if !bytes.Equal(a, b) {
				t.Fatal("same seed gave different bytes")
			}
			if bytes.Equal(a, c) {
				t.Fatal("different seeds gave the same bytes")
			}
			sum := sha256.Sum256(a)
			if got := hex.EncodeToString(sum[:]); got != p.sha {
				if runtime.GOARCH != "amd64" {
					t.Logf("sha256 %s differs from amd64's %s (FMA on %s)", got, p.sha, runtime.GOARCH)
					return
				}
				t.Errorf("sha256 of 1000 rows, seed 1 = %s, pinned %s: the benchmark data changed", got, p.sha)
			}
			// A prefix of a longer file is the shorter file: rows are drawn one by one.
			if long := generate(t, p.write, 1500, 1); !bytes.HasPrefix(long, a) {
				t.Error("1000 rows are not a prefix of 1500 rows with the same seed")
			}
		})
	}
}

func lines(t *testing.T, b []byte, header string) [][]string {
	t.Helper()
	ls := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if ls[0]+"\n" != header {
		t.Fatalf("header %q, want %q", ls[0], header)
	}
	out := make([][]string, 0, len(ls)-1)
	for _, l := range ls[1:] {
		out = append(out, strings.Split(l, ","))
	}
	return out
}

func TestAirlineTrainShapeAndSignal(t *testing.T) {
	const n = 40000
	plain := lines(t, generate(t, AirlineTrain, n, 3), AirlineHeader)
	routed := lines(t, generate(t, AirlineTrainWithRoute, n, 3), AirlineRouteHeader)
	if len(plain) != n || len(routed) != n {
		t.Fatalf("%d and %d rows, want %d", len(plain), len(routed), n)
	}
	var delayed, empty, emptyDelayed, evening, eveningDelayed, night, nightDelayed int
	routes := map[string]bool{}
	for i, f := range plain {
		r := routed[i]
		if len(f) != 9 || len(r) != 8 {
			t.Fatalf("row %d: %d and %d fields", i+1, len(f), len(r))
		}
		// The Route file is the plain file with Origin,Dest replaced by Route.
		if strings.Join(r[:5], ",")+","+strings.Join(r[6:], ",") != strings.Join(f[:5], ",")+","+strings.Join(f[7:], ",") {
			t.Fatalf("row %d: %v is not %v with a Route", i+1, r, f)
		}
		if r[5] != "other" && r[5] != f[5]+"-"+f[6] {
			t.Fatalf("row %d: Route %q for %s-%s", i+1, r[5], f[5], f[6])
		}
		routes[r[5]] = true
		for j, hi := range []int{12, 31, 7} {
			v, err := strconv.Atoi(strings.TrimPrefix(f[j], "c"))
			if !strings.HasPrefix(f[j], "c") || err != nil || v < 1 || v > hi {
				t.Fatalf("row %d: column %d = %q", i+1, j, f[j])
			}
		}
		if d, err := strconv.Atoi(f[7]); err != nil || d < 30 || d > 5000 {
			t.Fatalf("row %d: Distance %q", i+1, f[7])
		}
		if f[8] != "0" && f[8] != "1" {
			t.Fatalf("row %d: IsDelayed %q", i+1, f[8])
		}
		y := int(f[8][0] - '0')
		delayed += y
		if f[3] == "" {
			empty, emptyDelayed = empty+1, emptyDelayed+y
			continue
		}
		dep, err := strconv.Atoi(f[3])
		if err != nil || dep < 1 || dep > 2400 {
			t.Fatalf("row %d: DepTime %q", i+1, f[3])
		}
		switch {
		case dep >= 1800 && dep < 2000:
			evening, eveningDelayed = evening+1, eveningDelayed+y
		case dep < 600:
			night, nightDelayed = night+1, nightDelayed+y
		}
	}
	rate := func(k, of int) float64 { return float64(k) / float64(of) }
	if r := rate(delayed, n); r < 0.4 || r > 0.6 {
		t.Errorf("delay rate %.3f, want 0.4..0.6", r)
	}
	if r := rate(empty, n); r < 0.015 || r > 0.025 {
		t.Errorf("%.3f of DepTime empty, want about 0.02", r)
	}
	// The label is not a coin: the effects the model was built with show.
	if e, m := rate(eveningDelayed, evening), rate(nightDelayed, night); e < m+0.2 {
		t.Errorf("delay rate 18-20h %.3f vs before 6h %.3f: no evening effect", e, m)
	}
	if e := rate(emptyDelayed, empty); e < rate(delayed, n)+0.1 {
		t.Errorf("delay rate with DepTime missing %.3f: no effect", e)
	}
	if len(routes) > RouteLevels || len(routes) < RouteLevels*3/4 {
		t.Errorf("%d distinct routes in %d rows, want at most %d and most of them", len(routes), n, RouteLevels)
	}
}

func TestTopRoutes(t *testing.T) {
	level, names := topRoutes(len(airports), RouteLevels-1)
	if len(names) != RouteLevels-1 {
		t.Fatalf("%d names", len(names))
	}
	seen := map[string]bool{}
	maxProduct := 0
	for i := range airports {
		for j := range airports {
			l := level[i*len(airports)+j]
			if l < 0 {
				continue
			}
			if names[l] != airports[i]+"-"+airports[j] || seen[names[l]] {
				t.Fatalf("level %d of (%d,%d) is %q", l, i, j, names[l])
			}
			seen[names[l]] = true
			maxProduct = max(maxProduct, (2+i)*(2+j))
		}
	}
	if len(seen) != RouteLevels-1 {
		t.Fatalf("%d pairs have a level", len(seen))
	}
	// Every pair left out is at most as likely as every pair kept.
	for i := range airports {
		for j := range airports {
			if level[i*len(airports)+j] < 0 && (2+i)*(2+j) < maxProduct {
				t.Fatalf("(%d,%d) left out but more likely than a kept pair", i, j)
			}
		}
	}
	if level[0] != 0 || names[0] != airports[0]+"-"+airports[0] {
		t.Errorf("the busiest pair is not level 0: %q", names[0])
	}
}

func TestHiggsShape(t *testing.T) {
	const n = 20000
	rows := lines(t, generate(t, Higgs, n, 5), HiggsHeader)
	if len(rows) != n {
		t.Fatalf("%d rows", len(rows))
	}
	positive := map[int]bool{0: true, 3: true, 5: true, 9: true, 13: true, 17: true}
	for c := 21; c < 28; c++ {
		positive[c] = true
	}
	var ones int
	var sum, sumSq [HiggsColumns]float64
	for i, f := range rows {
		if len(f) != HiggsColumns+1 {
			t.Fatalf("row %d: %d fields", i+1, len(f))
		}
		for c, s := range f[:HiggsColumns] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("row %d x%d: %q", i+1, c+1, s)
			}
			if strconv.FormatFloat(v, 'g', 6, 64) != s {
				t.Fatalf("row %d x%d: %q is not printed with 6 significant digits", i+1, c+1, s)
			}
			if positive[c] && v < 0 {
				t.Fatalf("row %d x%d: %v, want a momentum or mass >= 0", i+1, c+1, v)
			}
			if c == 8 || c == 12 || c == 16 || c == 20 {
				if v != bTags[0] && v != bTags[1] && v != bTags[2] {
					t.Fatalf("row %d x%d: b-tag %v", i+1, c+1, v)
				}
			}
			sum[c] += v
			sumSq[c] += v * v
		}
		switch f[HiggsColumns] {
		case "1":
			ones++
		case "0":
		default:
			t.Fatalf("row %d: y %q", i+1, f[HiggsColumns])
		}
	}
	if r := float64(ones) / n; r < 0.4 || r > 0.6 {
		t.Errorf("y rate %.3f, want 0.4..0.6", r)
	}
	// Pseudorapidities are centred Gaussians; momenta are right-skewed
	// (their mean well above zero with a spread of the same order).
	for _, c := range []int{1, 6, 10, 14, 18} {
		if m := sum[c] / n; math.Abs(m) > 0.05 {
			t.Errorf("x%d mean %.3f, want about 0", c+1, m)
		}
	}
	for _, c := range []int{0, 5} {
		m := sum[c] / n
		sd := math.Sqrt(sumSq[c]/n - m*m)
		if m < 0.7 || sd < 0.3*m {
			t.Errorf("x%d mean %.3f sd %.3f: not momentum-like", c+1, m, sd)
		}
	}
}
