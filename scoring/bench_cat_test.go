package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// The categorical benchmark model: 100 complete depth-6 trees of a
// bernoulli GBM over 10 features, 3 of them categorical with 50 levels;
// about 30% of the splits are categorical sets of those levels (half of
// them sending missing codes left). The data are 256K rows: normal values
// and codes drawn from the domain, 1% of each missing.
const (
	benchCatRows   = 1 << 18
	benchCatLevels = 50
)

var benchCat struct {
	once sync.Once
	gbm  *GBM
	cols [][]float64
	rows [][]float64
}

func benchCatSetup() {
	benchCat.once.Do(func() {
		rng := rand.New(rand.NewPCG(44, 45))
		isCat := func(j int) bool { return j%3 == 1 && j < 9 } // x1, x4, x7
		var s Schema
		cols := make([][]float64, benchFeatures)
		for j := range cols {
			f := Feature{Name: fmt.Sprintf("x%d", j), Type: Numeric}
			if isCat(j) {
				f.Type = Categorical
				for l := 0; l < benchCatLevels; l++ {
					f.Domain = append(f.Domain, fmt.Sprintf("l%d", l))
				}
			}
			s.Features = append(s.Features, f)
			cols[j] = make([]float64, benchCatRows)
			for r := range cols[j] {
				if isCat(j) {
					cols[j][r] = float64(rng.IntN(benchCatLevels))
				} else {
					cols[j][r] = rng.NormFloat64()
				}
				if rng.IntN(100) == 0 {
					cols[j][r] = math.NaN()
				}
			}
		}
		s.Classes = []string{"0", "1"}
		m := &GBM{Schema: s, Distribution: "bernoulli", InitF: []float64{-0.3}}
		nodes := 1<<(benchDepth+1) - 1
		catFeats, numFeats := []int{1, 4, 7}, []int{0, 2, 3, 5, 6, 8, 9}
		for t := 0; t < benchTrees; t++ {
			tr := Tree{Feature: make([]int32, nodes), Threshold: make([]float64, nodes), Flags: make([]uint8, nodes),
				CatStart: make([]int32, nodes), CatWords: make([]int32, nodes), Left: make([]int32, nodes),
				Right: make([]int32, nodes), Value: make([]float64, nodes), Cover: make([]float64, nodes)}
			for i := 0; i < nodes; i++ {
				if 2*i+1 >= nodes {
					tr.Feature[i], tr.Left[i], tr.Right[i] = -1, -1, -1
					tr.Value[i], tr.Cover[i] = rng.NormFloat64()*0.1, 1
					continue
				}
				if rng.IntN(10) < 3 {
					tr.Feature[i], tr.Flags[i] = int32(catFeats[rng.IntN(len(catFeats))]), FlagCat
					tr.CatStart[i], tr.CatWords[i] = int32(len(tr.Cats)), 1
					tr.Cats = append(tr.Cats, rng.Uint64()&(1<<benchCatLevels-1))
				} else {
					tr.Feature[i], tr.Threshold[i] = int32(numFeats[rng.IntN(len(numFeats))]), rng.NormFloat64()
				}
				if rng.IntN(2) == 0 {
					tr.Flags[i] |= FlagNALeft
				}
				tr.Left[i], tr.Right[i] = int32(2*i+1), int32(2*i+2)
			}
			m.Trees = append(m.Trees, tr)
		}
		benchCat.gbm, benchCat.cols = m, cols
		benchCat.rows = make([][]float64, 100_000)
		for r := range benchCat.rows {
			row := make([]float64, benchFeatures)
			for j := range row {
				row[j] = cols[j][r]
			}
			benchCat.rows[r] = row
		}
	})
}

func BenchmarkGBMCatPredictBatch(b *testing.B) {
	benchCatSetup()
	out := outColumns(2, benchCatRows)
	benchCat.gbm.PredictBatch(benchCat.cols, out) // build the plan outside the timing
	b.ResetTimer()
	for b.Loop() {
		benchCat.gbm.PredictBatch(benchCat.cols, out)
	}
	reportPerTreeRow(b, benchCatRows)
}

func BenchmarkGBMCatPredict(b *testing.B) {
	benchCatSetup()
	out := make([]float64, 2)
	benchCat.gbm.Predict(benchCat.rows[0], out)
	i := 0
	for b.Loop() {
		benchCat.gbm.Predict(benchCat.rows[i], out)
		if i++; i == len(benchCat.rows) {
			i = 0
		}
	}
	reportPerTreeRow(b, 1)
}
