package quickstart

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/mlctl/mlctl/examples"
	"github.com/mlctl/mlctl/internal/cli/cluster/delete"
	"github.com/mlctl/mlctl/internal/cli/cluster/launch"
	"github.com/mlctl/mlctl/internal/cli/cluster/status"
	"github.com/mlctl/mlctl/internal/cli/cluster/stop"
	importcmd "github.com/mlctl/mlctl/internal/cli/frame/import"
	"github.com/mlctl/mlctl/internal/cli/frame/summary"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// The quickstart cluster: fixed so that a second run finds what an
// interrupted first run left behind.
const (
	ClusterName = "quickstart"
	FrameName   = "airline"
	Nodes       = 3
	MemoryBytes = 1 << 30
	backendName = "local"
)

// QuickstartOptions configures `quickstart`.
type QuickstartOptions struct {
	IO         *iostreams.IOStreams
	Backend    func(name string) (launcher.Backend, error)
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Identity   func(ctx context.Context) (principal, user string)
	Now        func() time.Time
	Version    string
	Ctx        context.Context

	Timeout time.Duration
	// TempDir is where the example data is written ("" = the system's).
	TempDir string
	// Gate applies the policy to the launch, as cluster launch does (nil:
	// none).
	Gate *enforce.Gate
}

// NewCmdQuickstart returns the `quickstart` command.
func NewCmdQuickstart(f *cmdutil.Factory, runF func(*QuickstartOptions) error) *cobra.Command {
	opts := &QuickstartOptions{IO: f.IOStreams, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Identity: f.Identity, Now: f.Now, Version: f.Build.Version}
	if f.Policy != nil {
		opts.Gate = enforce.FromFactory(f)
	}
	cmd := &cobra.Command{
		Use:   "quickstart",
		Short: "Try mlctl: launch a local cluster, import example data, clean up",
		Long: `A first run of mlctl, on this machine only, in about a minute:

  1. launch a cluster named "quickstart" with 3 nodes of 1 GiB each and wait
     for it to form;
  2. import the bundled example data (5000 airline flights) as frame "airline";
  3. print the frame's column summary;
  4. split it 80/20, train a GBM and a GLM to predict IsDelayed on the 80%,
     and print their metrics on the held-out 20%;
  5. export the GBM to a scoring artifact (.mlz), verify its checksums, and
     score the example data with it on this machine, without the cluster;
  6. print the cluster's status, then stop and delete the cluster.

The cluster is stopped and deleted even if a step fails or you press Ctrl-C.
A "quickstart" cluster left by an interrupted earlier run is removed first.`,
		Example: `  mlctl quickstart`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Ctx = cmd.Context()
			if opts.Timeout <= 0 {
				return cmdutil.UsageErrorf("--timeout must be more than 0")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "how long to wait for the cluster to form")
	return cmd
}

// Run performs the quickstart.
func Run(opts *QuickstartOptions) (err error) {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	ios := opts.IO
	b, err := opts.Backend(backendName)
	if err != nil {
		return err
	}
	if _, gerr := b.Get(ctx, ClusterName); gerr == nil {
		fmt.Fprintf(ios.ErrOut, "A %q cluster is left from an earlier run; stopping and deleting it first.\n", ClusterName)
		if err := removeCluster(ctx, opts); err != nil {
			return err
		}
	} else if !errors.Is(gerr, fs.ErrNotExist) {
		return gerr
	}

	// From here on the cluster may exist, whatever happens next; Ctrl-C
	// cancels ctx, so cleaning up needs a context of its own.
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, gerr := b.Get(cctx, ClusterName); gerr != nil {
			return
		}
		heading(ios, "Stopping and deleting cluster "+ClusterName)
		if cerr := removeCluster(cctx, opts); cerr != nil {
			err = errors.Join(err, fmt.Errorf("cleaning up: %w (remove it with: mlctl cluster delete %s)", cerr, ClusterName))
		}
	}()

	heading(ios, fmt.Sprintf("Launching cluster %s: %d nodes, %s each, on this machine", ClusterName, Nodes, cmdutil.HumanBytes(MemoryBytes)))
	err = launch.Run(&launch.LaunchOptions{
		IO: ios, Backend: opts.Backend, Ctx: ctx,
		Name: ClusterName, BackendName: backendName, Nodes: Nodes, MemoryBytes: MemoryBytes, VCores: 1,
		Wait: true, Timeout: opts.Timeout, Output: cmdutil.OutputTable, Gate: opts.Gate,
	})
	if err != nil {
		return err
	}

	dir, err := os.MkdirTemp(opts.TempDir, "mlctl-quickstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	data, err := examples.WriteAirlineSample(dir)
	if err != nil {
		return fmt.Errorf("writing the example data: %w", err)
	}

	heading(ios, "Importing the example data as frame "+FrameName)
	err = importcmd.Run(&importcmd.ImportOptions{
		IO: ios, ClusterAPI: opts.ClusterAPI, Ctx: ctx,
		Cluster: ClusterName, Paths: []string{data}, Name: FrameName, Header: "auto", Output: cmdutil.OutputTable,
	})
	if err != nil {
		return err
	}

	heading(ios, "Column summary of "+FrameName)
	err = summary.Run(&summary.SummaryOptions{
		IO: ios, ClusterAPI: opts.ClusterAPI, Ctx: ctx, Cluster: ClusterName, Name: FrameName, Output: cmdutil.OutputTable,
	})
	if err != nil {
		return err
	}

	if err := trainModels(ctx, opts); err != nil {
		return err
	}
	if err := exportAndScore(ctx, opts, dir, data); err != nil {
		return err
	}

	heading(ios, "Status of cluster "+ClusterName)
	return status.Run(&status.StatusOptions{
		IO: ios, Backend: opts.Backend, ClusterAPI: opts.ClusterAPI, Now: opts.Now, Ctx: ctx,
		Name: ClusterName, BackendName: backendName, Output: cmdutil.OutputTable,
	})
}

func removeCluster(ctx context.Context, opts *QuickstartOptions) error {
	if err := stop.Run(&stop.StopOptions{IO: opts.IO, Backend: opts.Backend, Ctx: ctx, Name: ClusterName, BackendName: backendName}); err != nil {
		return err
	}
	return delete.Run(&delete.DeleteOptions{IO: opts.IO, Backend: opts.Backend, Ctx: ctx, Name: ClusterName, BackendName: backendName})
}

// heading separates the steps on stdout.
func heading(ios *iostreams.IOStreams, title string) {
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "\n%s\n", ios.ColorScheme().Bold("==> "+title))
		return
	}
	fmt.Fprintf(ios.Out, "\n# %s\n", title)
}
