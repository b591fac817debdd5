package start

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	jobshared "github.com/mlctl/mlctl/internal/cli/job/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// StartOptions is everything `cluster start` needs, resolved from flags.
type StartOptions struct {
	IO         *iostreams.IOStreams
	Backend    func(name string) (launcher.Backend, error)
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Name        string
	BackendName string
	// Nodes, MemoryBytes and VCores override the record's when non-zero.
	Nodes       int
	MemoryBytes int64
	VCores      int
	Timeout     time.Duration
	// NoRestore starts the cluster empty even when it has a save.
	NoRestore bool
	Output    cmdutil.OutputFormat

	// Check, when set, is the policy's check of the start, as for launch:
	// it gets the spec built from the record (with the overrides) and
	// returns it as allowed, its defaults filled in, or an error (exit 3
	// for a denial) that stops the start before anything runs.
	Check func(ctx context.Context, spec launcher.Spec) (launcher.Spec, error)
	// Done, when set, is told how the start ended (the audit log).
	Done func(rec *launcher.Record, err error)
}

// NewCmdStart returns the `cluster start` command. runF replaces Run in
// tests.
func NewCmdStart(f *cmdutil.Factory, runF func(*StartOptions) error) *cobra.Command {
	opts := &StartOptions{IO: f.IOStreams, Backend: f.Backend, ClusterAPI: f.ClusterAPI}
	if f.Policy != nil {
		opts.Check, opts.Done = enforce.FromFactory(f).StartHooks(f.Backend)
	}
	memory := &cmdutil.MemoryValue{} // 0: as recorded
	wait := true

	cmd := &cobra.Command{
		Use:   "start NAME",
		Short: "Start a stopped cluster again, restoring its last save",
		Long: `Start a cluster that ended (stopped, expired, killed or failed) again from its
record: the same backend, queue, node count and sizes, and the same limits of
its profile (max_idle, max_uptime, cluster_save), under the same name. --nodes,
--memory and --vcores change the size; the policy checks the start as it checks
a launch.

start waits until the cloud has formed. If the cluster was saved (mlctl cluster
stop --save, or an idle or uptime stop of a profile with cluster_save), the
last save is restored into it, also onto a different node count, before start
returns. A cluster that is running or starting is an error.`,
		Example: `  # bring back the cluster an idle stop ended, with its frames and models
  mlctl cluster start demo

  # the same cluster on more nodes
  mlctl cluster start demo --nodes 4 --output json`,
		Args: cmdutil.ExactArgs(1, "cluster start needs the NAME of an ended cluster (see mlctl cluster list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.MemoryBytes = memory.Bytes
			opts.Ctx = cmd.Context()
			given := map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { given[fl.Name] = true })
			if err := shared.ValidateName(opts.Name); err != nil {
				return err
			}
			if err := shared.ValidateBackend(opts.BackendName); err != nil {
				return err
			}
			if given["nodes"] && opts.Nodes < 1 {
				return cmdutil.UsageErrorf("--nodes must be at least 1, got %d", opts.Nodes)
			}
			if given["vcores"] && opts.VCores < 1 {
				return cmdutil.UsageErrorf("--vcores must be at least 1, got %d", opts.VCores)
			}
			if opts.Timeout < 0 {
				return cmdutil.UsageErrorf("--timeout must not be negative")
			}
			if !wait {
				return cmdutil.UsageErrorf("cluster start always waits for the cloud (it restores the last save into it); leave out --wait=false")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&opts.Nodes, "nodes", "n", 0, "number of engine nodes (default: as before)")
	fl.VarP(memory, "memory", "m", "memory per node, e.g. 512m, 1g (default: as before)")
	fl.IntVar(&opts.VCores, "vcores", 0, "CPU cores per node (default: as before)")
	fl.BoolVarP(&wait, "wait", "w", true, "wait until the cloud is formed (always on: start restores into the formed cloud)")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "give up after this long, the restore included (0 = no limit)")
	fl.BoolVar(&opts.NoRestore, "no-restore", false, "start empty, leaving the last save where it is")
	shared.AddBackendFlag(cmd, &opts.BackendName)
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run starts the cluster again and restores its last save.
func Run(opts *StartOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	rs, ok := b.(launcher.Restarter)
	if !ok {
		return errs.New(errs.Error, fmt.Errorf("the %s backend cannot start a cluster again", b.Name()), "")
	}
	rec, err := b.Get(ctx, opts.Name)
	if err != nil {
		return cmdutil.ClusterError(opts.Name, err)
	}
	if !launcher.Ended(rec.State) {
		return errs.New(errs.Error, fmt.Errorf("cluster %s is %s: only a stopped, expired, killed or failed cluster can be started", opts.Name, rec.State),
			fmt.Sprintf("it is up already: use it, or stop it first with mlctl cluster stop %s", opts.Name))
	}
	spec := rec.Spec()
	if opts.Nodes > 0 {
		spec.Nodes = opts.Nodes
	}
	if opts.MemoryBytes > 0 {
		spec.MemoryBytes = opts.MemoryBytes
	}
	if opts.VCores > 0 {
		spec.VCores = opts.VCores
	}
	if opts.Check != nil {
		if spec, err = opts.Check(ctx, spec); err != nil {
			return err
		}
		spec.Name = opts.Name // the check may fill the spec; the cluster keeps its name
	}

	sctx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		sctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	pl := cmdutil.NewProgressLine(opts.IO, false)
	progress := func(p launcher.Progress) {
		text := fmt.Sprintf("starting %s: %s", opts.Name, p.Phase)
		if p.Wanted > 0 {
			text += fmt.Sprintf(" (%d/%d nodes)", p.Joined, p.Wanted)
		}
		pl.Set(p.Phase, text)
	}
	started, err := rs.Restart(sctx, spec, true, progress)
	pl.Done()
	if opts.Done != nil {
		opts.Done(started, err)
	}
	if err != nil {
		return startError(ctx, sctx, opts, err)
	}
	if !opts.NoRestore {
		if err := restore(sctx, opts, started); err != nil {
			return err
		}
	}
	shared.Successf(opts.IO, "Started cluster %s", opts.Name)
	return shared.PrintRecord(opts.IO, opts.Output, started)
}

// restore loads the cluster's last save, if there is one, into the new
// cloud. No save is no error; a failed restore leaves the cluster running
// (empty) and says so.
func restore(ctx context.Context, opts *StartOptions, rec *launcher.Record) error {
	dir := launcher.SaveDir(rec)
	failed := func(err error) error {
		hint := errs.Hint(err)
		if hint == "" {
			hint = "the cluster runs, empty: fix the cause and restore by starting it again (mlctl cluster stop " + opts.Name + ", then start), or use it as it is"
		}
		return errs.New(errs.Code(err), fmt.Errorf("cluster %s started, but restoring its save from %s failed: %w", opts.Name, dir, err), hint)
	}
	if opts.ClusterAPI == nil {
		return failed(errors.New("no cluster API"))
	}
	c, err := opts.ClusterAPI(ctx, opts.Name)
	if err != nil {
		return failed(cmdutil.ClusterError(opts.Name, err))
	}
	job, err := c.Restore(ctx, api.RestoreRequest{Dir: dir})
	if err != nil {
		if strings.Contains(err.Error(), api.NoSaveText) {
			return nil
		}
		return failed(api.SaveJobError(err))
	}
	w := &jobshared.Waiter{IO: opts.IO, Client: c, Cluster: opts.Name, Label: "restoring " + opts.Name, QuietWhenPiped: true}
	done, err := w.Wait(ctx, job)
	if err != nil {
		if strings.Contains(err.Error(), api.NoSaveText) {
			return nil // never saved: it starts empty
		}
		return failed(api.SaveJobError(err))
	}
	fmt.Fprintf(opts.IO.ErrOut, "Restored cluster %s from %s: %s\n", opts.Name, done.Result, done.Message)
	return nil
}

func startError(parent, sctx context.Context, opts *StartOptions, err error) error {
	if errors.Is(parent.Err(), context.Canceled) {
		return errs.New(errs.Interrupted, fmt.Errorf("interrupted: the start of %s was stopped", opts.Name),
			"see mlctl cluster status "+opts.Name)
	}
	if parent.Err() == nil && errors.Is(sctx.Err(), context.DeadlineExceeded) {
		return errs.New(errs.Timeout, fmt.Errorf("cluster %s was not ready after %s: %w", opts.Name, opts.Timeout, err),
			fmt.Sprintf("check with 'mlctl cluster status %s', or wait longer with --timeout", opts.Name))
	}
	return cmdutil.ClusterError(opts.Name, err)
}
