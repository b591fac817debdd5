package list

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// ListOptions configures `cluster list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Backend func(name string) (launcher.Backend, error)
	Now     func() time.Time
	Ctx     context.Context
	// ClusterAPI, when set, is asked whether each running cluster's cloud is
	// healthy, so a cluster that lost a node lists as degraded.
	ClusterAPI func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)

	BackendName string
	Output      cmdutil.OutputFormat
}

// NewCmdList returns the `cluster list` command.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend, Now: f.Now, ClusterAPI: f.ClusterAPI}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your clusters",
		Long: `List the clusters you have launched, running or stopped.

STATE is starting, running or degraded (it lost a node), or what ended it:
stopped (mlctl cluster stop, or its idle limit), expired (YARN ended it at its
--max-uptime), killed (by YARN or an admin) or failed (a node or the AM
failed; mlctl cluster status shows the first cause). A state mlctl could not
refresh (YARN unreachable, no Kerberos ticket) is the last one recorded and
says "(not refreshed)"; the reason is on stderr.

On a terminal, CREATED is relative ("5 minutes ago") and MEMORY is per node in
binary units. Piped, the output is tab-separated with a header row, times in
RFC 3339 (UTC) and memory in bytes, so it can be fed to cut or awk.`,
		Example: `  mlctl cluster list
  mlctl cluster list --output json | jq -r '.[] | select(.state == "running") | .name'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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

// Run lists the clusters.
func Run(opts *ListOptions) error {
	b, err := opts.Backend(opts.BackendName)
	if err != nil {
		return err
	}
	recs, err := b.List(opts.Ctx)
	if err != nil {
		return err
	}
	if opts.BackendName != "" {
		// --backend yarn lists yarn clusters only, though the router knows
		// both backends' records.
		kept := recs[:0]
		for _, r := range recs {
			if r.Backend == opts.BackendName {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Name < recs[j].Name })
	markDegraded(opts, recs)
	for _, r := range recs {
		if r.NotRefreshed != "" {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s: the state shown is the last one recorded: %s\n", r.Name, r.NotRefreshed)
		}
	}
	if opts.Output.IsData() {
		out := []launcher.Record{}
		for _, r := range recs {
			out = append(out, launcher.Redacted(r))
		}
		return cmdutil.WriteData(opts.IO.Out, opts.Output, out)
	}
	if len(recs) == 0 && opts.IO.IsStdoutTTY() {
		fmt.Fprintln(opts.IO.ErrOut, "no clusters yet; start one with: mlctl cluster launch NAME --wait")
		return nil
	}
	ios := opts.IO
	cs := ios.ColorScheme()
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("NAME", "BACKEND", "STATE", "NODES", "MEMORY", "CREATED")
	for _, r := range recs {
		tp.AddField(r.Name, nil)
		tp.AddField(r.Backend, nil)
		state := r.State
		if r.NotRefreshed != "" {
			state += " (not refreshed)"
		}
		tp.AddField(state, shared.StateStyle(cs, r.State))
		tp.AddField(strconv.Itoa(r.Nodes), nil)
		tp.AddField(cmdutil.Bytes(ios, r.MemoryBytes), nil)
		tp.AddField(cmdutil.Time(ios, r.CreatedAt, opts.Now()), cs.Dim)
		tp.EndRow()
	}
	return tp.Render()
}

// markDegraded asks each running cluster's leader, briefly and all at once,
// whether its cloud is healthy, and lists one that lost a node as
// "degraded" (one that does not answer in time keeps its recorded state).
func markDegraded(opts *ListOptions, recs []launcher.Record) {
	if opts.ClusterAPI == nil {
		return
	}
	ctx, cancel := context.WithTimeout(opts.Ctx, 500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for i := range recs {
		if recs[i].State != launcher.StateRunning {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := opts.ClusterAPI(ctx, recs[i].Name)
			if err != nil {
				return
			}
			if st, err := c.Cloud(ctx); err == nil && !st.Healthy {
				recs[i].State = "degraded"
			}
		}()
	}
	wg.Wait()
}
