package gen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
)

// AirlineHeader is the first line Airline writes.
const AirlineHeader = "Month,DayofMonth,DayOfWeek,DepTime,UniqueCarrier,Origin,Dest,Distance,IsDelayed\n"

// Airline writes rows records of an airline-delay-like CSV with a header, the
// shape of the classic H2O benchmark: three calendar columns spelled as
// strings ("c1".."c12", "c1".."c31", "c1".."c7"), DepTime (1..2400, about 2%
// empty), a carrier among 20 codes, Origin and Dest among 300 airport codes
// with a skewed (Zipf) popularity, Distance (30..5000) and IsDelayed (0/1).
// The same rows and seed give the same bytes.
func Airline(w io.Writer, rows int, seed int64) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x61697266))
	airport := rand.NewZipf(rng, 1.2, 2, uint64(len(airports)-1))
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString(AirlineHeader); err != nil {
		return err
	}
	buf := make([]byte, 0, 128)
	for range rows {
		buf = buf[:0]
		buf = append(buf, 'c')
		buf = strconv.AppendInt(buf, int64(1+rng.IntN(12)), 10)
		buf = append(buf, ",c"...)
		buf = strconv.AppendInt(buf, int64(1+rng.IntN(31)), 10)
		buf = append(buf, ",c"...)
		buf = strconv.AppendInt(buf, int64(1+rng.IntN(7)), 10)
		buf = append(buf, ',')
		if rng.IntN(50) != 0 {
			buf = strconv.AppendInt(buf, int64(1+rng.IntN(2400)), 10)
		}
		buf = append(buf, ',')
		buf = append(buf, carriers[rng.IntN(len(carriers))]...)
		buf = append(buf, ',')
		buf = append(buf, airports[airport.Uint64()]...)
		buf = append(buf, ',')
		buf = append(buf, airports[airport.Uint64()]...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(30+rng.IntN(4971)), 10)
		buf = append(buf, ',', byte('0'+rng.IntN(2)), '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

var carriers = []string{
	"AA", "AS", "B6", "CO", "DL", "EV", "F9", "FL", "HA", "HP",
	"MQ", "NW", "OH", "OO", "PI", "TW", "UA", "US", "WN", "XE",
}

// airports are 300 distinct three-letter codes, fixed (not seeded) so every
// generated file shares one domain.
var airports = func() []string {
	codes := make([]string, 0, 300)
	seen := make(map[string]bool, 300)
	// Stepping by a number coprime with 26^3 visits every code once, in an
	// order that does not look alphabetical.
	for k := 0; len(codes) < 300; k++ {
		v := (k*7919 + 1234) % (26 * 26 * 26)
		c := string([]byte{byte('A' + v/676), byte('A' + v/26%26), byte('A' + v%26)})
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	return codes
}()
