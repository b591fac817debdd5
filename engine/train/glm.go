package train

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/glm"
	"github.com/mlctl/mlctl/engine/learn"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/scoring"
)

func resolveGLM(req *api.TrainRequest) (glm.Params, error) { return glm.Resolve(req.GLM) }

func runGLM(ctx context.Context, d mr.Driver, req *api.TrainRequest) (*Output, error) {
	p, err := resolveGLM(req)
	if err != nil {
		return nil, err
	}
	s, err := learn.Prepare(ctx, d, req, p.Mode())
	if err != nil {
		return nil, err
	}
	info := base(req, s)
	info.Params = p.AsMap()
	label := ""
	if s.Folds > 1 {
		label = "main model: "
	}
	res, err := glm.Train(ctx, d, s, p, learn.NoFolds, label)
	if err != nil {
		return nil, err
	}
	info.Iterations = res.Iterations
	info.Warnings = append(info.Warnings, res.Notes...)
	lam := res.Lambda
	info.Lambda = &lam
	info.Coefficients = byName(res.Names, res.Coef)
	info.StdCoefficients = byName(res.Names, res.Std)
	if res.SE != nil {
		info.StdErrors = byName(res.Names, res.SE)
		info.ZValues = byName(res.Names, res.Z)
		info.PValues = byName(res.Names, res.P)
	}
	// Importance: |standardized coefficient| (the largest over classes).
	imp := map[string]float64{}
	var order []string
	for i, n := range res.Names {
		base := n
		if len(s.Schema.Classes) > 2 && p.Family == "multinomial" {
			for j := 0; j < len(n); j++ {
				if n[j] == ':' {
					base = n[j+1:]
					break
				}
			}
		}
		if base == "Intercept" {
			continue
		}
		if _, seen := imp[base]; !seen {
			order = append(order, base)
		}
		imp[base] = math.Max(imp[base], math.Abs(res.Std[i]))
	}
	raw := make([]float64, len(order))
	for i, n := range order {
		raw[i] = imp[n]
	}
	info.VariableImportance = importance(order, raw)
	if len(res.Path) > 0 {
		var path []map[string]any
		for _, pt := range res.Path {
			e := map[string]any{"lambda": pt.Lambda, "train_deviance": pt.TrainDeviance, "nonzero": pt.Nonzero}
			if !math.IsNaN(pt.ValidDeviance) {
				e["valid_deviance"] = pt.ValidDeviance
			}
			path = append(path, e)
		}
		info.Params["lambda_path"] = path
	}
	dist := distOf(s.Kind, p.Family)
	th, err := evaluate(ctx, d, s, res.Model, info, dist, p.TweediePower)
	if err != nil {
		return nil, err
	}
	info.Metrics.Train["deviance"] = res.Deviance
	info.Metrics.Train["null_deviance"] = res.NullDeviance
	if !math.IsNaN(res.AIC) {
		info.Metrics.Train["aic"] = res.AIC
	}
	info.Metrics.Train["dispersion"] = res.Dispersion
	if info.Metrics.Valid != nil {
		vdev, err := glm.Deviance(ctx, d, s, res, *s.VBind)
		if err != nil {
			return nil, err
		}
		info.Metrics.Valid["deviance"] = vdev.Deviance
		info.Metrics.Valid["null_deviance"] = vdev.NullDeviance
	}
	err = crossValidate(ctx, d, s, info, dist, p.TweediePower, func(ctx context.Context, folds learn.Folds, run string) (scoring.Model, error) {
		fp := p
		fp.LambdaSearch = false
		fp.Lambda = res.Lambda // folds refit at the chosen lambda
		fr, err := glm.Train(ctx, d, s, fp, folds, fmt.Sprintf("fold %d/%d: ", folds.Exclude+1, folds.K))
		if err != nil {
			return nil, err
		}
		return fr.Model, nil
	})
	if err != nil {
		return nil, err
	}
	return &Output{Info: info, Model: res.Model, Threshold: th}, nil
}

func byName(names []string, vals []float64) map[string]float64 {
	m := make(map[string]float64, len(names))
	for i, n := range names {
		if !math.IsNaN(vals[i]) { // a level no training row has: no statistic
			m[n] = vals[i]
		}
	}
	return m
}
