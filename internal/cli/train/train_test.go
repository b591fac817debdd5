package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

func fixtures() (*clitest.Backend, *clitest.ClusterAPI) {
	b := clitest.NewBackend("local")
	b.Clusters["demo"] = &launcher.Record{Name: "demo", State: "running"}
	c := &clitest.ClusterAPI{
		ModelDetails: map[string]*api.Model{"gbm-1": clitest.GBMModel(), "glm-1": clitest.GLMModel()},
		JobUpdates: []api.Job{
			{ID: "job-1", Kind: "train", State: "running", Progress: 0.5, Message: "tree 100/200 valid auc 0.71"},
			{ID: "job-1", Kind: "train", State: "done", Progress: 1, Result: "gbm-1"},
		},
	}
	return b, c
}

// parse runs `mlctl train args...` and returns the options Run would get.
func parse(t *testing.T, args ...string) (*TrainOptions, error) {
	t.Helper()
	b, c := fixtures()
	f, _ := clitest.Factory(b, c)
	var got *TrainOptions
	err := clitest.Exec(NewCmdTrain(f, func(o *TrainOptions) error { got = o; return nil }), args...)
	return got, err
}

func f64(v float64) *float64 { return &v }
func yes(v bool) *bool       { return &v }

func TestTrainFlags(t *testing.T) {
	tests := []struct {
		args []string
		want api.TrainRequest
		wait bool
	}{
		{
			[]string{"gbm", "--cluster", "demo", "--frame", "train_0", "--valid", "train_1", "--target", "IsDelayed",
				"--ntrees", "200", "--max-depth", "6", "--learn-rate", "0.1", "--stopping-rounds", "5", "--seed", "7", "--wait"},
			api.TrainRequest{Algo: "gbm", Frame: "train_0", Valid: "train_1", Target: "IsDelayed", Seed: 7,
				GBM: &api.GBMParams{NTrees: 200, MaxDepth: 6, LearnRate: 0.1, StoppingRounds: 5}},
			true,
		},
		{
			[]string{"gbm", "-c", "demo", "--frame", "f", "--target", "y", "--name", "m1", "--ignore", "a,b",
				"--weights-column", "w", "--nfolds", "5", "--min-rows", "2.5", "--nbins", "64", "--sample-rate", "0.8",
				"--col-sample-rate", "0.5", "--distribution", "Bernoulli", "--stopping-metric", "auc", "--stopping-tolerance", "0.01"},
			api.TrainRequest{Algo: "gbm", ModelID: "m1", Frame: "f", Target: "y", Ignore: []string{"a", "b"}, WeightsColumn: "w", NFolds: 5,
				GBM: &api.GBMParams{MinRows: 2.5, NBins: 64, SampleRate: 0.8, ColSampleRate: 0.5, Distribution: "bernoulli",
					StoppingMetric: "auc", StoppingTolerance: 0.01}},
			false,
		},
		{
			[]string{"glm", "--cluster", "demo", "--frame", "train_0", "--valid", "train_1", "--target", "IsDelayed",
				"--family", "binomial", "--alpha", "0.5", "--lambda-search", "--wait"},
			api.TrainRequest{Algo: "glm", Frame: "train_0", Valid: "train_1", Target: "IsDelayed",
				GLM: &api.GLMParams{Family: "binomial", Alpha: f64(0.5), LambdaSearch: true}},
			true,
		},
		{
			// Pointer fields are sent only when given: here lambda 0 (no
			// penalty), not alpha, standardize or intercept.
			[]string{"glm", "--cluster", "demo", "--frame", "claims", "--target", "Claims", "--family", "poisson",
				"--offset-column", "logHolders", "--ignore", "Holders", "--lambda", "0", "--wait", "--output", "json"},
			api.TrainRequest{Algo: "glm", Frame: "claims", Target: "Claims", Ignore: []string{"Holders"}, OffsetColumn: "logHolders",
				GLM: &api.GLMParams{Family: "poisson", Lambda: f64(0)}},
			true,
		},
		{
			[]string{"glm", "-c", "demo", "--frame", "f", "--target", "y", "--family", "tweedie", "--tweedie-power", "1.5",
				"--link", "log", "--standardize=false", "--intercept=true", "--solver", "lbfgs", "--max-iterations", "50",
				"--lambda-search", "--nlambdas", "10", "--alpha", "0"},
			api.TrainRequest{Algo: "glm", Frame: "f", Target: "y",
				GLM: &api.GLMParams{Family: "tweedie", TweediePower: 1.5, Link: "log", Standardize: yes(false), Intercept: yes(true), Alpha: f64(0),
					Solver: "lbfgs", MaxIterations: 50, LambdaSearch: true, NLambdas: 10}},
			false,
		},
	}
	for _, tt := range tests {
		got, err := parse(t, tt.args...)
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if req := got.Spec.Request(); !reflect.DeepEqual(req, tt.want) {
			t.Errorf("%v:\n got %s\nwant %s", tt.args, js(req), js(tt.want))
		}
		if got.Spec.Wait != tt.wait || got.Cluster != "demo" {
			t.Errorf("%v: wait %v cluster %q", tt.args, got.Spec.Wait, got.Cluster)
		}
	}

	// The JSON sent for a GLM without pointer flags leaves them null, so
	// the cluster's defaults apply.
	got, err := parse(t, "glm", "-c", "demo", "--frame", "f", "--target", "y")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got.Spec.Request().GLM)
	for _, k := range []string{`"alpha":null`, `"lambda":null`, `"standardize":null`, `"intercept":null`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("glm params %s lack %s", b, k)
		}
	}
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestTrainUsageErrors(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "")
	base := func(algo string, more ...string) []string {
		return append([]string{algo, "-c", "demo", "--frame", "f", "--target", "y"}, more...)
	}
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{}, "say what to train"},
		{[]string{"-c", "demo", "--frame", "f"}, "say what to train"},
		{[]string{"gmb"}, `unknown algorithm "gmb": use mlctl train gbm or mlctl train glm (did you mean "gbm"?)`},
		{[]string{"gbm", "--frame", "f", "--target", "y"}, "no cluster given"},
		{[]string{"gbm", "-c", "demo", "--target", "y"}, "no frame to train on"},
		{[]string{"gbm", "-c", "demo", "--frame", "f"}, "no target"},
		{base("gbm", "extra"), "takes no arguments"},
		{base("gbm", "--ntrees", "0"), "--ntrees must be from 1 to 100000, got 0"},
		{base("gbm", "--ntrees", "100001"), "--ntrees must be from 1 to 100000, got 100001"},
		{base("gbm", "--ntrees", "many"), `invalid argument "many" for "--ntrees"`},
		{base("gbm", "--max-depth", "0"), "--max-depth must be from 1 to 30, got 0"},
		{base("gbm", "--max-depth", "31"), "--max-depth must be from 1 to 30, got 31"},
		{base("gbm", "--learn-rate", "0"), "--learn-rate must be more than 0 and at most 1, got 0"},
		{base("gbm", "--learn-rate", "1.5"), "--learn-rate must be more than 0 and at most 1, got 1.5"},
		{base("gbm", "--learn-rate", "NaN"), "--learn-rate must be more than 0 and at most 1, got NaN"},
		{base("gbm", "--sample-rate", "0"), "--sample-rate must be more than 0 and at most 1"},
		{base("gbm", "--col-sample-rate", "1.01"), "--col-sample-rate must be more than 0 and at most 1"},
		{base("gbm", "--nbins", "1"), "--nbins must be from 2 to 255, got 1"},
		{base("gbm", "--nbins", "256"), "--nbins must be from 2 to 255, got 256"},
		{base("gbm", "--min-rows", "0"), "--min-rows must be more than 0"},
		{base("gbm", "--distribution", "laplace"), `--distribution must be one of auto, gaussian, bernoulli, multinomial, poisson, got "laplace"`},
		{base("gbm", "--stopping-metric", "f1"), "--stopping-metric must be one of"},
		{base("gbm", "--stopping-rounds", "-1"), "--stopping-rounds must be at least 0"},
		{base("gbm", "--stopping-tolerance", "-0.1"), "--stopping-tolerance must be more than 0"},
		{base("gbm", "--stopping-tolerance", "0"), "--stopping-tolerance must be more than 0"},
		{base("gbm", "--nfolds", "1"), "--nfolds must be 0 (no cross-validation) or at least 2, got 1"},
		{base("gbm", "--ignore", "y"), "--ignore lists the target y"},
		{base("gbm", "--weights-column", "y"), "--weights-column is the target y"},
		{base("gbm", "--family", "binomial"), "unknown flag: --family"},
		{base("glm", "--ntrees", "5"), "unknown flag: --ntrees"},
		{base("glm", "--family", "logistic"), `--family must be one of gaussian, binomial, poisson, gamma, tweedie, multinomial, got "logistic"`},
		{base("glm", "--link", "probit"), "--link must be one of"},
		{base("glm", "--family", "binomial", "--link", "log"), "--link log does not go with family binomial; use logit"},
		{base("glm", "--link", "logit"), "--link logit does not go with family gaussian; use identity or log or inverse"},
		{base("glm", "--family", "multinomial", "--link", "log"), "--link log does not go with family multinomial"},
		{base("glm", "--family", "poisson", "--tweedie-power", "1.5"), "--tweedie-power applies only to family tweedie"},
		{base("glm", "--family", "tweedie"), "--family tweedie needs a variance power: add --tweedie-power P"},
		{base("glm", "--family", "tweedie", "--tweedie-power", "2"), "--tweedie-power must be between 1 and 2"},
		{base("glm", "--solver", "lbfgs", "--lambda-search"), "--solver lbfgs takes an L2 penalty only: add --alpha 0"},
		{base("glm", "--solver", "lbfgs", "--lambda", "0.1", "--alpha", "0.2"), "--solver lbfgs takes an L2 penalty only"},
		{base("glm", "--alpha", "1.1"), "--alpha must be from 0 to 1, got 1.1"},
		{base("glm", "--alpha", "-0.1"), "--alpha must be from 0 to 1"},
		{base("glm", "--lambda", "-1"), "--lambda must be at least 0, got -1"},
		{base("glm", "--lambda", "0.1", "--lambda-search"), "--lambda and lambda search do not go together"},
		{base("glm", "--nlambdas", "10"), "--nlambdas applies only with lambda search"},
		{base("glm", "--lambda-search", "--nlambdas", "1"), "--nlambdas must be from 2 to 1000, got 1"},
		{base("glm", "--solver", "newton"), `--solver must be one of auto, irlsm, lbfgs, got "newton"`},
		{base("glm", "--max-iterations", "0"), "--max-iterations must be from 1 to 100000"},
		{base("glm", "--output", "xml"), "must be one of table, json, yaml"},
		// Bare train with a spec has every flag; the wrong algorithm's are refused.
		{[]string{"-c", "demo", "--spec", writeSpec(t, "algo: glm\nframe: f\ntarget: y\n"), "--ntrees", "5"},
			"--ntrees is a gbm parameter, but this trains a glm"},
	}
	for _, tt := range tests {
		_, err := parse(t, tt.args...)
		if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%v: code %d %v\nwant usage error containing %q", tt.args, errs.Code(err), err, tt.msg)
		}
	}
}

