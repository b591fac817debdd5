package shared

import (
	"context"
	"strconv"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// Connect returns the leader API of cluster; an unknown cluster is exit 6
// with a hint to list clusters.
func Connect(ctx context.Context, connect func(context.Context, string) (cmdutil.ClusterAPI, error), cluster string) (cmdutil.ClusterAPI, error) {
	c, err := connect(ctx, cluster)
	if err != nil {
		return nil, cmdutil.ClusterError(cluster, err)
	}
	return c, nil
}

// PrintFrames prints frames as NAME ROWS COLUMNS CHUNKS MEMORY SOURCE, or as
// JSON/YAML (a list, never null).
func PrintFrames(ios *iostreams.IOStreams, format cmdutil.OutputFormat, frames []api.FrameInfo) error {
	if format.IsData() {
		if frames == nil {
			frames = []api.FrameInfo{}
		}
		return cmdutil.WriteData(ios.Out, format, frames)
	}
	cs := ios.ColorScheme()
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("NAME", "ROWS", "COLUMNS", "CHUNKS", "MEMORY", "SOURCE")
	for _, f := range frames {
		tp.AddField(f.Name, cs.Cyan)
		tp.AddField(strconv.FormatInt(f.Rows, 10), nil)
		tp.AddField(strconv.Itoa(f.Columns), nil)
		tp.AddField(strconv.Itoa(f.Chunks), nil)
		tp.AddField(cmdutil.Bytes(ios, f.MemBytes), nil)
		tp.AddField(f.Source, cs.Dim)
		tp.EndRow()
	}
	return tp.Render()
}

// PrintFrame prints one frame like PrintFrames, or as a JSON/YAML object.
func PrintFrame(ios *iostreams.IOStreams, format cmdutil.OutputFormat, f *api.FrameInfo) error {
	if format.IsData() {
		return cmdutil.WriteData(ios.Out, format, f)
	}
	return PrintFrames(ios, format, []api.FrameInfo{*f})
}
