package stop

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	jobshared "github.com/mlctl/mlctl/internal/cli/job/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// StopOptions configures `cluster stop`.
type StopOptions struct {
	IO         *iostreams.IOStreams
	Backend    func(name string) (launcher.Backend, error)
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Ctx        context.Context

	Name        string
	BackendName string
	// Save writes the cluster's frames and models to its saves directory
	// (launcher.SaveDir) before stopping; cluster start restores them.
	Save bool
	// Audit, when set, appends the save and the stop to the audit log.
	Audit func(ctx context.Context, action string, rec *launcher.Record, name, outcome, reason string)
}

// NewCmdStop returns the `cluster stop` command.
func NewCmdStop(f *cmdutil.Factory, runF func(*StopOptions) error) *cobra.Command {
	opts := &StopOptions{IO: f.IOStreams, Backend: f.Backend, ClusterAPI: f.ClusterAPI}
	if f.Policy != nil {
		opts.Audit = enforce.FromFactory(f).Note
	}
	cmd := &cobra.Command{
		Use:   "stop NAME",
		Short: "Stop a cluster, keeping its record",
		Long: `Stop a cluster: its nodes exit and the memory they held is freed. Frames that
were not saved are lost. The cluster record stays (see mlctl cluster list)
until you delete it. Stopping a cluster that is already stopped succeeds.

With --save, the cluster's frames and models are first written to its saves
directory ($MLCTL_HOME/clusters/NAME/saves on the local backend,
hdfs:///user/USER/.mlctl/clusters/NAME/saves on yarn), and mlctl cluster
start NAME restores them, on any number of nodes. The save replaces the
previous one only once it is complete; if it fails, the cluster is not
stopped.`,
		Example: `  mlctl cluster stop demo
  mlctl cluster stop demo --save`,
		Args: cmdutil.ExactArgs(1, "cluster stop needs the cluster NAME (see mlctl cluster list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.Ctx = cmd.Context()
			if err := shared.ValidateBackend(opts.BackendName); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	shared.AddBackendFlag(cmd, &opts.BackendName)
	cmd.Flags().BoolVar(&opts.Save, "save", false, "save the cluster's frames and models first (cluster start restores them)")
	return cmd
}

// Run stops the cluster, saving it first when asked.
func Run(opts *StopOptions) error {
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	audit := func(action string, err error) {
		if opts.Audit == nil {
			return
		}
		rec, _ := b.Get(opts.Ctx, opts.Name)
		outcome, reason := "ok", ""
		if err != nil {
			outcome, reason = "failed", err.Error()
		}
		opts.Audit(opts.Ctx, action, rec, opts.Name, outcome, reason)
	}
	if opts.Save {
		err := save(opts, b)
		audit("save", err)
		if err != nil {
			return err
		}
	}
	if err := b.Stop(opts.Ctx, opts.Name); err != nil {
		err = cmdutil.ClusterError(opts.Name, err)
		if errs.Code(err) != errs.NotFound {
			audit("stop", err)
		}
		return err
	}
	audit("stop", nil)
	shared.Successf(opts.IO, "Stopped cluster %s", opts.Name)
	return nil
}

// save writes the cluster's save; any failure leaves the cluster running.
func save(opts *StopOptions, b launcher.Backend) error {
	rec, err := b.Get(opts.Ctx, opts.Name)
	if err != nil {
		return cmdutil.ClusterError(opts.Name, err)
	}
	if rec.State != launcher.StateRunning {
		return errs.New(errs.Error, fmt.Errorf("cluster %s is %s: there is nothing in memory to save", opts.Name, rec.State),
			"stop it without --save; its last save, if any, stays in "+launcher.SaveDir(rec))
	}
	notStopped := func(err error) error {
		hint := errs.Hint(err)
		if hint == "" {
			hint = "fix the cause and run mlctl cluster stop " + opts.Name + " --save again, or stop it without --save (its frames and models are then lost)"
		}
		return errs.New(errs.Code(err), fmt.Errorf("cluster %s was not stopped: %w", opts.Name, err), hint)
	}
	c, err := opts.ClusterAPI(opts.Ctx, opts.Name)
	if err != nil {
		return notStopped(cmdutil.ClusterError(opts.Name, err))
	}
	dir := launcher.SaveDir(rec)
	job, err := c.Save(opts.Ctx, api.SaveRequest{Dir: dir})
	if err != nil {
		return notStopped(fmt.Errorf("saving: %w", err))
	}
	w := &jobshared.Waiter{IO: opts.IO, Client: c, Cluster: opts.Name, Label: "saving " + opts.Name, QuietWhenPiped: true}
	done, err := w.Wait(opts.Ctx, job)
	if err != nil {
		return notStopped(api.SaveJobError(err))
	}
	// The job's last message says what the save holds and its size.
	if done.Result == "" {
		fmt.Fprintf(opts.IO.ErrOut, "Cluster %s: %s\n", opts.Name, done.Message)
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "Saved cluster %s to %s: %s\n", opts.Name, done.Result, done.Message)
	return nil
}