func TestTrainClusterFromEnv(t *testing.T) {
	t.Setenv(cmdutil.EnvCluster, "fromenv")
	got, err := parse(t, "gbm", "--frame", "f", "--target", "y")
	if err != nil || got.Cluster != "fromenv" {
		t.Errorf("MLCTL_CLUSTER: %v %+v", err, got)
	}
}

func run(t *testing.T, c *clitest.ClusterAPI, tty bool, format cmdutil.OutputFormat, args ...string) (string, string, error) {
	t.Helper()
	b, _ := fixtures()
	f, ios := clitest.Factory(b, c)
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	var opts *TrainOptions
	if err := clitest.Exec(NewCmdTrain(f, func(o *TrainOptions) error { opts = o; return nil }), args...); err != nil {
		t.Fatal(err)
	}
	opts.Ctx, opts.Output = context.Background(), format
	err := Run(opts)
	return clitest.Out(ios), clitest.ErrOut(ios), err
}

func TestTrainNoWait(t *testing.T) {
	args := []string{"gbm", "-c", "demo", "--frame", "train_0", "--target", "IsDelayed"}
	tests := []struct {
		tty    bool
		format cmdutil.OutputFormat
		want   string
	}{
		{false, cmdutil.OutputTable, "job-1\n"},
		{true, cmdutil.OutputTable, "Started training job job-1 (gbm on train_0, target IsDelayed)\nFollow it with: mlctl job show --cluster demo job-1\n"},
		{false, cmdutil.OutputJSON, "{\n  \"id\": \"job-1\",\n  \"kind\": \"train\",\n  \"state\": \"running\","},
	}
	for _, tt := range tests {
		_, c := fixtures()
		out, errOut, err := run(t, c, tt.tty, tt.format, args...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, tt.want) || errOut != "" {
			t.Errorf("tty=%v %s: stdout %q stderr %q", tt.tty, tt.format, out, errOut)
		}
		if len(c.Trains) != 1 || c.Trains[0].Frame != "train_0" {
			t.Errorf("requests %+v", c.Trains)
		}
	}
}

