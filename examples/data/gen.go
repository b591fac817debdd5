//go:build ignore

// gen writes airline-sample.csv: a small, deterministic, airline-like data set
// (5000 flights) for `mlctl quickstart` and the README. Run from the repo root:
//
//	go run examples/data/gen.go
//
// The same seed always gives the same file, so the committed CSV can be
// checked by regenerating it.
package main

import (
	"bufio"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
)

const (
	rows = 5000
	seed = 20250601
)

var carriers = []string{
	"AA", "AS", "B6", "CO", "DL", "EV", "F9", "FL", "HA", "HP",
	"MQ", "NW", "OH", "OO", "TW", "UA", "US", "WN", "XE", "YV",
}

var airports = []string{
	"ABQ", "ATL", "AUS", "BDL", "BNA", "BOS", "BWI", "CLE", "CLT", "CMH",
	"CVG", "DAL", "DCA", "DEN", "DFW", "DTW", "EWR", "FLL", "HNL", "HOU",
	"IAD", "IAH", "IND", "JFK", "LAS", "LAX", "LGA", "MCI", "MCO", "MDW",
	"MEM", "MIA", "MKE", "MSP", "MSY", "OAK", "ONT", "ORD", "PBI", "PDX",
	"PHL", "PHX", "PIT", "RDU", "SAN", "SAT", "SEA", "SFO", "SJC", "SLC",
}

func main() {
	_, self, _, _ := runtime.Caller(0)
	out := filepath.Join(filepath.Dir(self), "airline-sample.csv")
	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	// Each airport gets a fixed position so distances are consistent.
	type pos struct{ x, y float64 }
	at := make([]pos, len(airports))
	for i := range at {
		at[i] = pos{r.Float64() * 2500, r.Float64() * 1200}
	}
	// Some carriers and airports are late more often: signal for models.
	carrierLate := make([]float64, len(carriers))
	for i := range carrierLate {
		carrierLate[i] = r.NormFloat64() * 0.4
	}

	fmt.Fprintln(w, "Month,DayofMonth,DayOfWeek,DepTime,UniqueCarrier,Origin,Dest,Distance,IsDelayed")
	for range rows {
		month := 1 + r.IntN(12)
		day := 1 + r.IntN(28+r.IntN(4))
		dow := 1 + r.IntN(7)
		c := r.IntN(len(carriers))
		o := r.IntN(len(airports))
		d := r.IntN(len(airports) - 1)
		if d >= o {
			d++
		}
		dist := int(math.Hypot(at[o].x-at[d].x, at[o].y-at[d].y)) + 50
		// Departures cluster in the morning and evening, as real ones do.
		hour := int(math.Mod(6+r.NormFloat64()*3+float64(r.IntN(2))*9, 24))
		if hour < 0 {
			hour += 24
		}
		dep := hour*100 + r.IntN(60)
		depText := fmt.Sprint(dep)
		cancelled := r.IntN(100) == 0 // ~1%: no departure time
		if cancelled {
			depText = ""
		}
		z := -0.6 + carrierLate[c] + float64(hour-12)*0.06 + float64(dist)/4000
		if month == 12 || month == 7 {
			z += 0.3
		}
		delayed := 0
		if cancelled || r.Float64() < 1/(1+math.Exp(-z)) {
			delayed = 1
		}
		fmt.Fprintf(w, "c%d,c%d,c%d,%s,%s,%s,%s,%d,%d\n",
			month, day, dow, depText, carriers[c], airports[o], airports[d], dist, delayed)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", out)
}
