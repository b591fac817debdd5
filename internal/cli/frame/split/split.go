package split

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/mlctl/mlctl/engine/api"
	fshared "github.com/mlctl/mlctl/internal/cli/frame/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// SplitOptions configures `frame split`.
type SplitOptions struct {
	IO         *iostreams.IOStreams
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Cluster string
	Name    string
	Ratios  []float64
	Seed    int64
	Dest    []string
	Output  cmdutil.OutputFormat
}

// NewCmdSplit returns the `frame split` command.
func NewCmdSplit(f *cmdutil.Factory, runF func(*SplitOptions) error) *cobra.Command {
	opts := &SplitOptions{IO: f.IOStreams, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:   "split NAME",
		Short: "Split a frame by row into parts",
		Long: `Split a frame by row into new frames, each row going to one part at random
with the given ratios. The same seed gives the same split whatever the number
of nodes. If the ratios add up to less than 1, the rest forms one more part.

The parts are named NAME_0, NAME_1, ... unless --dest names them (one name per
part).`,
		Example: `  mlctl frame split train --cluster demo --ratios 0.8,0.2 --seed 42
  mlctl frame split train -c demo --ratios 0.7,0.15 --dest fit,valid,test`,
		Args: cmdutil.ExactArgs(1, "frame split needs the frame NAME (see mlctl frame list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Name = args[0]
			var err error
			if opts.Cluster, err = cmdutil.ResolveCluster(opts.Cluster); err != nil {
				return err
			}
			parts, err := ValidateRatios(opts.Ratios)
			if err != nil {
				return err
			}
			if len(opts.Dest) > 0 && len(opts.Dest) != parts {
				return cmdutil.UsageErrorf("--dest names %d frames but the ratios make %d parts", len(opts.Dest), parts)
			}
			seen := map[string]bool{}
			for _, d := range opts.Dest {
				if strings.TrimSpace(d) == "" {
					return cmdutil.UsageErrorf("--dest: frame names must not be empty")
				}
				if seen[d] {
					return cmdutil.UsageErrorf("--dest names %q twice; every part needs its own frame", d)
				}
				seen[d] = true
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	cmdutil.AddClusterFlag(cmd, &opts.Cluster)
	fl.Float64SliceVar(&opts.Ratios, "ratios", []float64{0.8, 0.2}, "comma-separated `fractions` of rows, one per part")
	fl.Lookup("ratios").DefValue = "0.8,0.2" // as a user types it, not [0.800000,0.200000]
	fl.Int64Var(&opts.Seed, "seed", 42, "random seed; the same seed gives the same split")
	fl.StringSliceVar(&opts.Dest, "dest", nil, "names of the new frames, comma-separated (default NAME_0, NAME_1, ...)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// ValidateRatios checks that every ratio is positive and that they sum to
// at most 1 (within 1e-9), returning how many parts the split makes.
func ValidateRatios(r []float64) (int, error) {
	if len(r) == 0 {
		return 0, cmdutil.UsageErrorf("--ratios needs at least one ratio, e.g. 0.8,0.2")
	}
	sum := 0.0
	for _, v := range r {
		if !(v > 0) || math.IsInf(v, 0) {
			return 0, cmdutil.UsageErrorf("--ratios: every ratio must be more than 0, got %g", v)
		}
		sum += v
	}
	if sum > 1+1e-9 {
		return 0, cmdutil.UsageErrorf("--ratios add up to %g; they must add up to at most 1", sum)
	}
	if sum < 1-1e-9 {
		return len(r) + 1, nil
	}
	return len(r), nil
}

// Run splits the frame and prints the parts.
func Run(opts *SplitOptions) error {
	c, err := fshared.Connect(opts.Ctx, opts.ClusterAPI, opts.Cluster)
	if err != nil {
		return err
	}
	parts, err := c.Split(opts.Ctx, api.SplitRequest{Frame: opts.Name, Ratios: opts.Ratios, Seed: opts.Seed, Dest: opts.Dest})
	if err != nil {
		if e := cmdutil.FrameError(opts.Cluster, opts.Name, err); e != err {
			return e
		}
		return fmt.Errorf("splitting %s: %w", opts.Name, err)
	}
	return fshared.PrintFrames(opts.IO, opts.Output, parts)
}