func TestTrainWait(t *testing.T) {
	args := []string{"gbm", "-c", "demo", "--frame", "train_0", "--valid", "train_1", "--target", "IsDelayed", "--wait"}
	for _, tty := range []bool{true, false} {
		_, c := fixtures()
		out, errOut, err := run(t, c, tty, cmdutil.OutputTable, args...)
		if err != nil {
			t.Fatal(err)
		}
		if tty {
			if !strings.Contains(errOut, "\rtraining gbm [##########..........]  50%  tree 100/200 valid auc 0.71") {
				t.Errorf("tty progress: %q", errOut)
			}
			if !strings.HasPrefix(out, "model          gbm-1\n") || !strings.Contains(out, "Metrics on the validation frame\n  auc = 0.74\n") {
				t.Errorf("tty model:\n%s", out)
			}
		} else {
			if errOut != "training gbm  50%  tree 100/200 valid auc 0.71\ntraining gbm 100%\n" {
				t.Errorf("piped progress: %q", errOut)
			}
			if !strings.HasPrefix(out, "model\tgbm-1\nalgo\tgbm (binomial: 0, 1)\n") ||
				!strings.Contains(out, "FEATURE\tRELATIVE\tSHARE\nDepTime\t1\t0.5\n") {
				t.Errorf("piped model:\n%s", out)
			}
		}
	}

	// The model repeats its job's warnings: print them once.
	_, c := fixtures()
	c.JobUpdates[1].Warnings = []string{"kept the best 12 trees"}
	c.ModelDetails["gbm-1"].Warnings = []string{"kept the best 12 trees"}
	if _, errOut, err := run(t, c, false, cmdutil.OutputTable, args...); err != nil || strings.Count(errOut, "warning: kept the best 12 trees\n") != 1 {
		t.Errorf("warnings: %v %q", err, errOut)
	}
	if _, errOut, err := run(t, c, false, cmdutil.OutputJSON, args...); err != nil || strings.Count(errOut, "warning: kept the best 12 trees\n") != 1 {
		t.Errorf("warnings with json: %v %q", err, errOut)
	}

	// --output json prints the api.Model as it is.
	_, c = fixtures()
	out, _, err := run(t, c, false, cmdutil.OutputJSON, args...)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	for _, k := range []string{"model_id", "algo", "target", "params", "metrics", "training_time_ms", "variable_importance"} {
		if _, ok := m[k]; !ok {
			t.Errorf("json lacks %s", k)
		}
	}
	if mt := m["metrics"].(map[string]any); mt["train"] == nil || mt["valid"] == nil {
		t.Errorf("metrics %v", mt)
	} else if _, ok := mt["cv"]; !ok {
		t.Errorf("metrics.cv missing (want null): %v", mt)
	}
}

