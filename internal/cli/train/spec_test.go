package train

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
)

// The example specs must parse, validate and say what their comments say.
func TestExampleSpecs(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "examples", "specs")
	tests := map[string]api.TrainRequest{
		"gbm.yaml": {Algo: "gbm", Frame: "train_0", Valid: "train_1", Target: "IsDelayed", Seed: 7,
			GBM: &api.GBMParams{NTrees: 200, MaxDepth: 6, LearnRate: 0.1, SampleRate: 0.8, ColSampleRate: 0.8,
				StoppingRounds: 5, StoppingMetric: "auc"}},
		"glm.yaml": {Algo: "glm", Frame: "train_0", Valid: "train_1", Target: "IsDelayed", Seed: 7,
			GLM: &api.GLMParams{Family: "binomial", Alpha: f64(0.5), LambdaSearch: true, NLambdas: 30, Standardize: yes(true)}},
		"glm-poisson.yaml": {Algo: "glm", Frame: "claims", Target: "Claims", Ignore: []string{"Holders"}, OffsetColumn: "logHolders",
			GLM: &api.GLMParams{Family: "poisson", Lambda: f64(0)}},
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(tests) {
		t.Errorf("%s holds %d files; test each one here", dir, len(ents))
	}
	for name, want := range tests {
		s, err := BuildSpec("", filepath.Join(dir, name), nil, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := s.Request(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, js(got), js(want))
		}
		if !s.Wait {
			t.Errorf("%s: the examples wait for the model", name)
		}
	}
}

func TestSpecFlagsOverrideFile(t *testing.T) {
	p := writeSpec(t, "algo: gbm\nframe: train_0\ntarget: IsDelayed\nntrees: 200\nmax_depth: 6\nignore: [a, b]\nwait: true\n")
	got, err := parse(t, "-c", "demo", "--spec", p, "--ntrees", "500", "--ignore", "c", "--wait=false", "--seed", "8")
	if err != nil {
		t.Fatal(err)
	}
	want := api.TrainRequest{Algo: "gbm", Frame: "train_0", Target: "IsDelayed", Ignore: []string{"c"}, Seed: 8,
		GBM: &api.GBMParams{NTrees: 500, MaxDepth: 6}}
	if req := got.Spec.Request(); !reflect.DeepEqual(req, want) || got.Spec.Wait {
		t.Errorf("got %s wait %v\nwant %s", js(req), got.Spec.Wait, js(want))
	}

	// The subcommand agrees with the file, or says which is which.
	if got, err := parse(t, "gbm", "-c", "demo", "--spec", p); err != nil || got.Spec.Algo != "gbm" {
		t.Errorf("train gbm --spec gbm-file: %v", err)
	}
	_, err = parse(t, "glm", "-c", "demo", "--spec", p)
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "spec.yaml:1: algo is gbm, but the command is mlctl train glm") {
		t.Errorf("algo conflict: code %d %v", errs.Code(err), err)
	}
	// A file without algo works with a subcommand only.
	p2 := writeSpec(t, "frame: f\ntarget: y\nalpha: 0.25\n")
	if got, err := parse(t, "glm", "-c", "demo", "--spec", p2); err != nil || *got.Spec.Request().GLM.Alpha != 0.25 {
		t.Errorf("train glm --spec without algo: %v", err)
	}
	_, err = parse(t, "-c", "demo", "--spec", p2)
	if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), "has no algo: add algo: gbm or algo: glm") {
		t.Errorf("no algo: code %d %v", errs.Code(err), err)
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		text string
		msg  string
	}{
		{"algo: gbm\nframe: f\ntarget: y\nntree: 200\n", `spec.yaml:4: unknown key "ntree" (did you mean "ntrees"?)`},
		{"algo: gbm\nframe: f\ntarget: y\nmax-depth: 6\n", `spec.yaml:4: unknown key "max-depth" (did you mean "max_depth"?)`},
		{"algo: gbm\nframe: f\n\ntarget: y\ncolour: blue\n", `spec.yaml:5: unknown key "colour"`},
		{"algo: gbm\nframe: f\ntarget: y\nntrees: many\n", `spec.yaml:4: ntrees: want a whole number, got "many"`},
		{"algo: gbm\nframe: f\ntarget: y\nntrees: 2.5\n", `spec.yaml:4: ntrees: want a whole number, got "2.5"`},
		{"algo: gbm\nframe: f\ntarget: y\nntrees: \"200\"\n", `spec.yaml:4: ntrees: want a whole number, got the string "200"`},
		{"algo: gbm\nframe: f\ntarget: y\nlearn_rate: fast\n", `spec.yaml:4: learn_rate: want a number, got "fast"`},
		{"algo: glm\nframe: f\ntarget: y\nstandardize: maybe\n", `spec.yaml:4: standardize: want true or false, got "maybe"`},
		{"algo: gbm\nframe: f\ntarget: y\nignore: a\n", `spec.yaml:4: ignore: want a list of strings, e.g. [a, b], got "a"`},
		{"algo: gbm\nframe: f\ntarget: y\nignore:\n  - a\n  - [b]\n", `spec.yaml:4: ignore: want a list of strings, e.g. [a, b]; line 6 holds a list`},
		{"algo: gbm\nframe: [a, b]\ntarget: y\n", `spec.yaml:2: frame: want a string, got a list`},
		{"algo: gbm\nframe: f\ntarget: y\nntrees: 1\nntrees: 2\n", `spec.yaml:5: ntrees is given twice (first on line 4)`},
		{"algo: gbm\nframe: f\ntarget: y\nmax_depth: 40\n", `spec.yaml:4: max_depth must be from 1 to 30, got 40`},
		{"algo: gbm\nframe: f\ntarget: y\ndistribution: laplace\n", `spec.yaml:4: distribution must be one of auto, gaussian`},
		{"algo: glm\nframe: f\ntarget: y\nfamily: logistic\n", `spec.yaml:4: family must be one of gaussian`},
		{"algo: glm\nframe: f\ntarget: y\nntrees: 5\n", `spec.yaml:4: ntrees is a gbm parameter, but this trains a glm`},
		{"algo: xgboost\nframe: f\ntarget: y\n", `spec.yaml:1: algo must be gbm or glm, got "xgboost"`},
		{"algo: gbm\ntarget: y\n", "no frame to train on"},
		{"algo: gbm\nframe: f\n  target: y\n", "spec.yaml:3: mapping values are not allowed in this context"},
		{"- algo: gbm\n", "spec.yaml:1: a spec is a mapping of keys to values"},
		{"", "spec.yaml: the spec is empty"},
		{"# only a comment\n", "spec.yaml: the spec is empty"},
	}
	for _, tt := range tests {
		_, err := BuildSpec("", writeSpec(t, tt.text), nil, nil)
		if errs.Code(err) != errs.Usage || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: code %d %v\nwant usage error containing %q", tt.text, errs.Code(err), err, tt.msg)
		}
	}
	_, err := BuildSpec("", filepath.Join(t.TempDir(), "missing.yaml"), nil, nil)
	if errs.Code(err) != errs.NotFound || !strings.Contains(err.Error(), "missing.yaml: no such file") {
		t.Errorf("missing file: code %d %v", errs.Code(err), err)
	}
}

