package quickstart

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cmdutil"
)

// The models quickstart trains on the example data.
var quickModels = []api.TrainRequest{
	{Algo: "gbm", ModelID: "gbm_delay", Frame: FrameName + "_train", Valid: FrameName + "_valid", Target: "IsDelayed", Seed: 7,
		GBM: &api.GBMParams{NTrees: 50, MaxDepth: 5, LearnRate: 0.1}},
	{Algo: "glm", ModelID: "glm_delay", Frame: FrameName + "_train", Valid: FrameName + "_valid", Target: "IsDelayed",
		GLM: &api.GLMParams{Family: "binomial"}},
}

// trainModels splits the frame, trains quickModels and prints their
// validation metrics side by side.
func trainModels(ctx context.Context, opts *QuickstartOptions) error {
	ios := opts.IO
	c, err := opts.ClusterAPI(ctx, ClusterName)
	if err != nil {
		return err
	}
	heading(ios, fmt.Sprintf("Splitting %s: %s_train (80%%) to train on, %s_valid (20%%) to validate", FrameName, FrameName, FrameName))
	parts, err := c.Split(ctx, api.SplitRequest{Frame: FrameName, Ratios: []float64{0.8, 0.2}, Seed: 42, Dest: []string{FrameName + "_train", FrameName + "_valid"}})
	if err != nil {
		return fmt.Errorf("splitting %s: %w", FrameName, err)
	}
	for _, p := range parts {
		fmt.Fprintf(ios.Out, "%s: %d rows\n", p.Name, p.Rows)
	}
	var models []*api.Model
	for _, req := range quickModels {
		heading(ios, fmt.Sprintf("Training a %s to predict %s (mlctl train %s)", describe(req), req.Target, req.Algo))
		m, err := trainOne(ctx, opts, c, req)
		if err != nil {
			return err
		}
		models = append(models, m)
		fmt.Fprintf(ios.Out, "%s: %s, trained in %s\n", m.ModelID, headline(m), time.Duration(m.TrainingTimeMS)*time.Millisecond)
	}
	heading(ios, "Validation metrics (on "+FrameName+"_valid)")
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("MODEL", "ALGO", "AUC", "LOGLOSS", "F1", "TRAIN AUC")
	for _, m := range models {
		tp.AddField(m.ModelID, ios.ColorScheme().Cyan)
		tp.AddField(m.Algo, nil)
		for _, v := range []any{m.Metrics.Valid["auc"], m.Metrics.Valid["logloss"], m.Metrics.Valid["f1"], m.Metrics.Train["auc"]} {
			tp.AddField(num(v), nil)
		}
		tp.EndRow()
	}
	return tp.Render()
}

func describe(req api.TrainRequest) string {
	if req.Algo == "gbm" {
		return fmt.Sprintf("GBM (%d trees, depth %d)", req.GBM.NTrees, req.GBM.MaxDepth)
	}
	return "GLM (" + req.GLM.Family + ")"
}

func headline(m *api.Model) string {
	if v, ok := m.Metrics.Valid["auc"].(float64); ok {
		return "validation AUC " + strconv.FormatFloat(v, 'f', 4, 64)
	}
	return "trained"
}

func num(v any) string {
	f, ok := v.(float64)
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(f, 'f', 4, 64)
}

// trainOne trains a model, showing the job's progress line.
func trainOne(ctx context.Context, opts *QuickstartOptions, c cmdutil.ClusterAPI, req api.TrainRequest) (*api.Model, error) {
	j, err := c.Train(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("training %s: %w", req.ModelID, err)
	}
	pl := cmdutil.NewProgressLine(opts.IO, true)
	j, err = c.WaitJob(ctx, j.ID, func(j *api.Job) {
		pl.Set(req.ModelID, fmt.Sprintf("%s %s %s", req.ModelID, cmdutil.Bar(j.Progress, 20), j.Message))
	})
	pl.Done()
	if err != nil {
		return nil, fmt.Errorf("training %s: %w", req.ModelID, err)
	}
	if j.State != "done" && j.State != "" {
		return nil, fmt.Errorf("training %s: %s", req.ModelID, j.Error)
	}
	id := j.Result
	if id == "" {
		id = req.ModelID
	}
	return c.Model(ctx, id)
}
