package status

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// StatusOptions configures `cluster status`.
type StatusOptions struct {
	IO         *iostreams.IOStreams
	Backend    func(name string) (launcher.Backend, error)
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	Now        func() time.Time
	Ctx        context.Context

	Name        string
	BackendName string
	Output      cmdutil.OutputFormat
}

// Status is `cluster status --output json|yaml`; Cloud is null when the
// cluster is not running or its leader did not answer.
type Status struct {
	Record *launcher.Record `json:"record"`
	Cloud  *api.CloudStatus `json:"cloud"`
}

// NewCmdStatus returns the `cluster status` command.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Backend: f.Backend, ClusterAPI: f.ClusterAPI, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "status NAME",
		Short: "Show a cluster's health, uptime and nodes",
		Long: `Show a cluster's record and, when it is running, what its leader reports:
whether the cloud is healthy, how long it has been up, how long it has been idle
(no API call that did work), and each node's address, process, heartbeat and
frame memory.

If the leader cannot be reached, the record is still printed, the problem is
reported on stderr and the exit code is 1.`,
		Example: `  mlctl cluster status demo
  mlctl cluster status demo --output json | jq .cloud.healthy`,
		Args: cmdutil.ExactArgs(1, "cluster status needs the cluster NAME (see mlctl cluster list)"),
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
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run prints the status of one cluster.
func Run(opts *StatusOptions) error {
	ctx := opts.Ctx
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	rec, err := b.Get(ctx, opts.Name)
	if err != nil {
		return cmdutil.ClusterError(opts.Name, err)
	}
	st := &Status{Record: rec}
	if rec.State != "running" && rec.State != "starting" {
		return printStatus(opts, st)
	}
	var cloudErr error
	c, err := opts.ClusterAPI(ctx, opts.Name)
	if err == nil {
		st.Cloud, cloudErr = c.Cloud(ctx)
	} else {
		cloudErr = err
	}
	if err := printStatus(opts, st); err != nil {
		return err
	}
	if cloudErr == nil && st.Cloud != nil && !st.Cloud.Healthy {
		// An unhealthy cloud has lost a node and that node's data: say so in
		// the exit code too (1), for scripts, with what to do next.
		return errs.New(errs.Error, fmt.Errorf("cluster %s is unhealthy: %s", opts.Name, st.Cloud.Problem),
			fmt.Sprintf("its frames are incomplete: stop it with 'mlctl cluster stop %s', then launch it again and import the data", opts.Name))
	}
	if cloudErr != nil {
		leader := rec.Leader
		if leader == "" {
			leader = "(address unknown)"
		}
		return errs.New(errs.Error,
			fmt.Errorf("cluster %s: leader %s did not answer: %w", opts.Name, leader, cloudErr),
			fmt.Sprintf("the cluster may have died; see 'mlctl cluster logs %s', then 'mlctl cluster stop %s' and launch it again", opts.Name, opts.Name))
	}
	return nil
}

