package reap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/audit"
	ashared "github.com/mlctl/mlctl/internal/cli/admin/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
)

// ReapOptions configures `admin reap`.
type ReapOptions struct {
	IO         *iostreams.IOStreams
	Gate       *enforce.Gate
	Backend    func(name string) (launcher.Backend, error)
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	DryRun bool
	// Lock is the lock file ("" = $MLCTL_HOME/reap.lock).
	Lock   string
	Output cmdutil.OutputFormat
}

// Action is what reap did (or would do) about one cluster. JSON names are
// stable API.
type Action struct {
	Cluster string `json:"cluster"`
	Owner   string `json:"owner"`
	Backend string `json:"backend"`
	Profile string `json:"profile"`
	// Action: stopped, saved-and-stopped, killed, would-stop, kept, failed.
	Action string `json:"action"`
	Reason string `json:"reason"`
}

// NewCmdReap returns the `admin reap` command.
func NewCmdReap(f *cmdutil.Factory, runF func(*ReapOptions) error) *cobra.Command {
	opts := &ReapOptions{IO: f.IOStreams, Gate: enforce.FromFactory(f), Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "reap",
		Short: "Stop clusters over their owner's idle or uptime limit",
		Long: `Look at every live cluster (this gateway's records and, with a yarn backend in
the policy, every mlctl application on the ResourceManager) and stop those
over their owner's profile limits: up longer than max_uptime, or idle (no API
work) longer than max_idle. A cluster whose profile has cluster_save is saved
first, and not stopped if the save fails. Every stop is written to the audit
log. Idle time needs the cluster's API, so clusters known only from YARN are
checked for uptime only (their ApplicationMaster enforces max_idle itself).

Safe from cron: a lock file ($MLCTL_HOME/reap.lock) makes a second reap that
starts while one runs do nothing; the exit code is 0 unless a stop, save or
lookup failed. --dry-run says what would be stopped and changes nothing.`,
		Example: `  mlctl admin reap --dry-run
  # crontab: every 10 minutes
  */10 * * * * mlctl admin reap >>/var/log/mlctl/reap.log 2>&1`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "say what would be stopped; change nothing")
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run reaps.
func Run(opts *ReapOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	pol, admin, err := opts.Gate.RequireAdmin(ctx, "mlctl admin reap")
	if err != nil {
		return err
	}
	if !opts.DryRun {
		unlock, held, err := lock(opts.lockPath())
		if err != nil {
			return err
		}
		if held {
			fmt.Fprintf(opts.IO.ErrOut, "another mlctl admin reap is running (lock %s); nothing done\n", opts.lockPath())
			return nil
		}
		defer unlock()
	}
	b, err := opts.Backend("")
	if err != nil {
		return err
	}
	list, yarnErr, err := ashared.All(ctx, b, true, pol.Backends.Yarn.Enabled)
	if err != nil {
		return err
	}
	failures := 0
	if yarnErr != nil {
		fmt.Fprintf(opts.IO.ErrOut, "error: %v\n", yarnErr)
		failures++
	}
	r := &reaper{opts: opts, pol: pol, b: b, log: opts.Gate.AuditLog(pol), admin: admin.Identity.User, now: opts.now()}
	var done []Action
	for _, c := range list {
		a := r.one(ctx, c)
		if a.Action == "failed" {
			failures++
		}
		if a.Action != "" {
			done = append(done, a)
		}
	}
	if err := printActions(opts, done); err != nil {
		return err
	}
	if failures > 0 {
		return errs.New(errs.Error, fmt.Errorf("admin reap: %d failure(s); see above", failures), "")
	}
	return nil
}

func (o *ReapOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *ReapOptions) lockPath() string {
	if o.Lock != "" {
		return o.Lock
	}
	return filepath.Join(o.Gate.Home, "reap.lock")
}

// lock takes the reap lock without waiting; held says another reap has it.
// The lock is the flock, not the file's existence, so a reap that died
// leaves nothing to clean up.
func lock(path string) (unlock func(), held bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("reap lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, fmt.Errorf("reap lock %s: %w", path, err)
	}
	return func() { f.Close() }, false, nil
}

type reaper struct {
	opts  *ReapOptions
	pol   *profile.Policy
	b     launcher.Backend
	log   *audit.Log
	admin string
	now   time.Time
}

// one decides about one cluster and acts; an empty Action means nothing to
// say (within its limits).
func (r *reaper) one(ctx context.Context, c ashared.Cluster) Action {
	a := Action{Cluster: c.Name, Owner: c.Owner, Backend: c.Backend}
	id, err := enforce.IdentityOf(r.pol, "", c.Owner)
	if err != nil {
		a.Action, a.Reason = "failed", fmt.Sprintf("owner unknown: %v", err)
		return a
	}
	res := r.pol.Resolve(id)
	pr := res.Profile
	if pr == nil {
		a.Action, a.Reason = "kept", "no profile applies to "+c.Owner+": no limits to apply"
		return a
	}
	a.Profile = pr.Name
	reason, api, err := r.over(ctx, c, pr)
	if err != nil {
		a.Action, a.Reason = "kept", err.Error()
		return a
	}
	if reason == "" {
		return Action{}
	}
	a.Reason = reason
	if r.opts.DryRun {
		a.Action = "would-stop"
		if pr.ClusterSave && api != nil {
			a.Action = "would-save-and-stop"
		}
		return a
	}
	a.Action, a.Reason = r.stop(ctx, c, pr, api, reason)
	outcome := audit.OutcomeOK
	if a.Action == "failed" {
		outcome = audit.OutcomeFailed
	}
	rec := audit.Record{User: c.Owner, Action: audit.ActionReap, Cluster: c.Name, Backend: c.Backend, Profile: pr.Name,
		Nodes: c.Nodes, MemoryBytes: c.MemoryBytes, VCores: c.VCores, Queue: c.Queue, Outcome: outcome,
		Reason: fmt.Sprintf("%s (reaped by %s: %s)", a.Reason, r.admin, a.Action)}
	if err := r.log.Append(rec); err != nil {
		fmt.Fprintf(r.opts.IO.ErrOut, "warning: %v\n", err)
	}
	return a
}

// over says why c is over pr's limits ("" = it is not), with the cluster's
// API when it was reached.
func (r *reaper) over(ctx context.Context, c ashared.Cluster, pr *profile.Profile) (string, cmdutil.ClusterAPI, error) {
	var cl cmdutil.ClusterAPI
	var st *api.CloudStatus
	if c.Local && c.State == launcher.StateRunning && r.opts.ClusterAPI != nil {
		if got, err := r.opts.ClusterAPI(ctx, c.Name); err == nil {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			st, err = got.Cloud(cctx)
			cancel()
			if err == nil {
				cl = got
			}
		}
	}
	if pr.MaxUptime > 0 && !c.CreatedAt.IsZero() {
		if up := r.now.Sub(c.CreatedAt); up > pr.MaxUptime {
			return fmt.Sprintf("up %s, over max_uptime %s of profile %s", round(up), profile.FormatDuration(pr.MaxUptime), pr.Name), cl, nil
		}
	}
	if pr.MaxIdle == 0 {
		return "", cl, nil
	}
	if st == nil {
		if !c.Local {
			return "", nil, nil // its AM enforces max_idle; reap cannot see its API
		}
		if c.State != launcher.StateRunning {
			return "", nil, nil
		}
		return "", nil, fmt.Errorf("idle time not checked: the cluster's API did not answer")
	}
	last := st.LastWork
	if last.IsZero() {
		last = st.Started
	}
	if last.IsZero() {
		last = c.CreatedAt
	}
	if idle := r.now.Sub(last); idle > pr.MaxIdle {
		return fmt.Sprintf("idle %s, over max_idle %s of profile %s", round(idle), profile.FormatDuration(pr.MaxIdle), pr.Name), cl, nil
	}
	return "", cl, nil
}

// round says a duration to the minute (to the second under one).
func round(d time.Duration) string {
	if d < time.Minute {
		return profile.FormatDuration(d.Round(time.Second))
	}
	return profile.FormatDuration(d.Round(time.Minute))
}

// stop saves (when the profile says so and the API is reachable) and stops
// the cluster; a failed save leaves it running.
func (r *reaper) stop(ctx context.Context, c ashared.Cluster, pr *profile.Profile, cl cmdutil.ClusterAPI, reason string) (string, string) {
	if !c.Local {
		k, ok := r.b.(interface {
			KillApplication(ctx context.Context, id string) error
		})
		if !ok || c.AppID == "" {
			return "failed", reason + "; cannot stop a cluster this gateway has no record of"
		}
		if err := k.KillApplication(ctx, c.AppID); err != nil {
			return "failed", fmt.Sprintf("%s; killing %s: %v", reason, c.AppID, err)
		}
		if pr.ClusterSave {
			reason += "; not saved: its record is on another gateway"
		}
		return "killed", reason
	}
	action := "stopped"
	if pr.ClusterSave && cl != nil {
		rec := c.Record
		job, err := cl.Save(ctx, api.SaveRequest{Dir: launcher.SaveDir(&rec)})
		if err == nil {
			_, err = cl.WaitJob(ctx, job.ID, nil)
		}
		if err != nil {
			return "failed", fmt.Sprintf("%s; not stopped, the save failed: %v", reason, err)
		}
		action = "saved-and-stopped"
	} else if pr.ClusterSave {
		reason += "; not saved: its API did not answer"
	}
	if err := r.b.Stop(ctx, c.Name); err != nil {
		return "failed", fmt.Sprintf("%s; stop: %v", reason, err)
	}
	return action, reason
}

func printActions(opts *ReapOptions, done []Action) error {
	if done == nil {
		done = []Action{}
	}
	if opts.Output.IsData() {
		return cmdutil.WriteData(opts.IO.Out, opts.Output, done)
	}
	if len(done) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "every live cluster is within its limits")
		return nil
	}
	tp := cmdutil.NewTablePrinter(opts.IO)
	tp.Header("CLUSTER", "OWNER", "BACKEND", "PROFILE", "ACTION", "REASON")
	for _, a := range done {
		tp.AddRow(a.Cluster, a.Owner, a.Backend, a.Profile, a.Action, a.Reason)
	}
	return tp.Render()
}
