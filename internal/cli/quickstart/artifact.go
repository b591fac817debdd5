package quickstart

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mlctl/mlctl/internal/cli/model/export"
	"github.com/mlctl/mlctl/internal/cli/model/verify"
	"github.com/mlctl/mlctl/internal/cli/score"
	"github.com/mlctl/mlctl/internal/cmdutil"
)

// previewRows is how many scored rows quickstart prints.
const previewRows = 5

// exportAndScore exports the GBM to an artifact in dir, verifies it, and
// scores the example data with it on this machine, as a user would with
// mlctl model export, mlctl model verify and mlctl score.
func exportAndScore(ctx context.Context, opts *QuickstartOptions, dir, data string) error {
	ios := opts.IO
	gbm := quickModels[0].ModelID
	art := filepath.Join(dir, gbm+".mlz")
	heading(ios, fmt.Sprintf("Exporting %s to a scoring artifact (mlctl model export)", gbm))
	err := export.Run(&export.ExportOptions{
		IO: ios, ClusterAPI: opts.ClusterAPI, Backend: opts.Backend, Identity: opts.Identity, Now: opts.Now, Version: opts.Version, Ctx: ctx,
		Cluster: ClusterName, ID: gbm, Out: art, Output: cmdutil.OutputTable,
	})
	if err != nil {
		return err
	}
	heading(ios, "Verifying the artifact's checksums (mlctl model verify)")
	if err := verify.Run(&verify.VerifyOptions{IO: ios, Ctx: ctx, Path: art, Output: cmdutil.OutputTable}); err != nil {
		return err
	}
	scored := filepath.Join(dir, "scored.csv")
	heading(ios, "Scoring the example data with the artifact, without the cluster (mlctl score)")
	err = score.Run(&score.ScoreOptions{
		IO: ios, Ctx: ctx, Model: art, Input: data, Output: scored, Keep: []string{"Origin", "Dest", "IsDelayed"},
		Format: score.FormatCSV, Workers: runtime.GOMAXPROCS(0),
	})
	if err != nil {
		return err
	}
	f, err := os.Open(scored)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; i <= previewRows && sc.Scan(); i++ {
		fmt.Fprintln(ios.Out, sc.Text())
	}
	fmt.Fprintf(ios.Out, "… (all rows in %s; the artifact in %s is removed with the rest of the example)\n", scored, art)
	return sc.Err()
}
