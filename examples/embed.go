package examples

import (
	_ "embed"
	"os"
	"path/filepath"
)

// AirlineSampleName is the file name of the embedded example data.
const AirlineSampleName = "airline-sample.csv"

// AirlineSample is examples/data/airline-sample.csv: 5000 airline-like
// flights (Month, DayofMonth, DayOfWeek, DepTime, UniqueCarrier, Origin,
// Dest, Distance, IsDelayed), made by examples/data/gen.go.
//
//go:embed data/airline-sample.csv
var AirlineSample []byte

// WriteAirlineSample writes the example data into dir and returns its path.
func WriteAirlineSample(dir string) (string, error) {
	p := filepath.Join(dir, AirlineSampleName)
	if err := os.WriteFile(p, AirlineSample, 0o644); err != nil {
		return "", err
	}
	return p, nil
}