func TestSpecNullAndLoose(t *testing.T) {
	// Null means not given; names may look like numbers; case is folded.
	s, err := BuildSpec("", writeSpec(t, "algo: GLM\nframe: 2024\ntarget: y\nalpha:\nlambda: ~\nfamily: Binomial\nignore: [2023, b]\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := s.Request()
	if req.Frame != "2024" || req.GLM.Alpha != nil || req.GLM.Lambda != nil || req.GLM.Family != "binomial" ||
		!reflect.DeepEqual(req.Ignore, []string{"2023", "b"}) {
		t.Errorf("request %s", js(req))
	}
}

// Every spec key is a flag of bare `mlctl train` (and so of gbm or glm).
func TestSpecKeysAreFlags(t *testing.T) {
	b, c := fixtures()
	f, _ := clitest.Factory(b, c)
	cmd := NewCmdTrain(f, nil)
	for _, k := range Keys() {
		if k == "algo" {
			continue
		}
		if cmd.Flags().Lookup(flagName(k)) == nil {
			t.Errorf("spec key %s has no flag --%s", k, flagName(k))
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, name := range []string{"gbm.yaml", "glm.yaml", "glm-poisson.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "specs", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("ntrees: [1\n"))
	f.Add([]byte("ignore: &a [x]\nvalid: *a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSpec("f.yaml", b)
		if err == nil && s == nil {
			t.Fatal("nil spec without error")
		}
		if err != nil && errs.Code(err) != errs.Usage {
			t.Fatalf("code %d: %v", errs.Code(err), err)
		}
	})
}
