package gen

import (
	"bufio"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
)

// AirlineRouteHeader is the first line AirlineTrainWithRoute writes.
const AirlineRouteHeader = "Month,DayofMonth,DayOfWeek,DepTime,UniqueCarrier,Route,Distance,IsDelayed\n"

// RouteLevels is the number of distinct values the Route column can take:
// the RouteLevels-1 most likely Origin-Dest pairs by name, and "other".
const RouteLevels = 4000

// AirlineTrain writes rows records with the columns, header and value ranges
// of Airline, but with something to learn: IsDelayed is drawn from a
// logistic model of the other columns instead of a coin. The model has main
// effects a linear model can fit (carrier, origin, destination, month, day
// of week, a missing DepTime) and effects it cannot: an evening bump in
// DepTime, a U-shaped Distance effect, carriers that fare worse in the
// evening, winter at snowy origins and a per-route (Origin x Dest) effect.
// It is tuned so that a GBM of 100 depth-10 trees reaches a validation AUC
// of about 0.7 and a logistic regression on one-hot columns a few points
// less. The model is fixed; the seed only changes the sample. The same rows
// and seed give the same bytes.
func AirlineTrain(w io.Writer, rows int, seed int64) error {
	return airlineTrain(w, rows, seed, false)
}

// AirlineTrainWithRoute writes the same records as AirlineTrain for the same
// rows and seed, with Origin and Dest replaced by one column, Route:
// "ORG-DST" for the RouteLevels-1 most likely pairs (about 77% of rows) and
// "other" for the rest. It is a categorical column of RouteLevels levels for
// benchmarks of models on a high-cardinality column (a GLM expands it to
// about 4,000 indicators). Origin and Dest are left out because with them the
// indicators would be collinear: every row from a busy airport has a named
// route, so its Origin indicator is the sum of its routes' indicators, and an
// unpenalised GLM would have no unique solution.
func AirlineTrainWithRoute(w io.Writer, rows int, seed int64) error {
	return airlineTrain(w, rows, seed, true)
}