func TestTrainWaitFailures(t *testing.T) {
	args := []string{"glm", "-c", "demo", "--frame", "train_0", "--target", "IsDelayed", "--wait"}

	_, c := fixtures()
	c.JobUpdates = []api.Job{{ID: "job-1", State: "failed", Error: "column IsDelayed not found", Warnings: []string{"w1"}}}
	_, errOut, err := run(t, c, false, cmdutil.OutputTable, args...)
	if errs.Code(err) != errs.Error || err.Error() != "training glm failed: column IsDelayed not found" || !strings.Contains(errOut, "warning: w1\n") {
		t.Errorf("failed job: code %d %v, stderr %q", errs.Code(err), err, errOut)
	}

	_, c = fixtures()
	c.JobUpdates = []api.Job{{ID: "job-1", State: "done", Result: "gone"}}
	_, _, err = run(t, c, false, cmdutil.OutputTable, args...)
	if errs.Code(err) != errs.NotFound || !strings.Contains(errs.Hint(err), "mlctl model list --cluster demo") {
		t.Errorf("model gone: code %d %v", errs.Code(err), err)
	}

	b, c := fixtures()
	f, ios := clitest.Factory(b, c)
	notFound := &trainRefuser{ClusterAPI: c, err: errs.New(errs.NotFound, fmt.Errorf("no frame train_9: %w", fs.ErrNotExist), "")}
	err = Run(&TrainOptions{IO: ios, Now: f.Now, Ctx: context.Background(), Cluster: "demo",
		ClusterAPI: func(context.Context, string) (cmdutil.ClusterAPI, error) { return notFound, nil },
		Spec:       &Spec{Algo: "gbm", Frame: "train_9", Target: "y"}})
	if errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), "no frame train_9") ||
		errs.Hint(err) != "see the frames with: mlctl frame list --cluster demo" {
		t.Errorf("unknown frame: code %d %v (hint %q)", errs.Code(err), err, errs.Hint(err))
	}
}

