package main

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/internal/cli/engine"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
)

// mlctlHome is $MLCTL_HOME, default ~/.mlctl.
func mlctlHome() string {
	if h := os.Getenv("MLCTL_HOME"); h != "" {
		return h
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return ".mlctl"
	}
	return filepath.Join(h, ".mlctl")
}

var router = sync.OnceValues(func() (*launcher.Router, error) {
	// The nodes run this same binary. MLCTL_ENGINE_BINARY overrides it for
	// test harnesses whose mlctl is a re-executed test binary.
	exe := os.Getenv("MLCTL_ENGINE_BINARY")
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	y := launcher.NewYARN(mlctlHome(), exe)
	y.Krb = kerberosOptions() // from the settings (config.go)
	return &launcher.Router{Local: launcher.NewLocal(mlctlHome(), exe), YARN: y}, nil
})

func init() {
	backendHook = func(name string) (launcher.Backend, error) {
		switch name {
		case "", "local", "yarn":
			// The router launches on the backend the spec names and finds
			// an existing cluster's backend from its record.
			return router()
		}
		return nil, errs.New(errs.Usage, errUnknownBackend(name), "the backends are local and yarn")
	}
	clusterAPIHook = func(ctx context.Context, cluster string) (cmdutil.ClusterAPI, error) {
		r, err := router()
		if err != nil {
			return nil, err
		}
		return r.Client(ctx, cluster)
	}
	hdfsHook = func(ctx context.Context) (cmdutil.HDFS, error) {
		r, err := router()
		if err != nil {
			return nil, err
		}
		return r.YARN.HDFS(ctx)
	}
	identityHook = func(ctx context.Context) (string, string) {
		r, err := router()
		if err != nil {
			return "", ""
		}
		p, u, err := r.YARN.Identity(ctx)
		if err != nil {
			if cu, e := user.Current(); e == nil {
				return "", cu.Username
			}
			return "", ""
		}
		return p, u
	}
	extraCommandsHook = func(*cmdutil.Factory) []*cobra.Command {
		return []*cobra.Command{engine.NewCmdEngine()}
	}
}

type errUnknownBackend string

func (e errUnknownBackend) Error() string { return "unknown backend " + string(e) }
