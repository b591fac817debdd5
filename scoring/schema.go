package scoring

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Feature types.
const (
	Numeric     = "numeric"
	Categorical = "categorical"
)

// Feature is one input column as the model saw it in training.
type Feature struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"` // numeric | categorical
	Domain []string `json:"domain,omitempty"`
}

// Schema is a model's inputs and response.
type Schema struct {
	Features []Feature `json:"features"`
	// Offset names the offset column ("" = none); its value ends a row.
	Offset   string   `json:"offset,omitempty"`
	Response string   `json:"response"`
	Classes  []string `json:"classes,omitempty"` // response domain for classification
}

// RowLen is the length of a row for this schema.
func (s *Schema) RowLen() int {
	if s.Offset != "" {
		return len(s.Features) + 1
	}
	return len(s.Features)
}

// Index returns the position of feature name, or -1.
func (s *Schema) Index(name string) int {
	for i, f := range s.Features {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// LevelMap maps the codes of a column whose domain is from onto the codes of
// feature j's domain: out[c] is the model's code for level from[c], or -1
// for a level the model never saw (score it as NA).
func (s *Schema) LevelMap(j int, from []string) []int32 {
	idx := make(map[string]int32, len(s.Features[j].Domain))
	for i, l := range s.Features[j].Domain {
		idx[l] = int32(i)
	}
	out := make([]int32, len(from))
	for i, l := range from {
		c, ok := idx[l]
		if !ok {
			c = -1
		}
		out[i] = c
	}
	return out
}

// Model is what every trained model offers.
type Model interface {
	Algo() string
	ModelSchema() *Schema
	// Outputs names the values Predict writes.
	Outputs() []string
	// Predict scores one row into out[:len(Outputs())].
	Predict(row, out []float64)
}

// Outputs for a response with the given classes: the value for regression,
// one probability per class otherwise.
func outputsFor(s *Schema) []string {
	if len(s.Classes) == 0 {
		return []string{"predict"}
	}
	return append([]string(nil), s.Classes...)
}

// catCode reads a categorical code from a row value; -1 for NA or a code
// outside the domain.
func catCode(v float64, levels int) int {
	if math.IsNaN(v) || v < 0 || v >= float64(levels) {
		return -1
	}
	return int(v)
}

func checkRow(s *Schema, row []float64) error {
	if len(row) != s.RowLen() {
		return fmt.Errorf("scoring: row has %d values, the model takes %d", len(row), s.RowLen())
	}
	return nil
}

// Row builds a row from values as text by column name, for callers that
// hold one record (an HTTP request, a message): numbers as strconv reads
// them, categorical values by level name, the offset last. An absent or
// empty value is NA; so is an unseen level or an unparsable number, whose
// column Row names in unusable.
func (s *Schema) Row(values map[string]string) (row []float64, unusable []string) {
	row = make([]float64, s.RowLen())
	for j, f := range s.Features {
		row[j] = math.NaN()
		v, ok := values[f.Name]
		if !ok || v == "" {
			continue
		}
		if f.Type == Categorical {
			if c := indexOf(f.Domain, v); c >= 0 {
				row[j] = float64(c)
			} else {
				unusable = append(unusable, f.Name)
			}
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			unusable = append(unusable, f.Name)
			continue
		}
		row[j] = x
	}
	if s.Offset != "" {
		row[len(s.Features)] = math.NaN()
		if v, ok := values[s.Offset]; ok && v != "" {
			if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				row[len(s.Features)] = x
			} else {
				unusable = append(unusable, s.Offset)
			}
		}
	}
	return row, unusable
}

func indexOf(domain []string, v string) int {
	for i, l := range domain {
		if l == v {
			return i
		}
	}
	return -1
}