func printStatus(opts *StatusOptions, st *Status) error {
	ios := opts.IO
	if opts.Output.IsData() {
		out := *st
		if st.Record != nil {
			red := launcher.Redacted(*st.Record)
			out.Record = &red
		}
		return cmdutil.WriteData(ios.Out, opts.Output, &out)
	}
	now := opts.Now()
	rec := st.Record
	cs := ios.ColorScheme()
	pairs := [][2]string{
		{"name", rec.Name},
		{"backend", rec.Backend},
		{"state", shared.StateStyle(cs, rec.State)(rec.State)},
		{"nodes", strconv.Itoa(rec.Nodes)},
		{"memory", cmdutil.Bytes(ios, rec.MemoryBytes) + perNode(ios)},
		{"created", cmdutil.Time(ios, rec.CreatedAt, now)},
	}
	if rec.Queue != "" {
		pairs = append(pairs, [2]string{"queue", rec.Queue})
	}
	if rec.AppID != "" {
		pairs = append(pairs, [2]string{"app", rec.AppID})
	}
	if rec.YARNState != "" {
		pairs = append(pairs, [2]string{"yarn", rec.YARNState})
	}
	if rec.TrackingURL != "" {
		pairs = append(pairs, [2]string{"tracking", rec.TrackingURL})
	}
	if rec.Diagnostics != "" {
		pairs = append(pairs, [2]string{"diagnostics", rec.Diagnostics})
	}
	if !rec.StoppedAt.IsZero() {
		pairs = append(pairs, [2]string{"stopped", cmdutil.Time(ios, rec.StoppedAt, now)})
	}
	if c := st.Cloud; c != nil {
		health := "healthy"
		style := cs.Green
		if !c.Healthy {
			health, style = "unhealthy", cs.Red
			if c.Problem != "" {
				health += ": " + c.Problem
			}
		}
		pairs = append(pairs,
			[2]string{"health", style(health)},
			[2]string{"leader", leader(rec, c)},
			[2]string{"cloud", cloudLine(c)},
			[2]string{"uptime", since(ios, c.Started, now)},
			[2]string{"idle", since(ios, c.LastWork, now)},
		)
		if !rec.EndsAt.IsZero() {
			// The lifetime YARN enforces: how long the cluster has left.
			pairs = append(pairs, [2]string{"lifetime left", lifetimeLeft(ios, rec.EndsAt, now)})
		}
	} else if rec.Leader != "" {
		pairs = append(pairs, [2]string{"leader", rec.Leader})
	}
	if err := cmdutil.KeyValues(ios, pairs); err != nil {
		return err
	}
	if st.Cloud == nil || len(st.Cloud.Nodes) == 0 {
		return nil
	}
	fmt.Fprintln(ios.Out)
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("INDEX", "ADDR", "PID", "HEALTHY", "LAST-HEARTBEAT", "MEM")
	for _, n := range st.Cloud.Nodes {
		healthy, style := "yes", cs.Green
		if !n.Healthy {
			healthy, style = "no", cs.Red
		}
		tp.AddField(strconv.Itoa(n.Index), nil)
		tp.AddField(n.Addr, nil)
		tp.AddField(strconv.Itoa(n.PID), nil)
		tp.AddField(healthy, style)
		tp.AddField(cmdutil.Time(ios, n.LastHeartbeat, now), nil)
		tp.AddField(cmdutil.Bytes(ios, n.MemBytes), nil)
		tp.EndRow()
	}
	return tp.Render()
}

func perNode(ios *iostreams.IOStreams) string {
	if ios.IsStdoutTTY() {
		return " per node"
	}
	return ""
}

func leader(rec *launcher.Record, c *api.CloudStatus) string {
	for _, n := range c.Nodes {
		if n.Index == c.Leader {
			return fmt.Sprintf("%s (node %d)", n.Addr, n.Index)
		}
	}
	return rec.Leader
}

func since(ios *iostreams.IOStreams, t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	return cmdutil.Duration(ios, now.Sub(t))
}

// cloudLine says how many nodes joined and how many are healthy.
func cloudLine(c *api.CloudStatus) string {
	healthy := 0
	var lost []string
	for _, n := range c.Nodes {
		if n.Healthy {
			healthy++
		} else {
			lost = append(lost, strconv.Itoa(n.Index))
		}
	}
	if healthy == len(c.Nodes) {
		return fmt.Sprintf("%d/%d nodes joined", len(c.Nodes), c.Size)
	}
	return fmt.Sprintf("%d/%d nodes healthy (lost: node %s)", healthy, c.Size, strings.Join(lost, ", node "))
}

// lifetimeLeft is the time until the application's lifetime ends it.
func lifetimeLeft(ios *iostreams.IOStreams, ends, now time.Time) string {
	left := ends.Sub(now)
	if left <= 0 {
		return "ended at " + cmdutil.Time(ios, ends, now)
	}
	if !ios.IsStdoutTTY() {
		return left.Round(time.Second).String() + " (until " + ends.UTC().Format(time.RFC3339) + ")"
	}
	return left.Round(time.Second).String()
}
