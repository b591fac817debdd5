package scoring

import "math"

// GLM is a generalized linear model on the original scale of its inputs.
//
// Coefficient layout, per class vector: numeric features take one slot, a
// categorical feature one slot per level except its first when the model
// has an intercept (the reference level), in Features order; the intercept
// is the last slot. Start[j] is feature j's first slot.
type GLM struct {
	Schema       Schema      `json:"schema"`
	Family       string      `json:"family"` // gaussian|binomial|poisson|gamma|tweedie|multinomial
	Link         string      `json:"link"`   // identity|logit|log|inverse|tweedie|multinomial
	TweediePower float64     `json:"tweedie_power,omitempty"`
	LinkPower    float64     `json:"link_power,omitempty"`
	Intercept    bool        `json:"intercept"`
	Start        []int       `json:"start"`
	Beta         [][]float64 `json:"beta"` // one vector, or one per class (multinomial)
	// Impute holds the value used for a missing input: the training mean of a
	// numeric feature, the most frequent level's code of a categorical one.
	Impute []float64 `json:"impute"`
}

// Algo is "glm".
func (m *GLM) Algo() string { return "glm" }

// ModelSchema returns the inputs and response.
func (m *GLM) ModelSchema() *Schema { return &m.Schema }

// Outputs: the mean for regression, class probabilities otherwise.
func (m *GLM) Outputs() []string { return outputsFor(&m.Schema) }

// Slots is the length of a coefficient vector.
func (m *GLM) Slots() int { return len(m.Beta[0]) }

// Eta is class k's linear predictor for row (offset included).
func (m *GLM) Eta(row []float64, k int) float64 {
	b := m.Beta[k]
	eta := 0.0
	if m.Intercept {
		eta = b[len(b)-1]
	}
	for j, f := range m.Schema.Features {
		v := row[j]
		if f.Type == Categorical {
			c := catCode(v, len(f.Domain))
			if c < 0 {
				c = int(m.Impute[j])
			}
			if m.Intercept {
				if c == 0 {
					continue
				}
				c--
			}
			eta += b[m.Start[j]+c]
			continue
		}
		if math.IsNaN(v) {
			v = m.Impute[j]
		}
		eta += b[m.Start[j]] * v
	}
	if m.Schema.Offset != "" {
		if o := row[len(m.Schema.Features)]; !math.IsNaN(o) {
			eta += o
		}
	}
	return eta
}

// Predict writes the mean (regression) or class probabilities.
func (m *GLM) Predict(row, out []float64) {
	switch m.Family {
	case "binomial":
		p := Sigmoid(m.Eta(row, 0))
		out[0], out[1] = 1-p, p
	case "multinomial":
		k := len(m.Beta)
		var buf [16]float64
		eta := buf[:0]
		if k > len(buf) {
			eta = make([]float64, 0, k)
		}
		for c := 0; c < k; c++ {
			eta = append(eta, m.Eta(row, c))
		}
		Softmax(eta, out[:k])
	default:
		out[0] = LinkInverse(m.Link, m.Eta(row, 0), m.LinkPower)
	}
}
