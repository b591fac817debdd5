package main

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/spf13/cobra"
)

// Wiring hooks. The concrete backends and the leader API client live in
// packages the CLI must not import directly; fill these from an init
// function in another file of this package (e.g. wire.go):
//
//	func init() {
//		backendHook = func(name string) (launcher.Backend, error) { ... }        // "" = default backend
//		clusterAPIHook = func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error) { ... }
//		extraCommandsHook = func(f *cmdutil.Factory) []*cobra.Command { return []*cobra.Command{engine.NewCmdEngine()} }
//	}
var (
	// backendHook returns the launcher backend called name ("local",
	// "yarn"; "" = the default).
	backendHook func(name string) (launcher.Backend, error)
	// clusterAPIHook returns a client of the named cluster's leader API; an
	// unknown cluster must be an error wrapping fs.ErrNotExist.
	clusterAPIHook func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error)
	// extraCommandsHook adds commands outside internal/cli's tree, such as
	// the hidden `engine` group the backends start on cluster nodes.
	extraCommandsHook func(f *cmdutil.Factory) []*cobra.Command
	// hdfsHook returns the gateway's HDFS client; identityHook who the
	// user is on Hadoop.
	hdfsHook     func(ctx context.Context) (cmdutil.HDFS, error)
	identityHook func(ctx context.Context) (principal, user string)
)

var errNotWired = errs.New(errs.Error, errors.New("this mlctl build has no launcher backend wired in"),
	"set backendHook and clusterAPIHook in cmd/mlctl (see factory.go)")

// newFactory builds the Factory every command receives. Only closures are
// stored: nothing here starts a backend or opens a connection, so `mlctl
// version` and usage errors never touch one.
func newFactory(build cmdutil.BuildInfo) *cmdutil.Factory {
	f := &cmdutil.Factory{
		IOStreams: iostreams.System(),
		Now:       time.Now,
		Backend: func(name string) (launcher.Backend, error) {
			if backendHook == nil {
				return nil, errNotWired
			}
			return backendHook(name)
		},
		ClusterAPI: func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error) {
			if clusterAPIHook == nil {
				return nil, errNotWired
			}
			return clusterAPIHook(ctx, cluster)
		},
		Executable: os.Executable,
		HDFS: func(ctx context.Context) (cmdutil.HDFS, error) {
			if hdfsHook == nil {
				return nil, errNotWired
			}
			return hdfsHook(ctx)
		},
		Identity: func(ctx context.Context) (string, string) {
			if identityHook == nil {
				return "", ""
			}
			return identityHook(ctx)
		},
		Build: build,
	}
	f.Policy = policyLoader(f)
	return f
}

// extraCommands returns the commands added through extraCommandsHook.
func extraCommands(f *cmdutil.Factory) []*cobra.Command {
	if extraCommandsHook == nil {
		return nil
	}
	return extraCommandsHook(f)
}
