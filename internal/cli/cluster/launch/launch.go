package launch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// LaunchOptions is everything `cluster launch` needs, resolved from flags.
type LaunchOptions struct {
	IO      *iostreams.IOStreams
	Backend func(name string) (launcher.Backend, error)
	Ctx     context.Context

	Name        string
	BackendName string
	Nodes       int
	MemoryBytes int64
	VCores      int
	Queue       string
	Wait        bool
	Timeout     time.Duration
	IfAbsent    bool
	MaxUptime   time.Duration
	NoLimits    bool
	// EngineName is --engine: an engine version of the policy ("" = its
	// default).
	EngineName string
	// Gate applies the policy (nil: no policy, as in tests of other verbs).
	Gate *enforce.Gate
	// Given names the flags set on the command line (nil: every field was
	// asked for), so --if-absent compares only what the user asked for.
	Given  map[string]bool
	Output cmdutil.OutputFormat

	// Quiet suppresses the record table (quickstart prints its own).
	Quiet bool
}

// NewCmdLaunch returns the `cluster launch` command. runF replaces Run in
// tests.
func NewCmdLaunch(f *cmdutil.Factory, runF func(*LaunchOptions) error) *cobra.Command {
	opts := &LaunchOptions{IO: f.IOStreams, Backend: f.Backend}
	if f.Policy != nil {
		opts.Gate = enforce.FromFactory(f)
	}
	memory := cmdutil.NewMemoryValue("1g")

	cmd := &cobra.Command{
		Use:   "launch NAME",
		Short: "Start a new cluster",
		Long: `Start a new cluster of engine nodes.

On the local backend the nodes are processes on this machine; on YARN they are
containers in the queue you name. Without --wait, launch returns as soon as the
nodes are started; with --wait it returns once every node has joined the cloud
and the cluster is ready for frames, or fails after --timeout.

Cluster names are 1 to 63 lower-case letters, digits and '-', starting with a
letter or digit.

The policy in force (mlctl policy show) bounds what you may launch: sizes you
leave out take your profile's defaults, and a launch over a limit of your
profile (nodes, memory or vcores per node, live clusters, queue, engine
version, --max-uptime) is refused with exit code 3, naming the rule. The
profile also sets the cluster's lifetime, idle limit and environment. See
your limits with: mlctl policy explain`,
		Example: `  # a 3-node cluster with 1 GiB per node, ready when the command returns
  mlctl cluster launch demo --nodes 3 --memory 1g --wait

  # safe to re-run from a script: does nothing if demo already exists
  mlctl cluster launch demo --if-absent --wait --output json`,
		Args: cmdutil.ExactArgs(1, "cluster launch needs a NAME for the new cluster"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.MemoryBytes = memory.Bytes
			opts.Ctx = cmd.Context()
			opts.Given = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { opts.Given[fl.Name] = true })
			if err := shared.ValidateName(opts.Name); err != nil {
				return err
			}
			if err := shared.ValidateBackend(opts.BackendName); err != nil {
				return err
			}
			if opts.Nodes < 1 {
				return cmdutil.UsageErrorf("--nodes must be at least 1, got %d", opts.Nodes)
			}
			if opts.VCores < 1 {
				return cmdutil.UsageErrorf("--vcores must be at least 1, got %d", opts.VCores)
			}
			if opts.Timeout < 0 {
				return cmdutil.UsageErrorf("--timeout must not be negative")
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&opts.Nodes, "nodes", "n", 1, "number of engine nodes")
	fl.VarP(memory, "memory", "m", "memory per node, e.g. 512m, 1g, 1.5g (binary units)")
	fl.IntVar(&opts.VCores, "vcores", 1, "CPU cores per node")
	fl.StringVarP(&opts.Queue, "queue", "q", "", "YARN queue (yarn backend only)")
	shared.AddBackendFlag(cmd, &opts.BackendName)
	fl.BoolVarP(&opts.Wait, "wait", "w", false, "wait until the cloud is formed")
	fl.DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "give up waiting after this long (0 = no limit)")
	fl.BoolVar(&opts.IfAbsent, "if-absent", false, "do nothing, successfully, if the cluster already exists")
	fl.BoolVar(&opts.NoLimits, "no-local-limits", false, "local: start even a cluster larger than this machine (more than 4 nodes per core, or more memory than it has)")
	fl.DurationVar(&opts.MaxUptime, "max-uptime", 0, "end the cluster this long after launch (on yarn, the application lifetime; default: the profile's max_uptime)")
	fl.StringVar(&opts.EngineName, "engine", "", "engine version of the policy the nodes run (default: the policy's default; see mlctl policy show)")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run launches the cluster described by opts.
func Run(opts *LaunchOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	if opts.IfAbsent {
		rec, err := b.Get(ctx, opts.Name)
		switch {
		case err == nil:
			return existing(opts, rec)
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
	}

	lctx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		lctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	spec := launcher.Spec{
		Name:          opts.Name,
		Backend:       opts.BackendName,
		MaxUptime:     opts.MaxUptime,
		Nodes:         opts.Nodes,
		MemoryBytes:   opts.MemoryBytes,
		VCores:        opts.VCores,
		Queue:         opts.Queue,
		NoLocalLimits: opts.NoLimits,
	}
	var adm *enforce.Admission
	if opts.Gate != nil {
		if adm, err = opts.Gate.Admit(ctx, b, enforce.Ask{Action: audit.ActionLaunch, Spec: spec, Given: opts.Given, EngineName: opts.EngineName}); err != nil {
			return err
		}
		spec = adm.Spec
	} else if opts.EngineName != "" {
		return cmdutil.UsageErrorf("--engine needs a policy that defines engine versions")
	}
	var progress func(launcher.Progress)
	pl := cmdutil.NewProgressLine(opts.IO, false)
	if opts.Wait {
		progress = func(p launcher.Progress) { pl.Set(p.Phase, progressText(opts.Name, p)) }
	}
	rec, err := b.Launch(lctx, spec, opts.Wait, progress)
	pl.Done()
	if adm != nil && !(err != nil && opts.IfAbsent && (errors.Is(err, launcher.ErrExists) || errors.Is(err, fs.ErrExist))) {
		if aerr := adm.Done(opts.Gate, rec, err); aerr != nil && err == nil {
			return aerr
		}
	}
	if err != nil && opts.IfAbsent && (errors.Is(err, launcher.ErrExists) || errors.Is(err, fs.ErrExist)) {
		// Another launch of the same name won the race (two cron runs at
		// once): with --if-absent that is the cluster asked for. Its record
		// may not be written yet, and with --wait its cloud not formed yet.
		for deadline := time.Now().Add(max(opts.Timeout, 10*time.Second)); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(100 * time.Millisecond) {
			got, gerr := b.Get(ctx, opts.Name)
			if gerr != nil || (opts.Wait && got.State == "starting") {
				continue
			}
			return existing(opts, got)
		}
	}
	if err != nil {
		return launchError(ctx, lctx, opts, err)
	}
	if opts.Quiet {
		return nil
	}
	return shared.PrintRecord(opts.IO, opts.Output, rec)
}

func progressText(name string, p launcher.Progress) string {
	if p.Wanted > 0 {
		return fmt.Sprintf("launching %s: %s (%d/%d nodes)", name, p.Phase, p.Joined, p.Wanted)
	}
	return fmt.Sprintf("launching %s: %s", name, p.Phase)
}

func launchError(parent, lctx context.Context, opts *LaunchOptions, err error) error {
	if errors.Is(parent.Err(), context.Canceled) {
		// Ctrl-C or SIGTERM: its own outcome, not a timeout.
		left := "nothing is left running"
		if opts.BackendName == "yarn" {
			left = "if the application was submitted, end it with mlctl cluster stop " + opts.Name
		}
		return errs.New(errs.Interrupted, fmt.Errorf("interrupted: the launch of %s was stopped; %s", opts.Name, left), "")
	}
	// Our own deadline, not the user's Ctrl-C or an outer deadline.
	if parent.Err() == nil && errors.Is(lctx.Err(), context.DeadlineExceeded) {
		return errs.New(errs.Timeout,
			fmt.Errorf("cluster %s was not ready after %s: %w", opts.Name, opts.Timeout, err),
			fmt.Sprintf("it may still be starting: check with 'mlctl cluster status %s', wait longer with --timeout, or clean up with 'mlctl cluster delete %s'", opts.Name, opts.Name))
	}
	if errors.Is(err, launcher.ErrExists) || errors.Is(err, fs.ErrExist) {
		return errs.New(errs.Error, err,
			fmt.Sprintf("use --if-absent, or mlctl cluster delete %s", opts.Name))
	}
	return err
}

// existing answers --if-absent for a cluster that is there: a running (or
// starting) one is success, saying what differs from the request; a
// stopped or failed one is not what a script asked for.
func existing(opts *LaunchOptions, rec *launcher.Record) error {
	if rec.State != launcher.StateRunning && rec.State != "starting" {
		return errs.New(errs.Error, fmt.Errorf("cluster %s exists but is %s", opts.Name, rec.State),
			fmt.Sprintf("delete it with 'mlctl cluster delete %s' and launch again", opts.Name))
	}
	asked := func(flag string) bool { return opts.Given == nil || opts.Given[flag] }
	var diffs []string
	if asked("nodes") && opts.Nodes != rec.Nodes {
		diffs = append(diffs, fmt.Sprintf("%d nodes (asked for %d)", rec.Nodes, opts.Nodes))
	}
	if asked("memory") && opts.MemoryBytes > 0 && opts.MemoryBytes != rec.MemoryBytes {
		diffs = append(diffs, fmt.Sprintf("%s per node (asked for %s)", cmdutil.HumanBytes(rec.MemoryBytes), cmdutil.HumanBytes(opts.MemoryBytes)))
	}
	if asked("vcores") && opts.VCores > 0 && rec.VCores > 0 && opts.VCores != rec.VCores {
		diffs = append(diffs, fmt.Sprintf("%d vcores per node (asked for %d)", rec.VCores, opts.VCores))
	}
	if opts.Queue != "" && opts.Queue != rec.Queue {
		diffs = append(diffs, fmt.Sprintf("queue %q (asked for %q)", rec.Queue, opts.Queue))
	}
	if len(diffs) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "cluster %s already exists; nothing changed\n", opts.Name)
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "warning: cluster %s already exists and differs from this launch: it has %s; nothing changed\n", opts.Name, strings.Join(diffs, ", "))
	}
	if opts.Quiet {
		return nil
	}
	return shared.PrintRecord(opts.IO, opts.Output, rec)
}