func airlineTrain(w io.Writer, rows int, seed int64, route bool) error {
	m := airlineModel()
	rng := rand.New(rand.NewPCG(uint64(seed), 0x74726169))
	airport := rand.NewZipf(rng, 1.2, 2, uint64(len(airports)-1))
	bw := bufio.NewWriterSize(w, 1<<16)
	header := AirlineHeader
	if route {
		header = AirlineRouteHeader
	}
	if _, err := bw.WriteString(header); err != nil {
		return err
	}
	buf := make([]byte, 0, 128)
	for range rows {
		month := rng.IntN(12)
		dom := rng.IntN(31)
		dow := rng.IntN(7)
		dep := 0 // 0 means missing
		if rng.IntN(50) != 0 {
			dep = 1 + rng.IntN(2400)
		}
		carrier := rng.IntN(len(carriers))
		origin := int(airport.Uint64())
		dest := int(airport.Uint64())
		dist := 30 + rng.IntN(4971)
		eta := m.logit(month, dow, dep, carrier, origin, dest, dist)
		delayed := rng.Float64() < 1/(1+math.Exp(-eta))

		buf = buf[:0]
		buf = append(buf, 'c')
		buf = strconv.AppendInt(buf, int64(month+1), 10)
		buf = append(buf, ",c"...)
		buf = strconv.AppendInt(buf, int64(dom+1), 10)
		buf = append(buf, ",c"...)
		buf = strconv.AppendInt(buf, int64(dow+1), 10)
		buf = append(buf, ',')
		if dep != 0 {
			buf = strconv.AppendInt(buf, int64(dep), 10)
		}
		buf = append(buf, ',')
		buf = append(buf, carriers[carrier]...)
		buf = append(buf, ',')
		if route {
			buf = append(buf, m.routeName(origin, dest)...)
		} else {
			buf = append(buf, airports[origin]...)
			buf = append(buf, ',')
			buf = append(buf, airports[dest]...)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(dist), 10)
		buf = append(buf, ',', '0', '\n')
		if delayed {
			buf[len(buf)-2] = '1'
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// airlineEffects is the fixed "truth" behind AirlineTrain. Airports are
// indexed by Zipf rank (0 = busiest), as in the airports table.
type airlineEffects struct {
	carrier, evening [20]float64 // main effect; extra effect after 17:00
	origin, dest     [300]float64
	snowy            [300]bool // winter hurts departures from these
	route            []float64 // [origin*300+dest]
	routeLevel       []int16   // [origin*300+dest] index into routeNames, -1 = "other"
	routeNames       []string
}

var monthEffect = [12]float64{0.25, 0.10, 0.05, -0.15, -0.10, 0.25, 0.35, 0.20, -0.30, -0.20, -0.15, 0.35}

var dowEffect = [7]float64{0.05, -0.05, -0.05, 0.10, 0.20, -0.30, 0.10}

func (m *airlineEffects) logit(mon, dow, dep, carrier, origin, dest, dist int) float64 {
	eta := -0.45 + monthEffect[mon] + dowEffect[dow] + m.carrier[carrier] + m.origin[origin] + m.dest[dest]
	if dep == 0 {
		eta += 0.9
	} else {
		h := float64(dep) / 100
		// Delays build up through the day, with a bump at the evening peak.
		eta += -0.5 + 0.9/(1+math.Exp(-(h-14)/1.5)) + 0.8*math.Exp(-(h-19)*(h-19)/1.5)
		if h >= 17 {
			eta += m.evening[carrier]
		}
		if dow >= 5 && h < 12 { // quiet weekend mornings
			eta -= 0.4
		}
	}
	if (mon == 11 || mon <= 1) && m.snowy[origin] {
		eta += 0.9
	}
	// Short hops and long hauls are delayed more than mid-range flights.
	ld := math.Log(float64(dist) / 900)
	eta += 0.25 * ld * ld
	return eta + m.route[origin*len(airports)+dest]
}

func (m *airlineEffects) routeName(origin, dest int) string {
	if l := m.routeLevel[origin*len(airports)+dest]; l >= 0 {
		return m.routeNames[l]
	}
	return "other"
}

// airlineModel builds the effects once, from a fixed seed, so every file
// shares one model whatever its own seed.
var airlineModel = sync.OnceValue(func() *airlineEffects {
	rng := rand.New(rand.NewPCG(0x6d6c6374, 0x6d6f64656c))
	m := &airlineEffects{}
	for i := range m.carrier {
		m.carrier[i] = 0.25 * rng.NormFloat64()
		m.evening[i] = 0.6 * rng.NormFloat64()
	}
	for i := range m.origin {
		m.origin[i] = 0.25 * rng.NormFloat64()
		m.dest[i] = 0.15 * rng.NormFloat64()
		m.snowy[i] = rng.IntN(4) == 0
	}
	n := len(airports)
	m.route = make([]float64, n*n)
	for i := range m.route {
		m.route[i] = 0.5 * rng.NormFloat64()
	}
	m.routeLevel, m.routeNames = topRoutes(n, RouteLevels-1)
	return m
})

// topRoutes names the k most likely (origin, dest) pairs under the two
// independent Zipf(s, v=2) draws: the likelihood of pair (i, j) falls with
// (2+i)(2+j) whatever s is, so the pairs are ranked by that product, ties by
// i then j.
func topRoutes(n, k int) ([]int16, []string) {
	level := make([]int16, n*n)
	for i := range level {
		level[i] = -1
	}
	names := make([]string, 0, k)
	// Walk the products in increasing order; each (i, j) with
	// (2+i)(2+j) == p is found by scanning i.
	for p := 4; len(names) < k; p++ {
		for i := 0; i < n && len(names) < k; i++ {
			if p%(2+i) != 0 {
				continue
			}
			j := p/(2+i) - 2
			if j < 0 || j >= n {
				continue
			}
			level[i*n+j] = int16(len(names))
			names = append(names, airports[i]+"-"+airports[j])
		}
	}
	return level, names
}