type trainRefuser struct {
	*clitest.ClusterAPI
	err error
}

func (r *trainRefuser) Train(context.Context, api.TrainRequest) (*api.Job, error) { return nil, r.err }

func TestTrainCtrlC(t *testing.T) {
	for _, tt := range []struct {
		name     string
		stdinTTY bool
		answer   string
		cancel   bool
		stderr   string
	}{
		{"piped", false, "", false, "job job-1 is still running on cluster demo; cancel it with: mlctl job cancel --cluster demo job-1\n"},
		{"tty yes", true, "y\n", true, "Cancel job job-1 on the cluster? [y/N] job job-1: cancelled\n"},
		{"tty no", true, "n\n", false, "Cancel job job-1 on the cluster? [y/N] job job-1 is still running on cluster demo; cancel it with: mlctl job cancel --cluster demo job-1\n"},
	} {
		b, c := fixtures()
		c.JobUpdates = []api.Job{{ID: "job-1", State: "running", Progress: 0.2, Message: "tree 40/200"}}
		c.JobList = []api.Job{{ID: "job-1", Kind: "train", State: "running"}}
		c.WaitBlock, c.Waiting = true, make(chan struct{})
		f, ios := clitest.Factory(b, c)
		ios.SetStdinTTY(tt.stdinTTY)
		ios.In = strings.NewReader(tt.answer)
		var opts *TrainOptions
		if err := clitest.Exec(NewCmdTrain(f, func(o *TrainOptions) error { opts = o; return nil }),
			"gbm", "-c", "demo", "--frame", "train_0", "--target", "IsDelayed", "--wait"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-c.Waiting; cancel() }()
		opts.Ctx = ctx
		err := Run(opts)
		cancel()
		if errs.Code(err) != errs.Interrupted || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: code %d (%v), want 130", tt.name, errs.Code(err), err)
		}
		if (len(c.Cancelled) > 0) != tt.cancel {
			t.Errorf("%s: cancel calls %v", tt.name, c.Cancelled)
		}
		if got := clitest.ErrOut(ios); !strings.HasSuffix(got, tt.stderr) {
			t.Errorf("%s: stderr\n%q\nwant suffix\n%q", tt.name, got, tt.stderr)
		}
		if clitest.Out(ios) != "" {
			t.Errorf("%s: stdout %q", tt.name, clitest.Out(ios))
		}
	}
}

// writeSpec writes a spec file into a fresh directory and returns its path.
func writeSpec(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
