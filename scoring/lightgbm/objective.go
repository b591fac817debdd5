package lightgbm

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Supported lists the objectives Read translates, for messages and docs.
const Supported = "regression (regression_l2, l2, mse, rmse), binary, multiclass (softmax), poisson, gamma, tweedie"

type objective struct {
	dist string
	k    int // margins
}

// objectiveFor maps the objective line onto a scoring distribution, with
// LightGBM's own aliases (ParseObjectiveAlias), and checks the header's
// class counts against it. It fills info.ObjectiveName and info.Sigmoid.
func objectiveFor(info *Info) (objective, error) {
	words := strings.Fields(info.Objective)
	if len(words) == 0 {
		return objective{}, fmt.Errorf("lightgbm: the model names no objective (a custom objective?): %w (%s are)", ErrUnsupported, Supported)
	}
	name := words[0]
	switch name {
	case "regression_l2", "mean_squared_error", "mse", "l2", "l2_root", "root_mean_squared_error", "rmse":
		name = "regression"
	case "softmax":
		name = "multiclass"
	}
	info.ObjectiveName = name
	args := map[string]string{}
	for _, w := range words[1:] {
		k, v, _ := strings.Cut(w, ":")
		args[k] = v
	}
	o := objective{k: 1}
	switch name {
	case "regression":
		if _, ok := args["sqrt"]; ok {
			return o, fmt.Errorf("lightgbm: objective %q (reg_sqrt, predictions squared back): %w (%s are)", info.Objective, ErrUnsupported, Supported)
		}
		o.dist = "gaussian"
	case "binary":
		o.dist = "bernoulli"
		info.Sigmoid = 1
		if s, ok := args["sigmoid"]; ok {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || !(v > 0) || math.IsInf(v, 0) {
				return o, fmt.Errorf("lightgbm: objective %q: sigmoid must be a positive number", info.Objective)
			}
			info.Sigmoid = v
		}
	case "multiclass":
		o.dist, o.k = "multinomial", info.NumClass
		if o.k < 2 {
			return o, fmt.Errorf("lightgbm: objective %q with num_class=%d", info.Objective, info.NumClass)
		}
		if s, ok := args["num_class"]; ok && s != strconv.Itoa(info.NumClass) {
			return o, fmt.Errorf("lightgbm: objective %q but num_class=%d", info.Objective, info.NumClass)
		}
	case "poisson", "gamma", "tweedie":
		o.dist = name // all three predict exp(margin)
	default:
		return o, fmt.Errorf("lightgbm: objective %q: %w (%s are)", name, ErrUnsupported, Supported)
	}
	if info.TreesPerIteration != o.k || (o.k == 1 && info.NumClass != 1) {
		return o, fmt.Errorf("lightgbm: objective %s with num_class=%d and num_tree_per_iteration=%d", name, info.NumClass, info.TreesPerIteration)
	}
	return o, nil
}
