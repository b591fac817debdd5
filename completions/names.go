package completions

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// names looks names up through the Factory's closures; nothing is opened
// before a completer runs.
type names struct{ f *cmdutil.Factory }

// stringFlag is the value of cmd's flag name, "" when it has none.
func stringFlag(cmd *cobra.Command, name string) string {
	if fl := cmd.Flag(name); fl != nil && fl.Value.Type() == "string" {
		return fl.Value.String()
	}
	return ""
}

// clusterStates picks the records a command offers.
type clusterStates func(state string) bool

func anyState(string) bool { return true }

// live is a cluster that may answer API calls.
func live(state string) bool { return !launcher.Ended(state) }

// ended is a cluster that can be started again.
func ended(state string) bool { return launcher.Ended(state) }

// clusters offers the user's cluster records (of --backend when the command
// has that flag), with their state and backend as the description.
func (n names) clusters(keep clusterStates) lookup {
	return func(ctx context.Context, cmd *cobra.Command) ([]string, error) {
		b, err := n.f.Backend(stringFlag(cmd, "backend"))
		if err != nil {
			return nil, err
		}
		recs, err := b.List(ctx)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, r := range recs {
			if keep(r.State) {
				out = append(out, describe(r.Name, fmt.Sprintf("%s, %s, %d node%s", r.State, r.Backend, r.Nodes, plural(r.Nodes))))
			}
		}
		return out, nil
	}
}

// connect opens the API of the cluster the command would use: --cluster,
// then $MLCTL_CLUSTER (and whatever else cmdutil.ResolveCluster consults).
func (n names) connect(ctx context.Context, cmd *cobra.Command) (cmdutil.ClusterAPI, error) {
	name, err := cmdutil.ResolveCluster(stringFlag(cmd, "cluster"))
	if err != nil {
		return nil, err
	}
	return n.f.ClusterAPI(ctx, name)
}

// frames offers the cluster's frames.
func (n names) frames(ctx context.Context, cmd *cobra.Command) ([]string, error) {
	c, err := n.connect(ctx, cmd)
	if err != nil {
		return nil, err
	}
	fs, err := c.Frames(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range fs {
		out = append(out, describe(f.Name, fmt.Sprintf("%d rows, %d columns", f.Rows, f.Columns)))
	}
	return out, nil
}

// models offers the cluster's model ids.
func (n names) models(ctx context.Context, cmd *cobra.Command) ([]string, error) {
	c, err := n.connect(ctx, cmd)
	if err != nil {
		return nil, err
	}
	ms, err := c.Models(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range ms {
		desc := m.Algo
		if m.Target != "" {
			desc += " predicting " + m.Target
		}
		if m.Frame != "" {
			desc += " from " + m.Frame
		}
		out = append(out, describe(m.ModelID, desc))
	}
	return out, nil
}

// jobs offers the cluster's job ids; runningOnly leaves out jobs that ended
// (job cancel).
func (n names) jobs(runningOnly bool) lookup {
	return func(ctx context.Context, cmd *cobra.Command) ([]string, error) {
		c, err := n.connect(ctx, cmd)
		if err != nil {
			return nil, err
		}
		js, err := c.Jobs(ctx)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, j := range js {
			if runningOnly && j.State != "running" {
				continue
			}
			desc := j.Kind + " " + j.State
			if j.State == "running" {
				desc += " " + strconv.Itoa(int(j.Progress*100)) + "%"
			}
			if j.Target != "" {
				desc += ", " + j.Target
			}
			out = append(out, describe(j.ID, desc))
		}
		return out, nil
	}
}

// columns offers the columns of the frame the command's --frame names,
// with their types.
func (n names) columns(ctx context.Context, cmd *cobra.Command) ([]string, error) {
	frame := stringFlag(cmd, "frame")
	if frame == "" {
		return nil, nil
	}
	c, err := n.connect(ctx, cmd)
	if err != nil {
		return nil, err
	}
	s, err := c.Summary(ctx, frame)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, col := range s.Columns {
		out = append(out, describe(col.Name, col.Type))
	}
	return out, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
