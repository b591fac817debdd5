package clusters

import (
	"context"
	"fmt"
	"strconv"
	"time"

	ashared "github.com/mlctl/mlctl/internal/cli/admin/shared"
	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// ClustersOptions configures `admin clusters`.
type ClustersOptions struct {
	IO      *iostreams.IOStreams
	Gate    *enforce.Gate
	Backend func(name string) (launcher.Backend, error)
	Now     func() time.Time
	Ctx     context.Context

	All    bool
	Output cmdutil.OutputFormat
}

// NewCmdClusters returns the `admin clusters` command.
func NewCmdClusters(f *cmdutil.Factory, runF func(*ClustersOptions) error) *cobra.Command {
	opts := &ClustersOptions{IO: f.IOStreams, Gate: enforce.FromFactory(f), Backend: f.Backend, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "clusters",
		Short: "List every user's clusters on every backend",
		Long: `List the clusters of every user: the local backend's records on this gateway
and, when the policy has a yarn backend, every mlctl application the
ResourceManager knows (application type MLCTL, tag mlctl), whoever launched it
and from whichever gateway. Live clusters only, unless --all.

Clusters known only from YARN show what YARN allocated; their profile and
per-node sizes are in their owner's record.`,
		Example: `  mlctl admin clusters
  mlctl admin clusters --all --output json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "also clusters that have ended")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run lists the clusters.
func Run(opts *ClustersOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	pol, _, err := opts.Gate.RequireAdmin(ctx, "mlctl admin clusters")
	if err != nil {
		return err
	}
	b, err := opts.Backend("")
	if err != nil {
		return err
	}
	list, yarnErr, err := ashared.All(ctx, b, !opts.All, pol.Backends.Yarn.Enabled)
	if err != nil {
		return err
	}
	if yarnErr != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %v\n", yarnErr)
	}
	if opts.Output.IsData() {
		recs := make([]launcher.Record, 0, len(list))
		for _, c := range list {
			recs = append(recs, launcher.Redacted(c.Record))
		}
		return cmdutil.WriteData(opts.IO.Out, opts.Output, recs)
	}
	if len(list) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no clusters")
		return nil
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	tp := cmdutil.NewTablePrinter(opts.IO)
	tp.Header("NAME", "OWNER", "BACKEND", "STATE", "NODES", "MEMORY", "PROFILE", "QUEUE", "CREATED", "APP")
	for _, c := range list {
		tp.AddField(c.Name, nil)
		tp.AddField(c.Owner, nil)
		tp.AddField(c.Backend, nil)
		tp.AddField(c.State, shared.StateStyle(opts.IO.ColorScheme(), c.State))
		tp.AddField(strconv.Itoa(c.Nodes), nil)
		tp.AddField(cmdutil.Bytes(opts.IO, c.MemoryBytes), nil)
		tp.AddField(c.Profile, nil)
		tp.AddField(c.Queue, nil)
		tp.AddField(cmdutil.Time(opts.IO, c.CreatedAt, now()), nil)
		tp.AddField(c.AppID, nil)
		tp.EndRow()
	}
	return tp.Render()
}
