package learn_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/proc/proctest"
)

// Every request the data cannot serve is refused with a message that names
// the problem, before a job starts or as the job's first failure.
func TestBadTrainingRequests(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var b, other strings.Builder
	b.WriteString("x,c,k,na,y,s\n")
	other.WriteString("x,c,y\n")
	for i := 0; i < 50; i++ {
		b.WriteString(strings.Join([]string{itoa(i), []string{"a", "b"}[i%2], "7", "", itoa(i % 2), []string{"p", "q", "r"}[i%3]}, ",") + "\n")
		other.WriteString(itoa(i) + "," + itoa(i) + "," + itoa(i%2) + "\n")
	}
	c := proctest.Start(t, 1, 0)
	c.Import(t, api.ImportRequest{Paths: []string{write("d.csv", b.String())}, Name: "d", ColTypes: map[string]string{"na": "numeric"}})
	c.Import(t, api.ImportRequest{Paths: []string{write("o.csv", other.String())}, Name: "o"})
	zero := 0.0
	cases := []struct {
		name string
		req  api.TrainRequest
		want string
	}{
		{"no target", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "nope"}, `no column "nope"`},
		{"constant target", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "k"}, "constant"},
		{"categorical target for regression", api.TrainRequest{Algo: "glm", Frame: "d", Target: "c", GLM: &api.GLMParams{Family: "gaussian"}}, "categorical"},
		{"numeric target for multinomial", api.TrainRequest{Algo: "glm", Frame: "d", Target: "y", GLM: &api.GLMParams{Family: "multinomial"}}, "numeric"},
		{"all-NA column", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "y"}, `"na" has no values`},
		{"validation schema", api.TrainRequest{Algo: "gbm", Frame: "d", Valid: "o", Target: "y", Ignore: []string{"na"}}, "validation frame"},
		{"nfolds above rows", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "y", NFolds: 51}, "more than the 50 rows"},
		{"nfolds one", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "y", NFolds: 1}, "not a number of folds"},
		{"unknown ignore", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "y", Ignore: []string{"zz"}}, `"zz"`},
		{"weights is target", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "y", WeightsColumn: "y"}, "both"},
		{"bad family", api.TrainRequest{Algo: "glm", Frame: "d", Target: "y", GLM: &api.GLMParams{Family: "weird"}}, "family"},
		{"bad depth", api.TrainRequest{Algo: "gbm", Frame: "d", Target: "y", GBM: &api.GBMParams{MaxDepth: 99}}, "max_depth"},
		{"gamma needs positive", api.TrainRequest{Algo: "glm", Frame: "d", Target: "y", Ignore: []string{"na"}, GLM: &api.GLMParams{Family: "gamma", Lambda: &zero}}, "positive"},
		{"no frame", api.TrainRequest{Algo: "gbm", Frame: "none", Target: "y"}, "does not exist"},
	}
	ctx := context.Background()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.ModelID = "m" + itoa(i)
			j, err := c.Client.Train(ctx, tc.req)
			if err == nil {
				// Found in the data: the job fails at once, before training.
				wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				j, err = c.Client.WaitJob(wctx, j.ID, nil)
				if err == nil {
					t.Fatalf("training succeeded: %+v", j)
				}
				if j.Progress > 0.01 {
					t.Errorf("the job got %v of the way before failing", j.Progress)
				}
			} else {
				var ae *api.Error
				if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusNotFound) {
					t.Errorf("refused with %v, want a 400 or 404", err)
				}
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
	// An existing model id is a conflict.
	req := api.TrainRequest{Algo: "gbm", ModelID: "taken", Frame: "o", Target: "y", GBM: &api.GBMParams{NTrees: 2}}
	c.Train(t, req, time.Minute)
	if _, err := c.Client.Train(ctx, req); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second model with the same id: %v", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
