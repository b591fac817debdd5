package engine

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/proc"
	"github.com/mlctl/mlctl/launcher/am"
	"github.com/mlctl/mlctl/launcher/yarnenv"
)

// NodeOptions are the flags of `mlctl engine node`.
type NodeOptions struct {
	Dir        string
	Rendezvous string // host:port of the AM's registry (YARN)
	Cluster    string
	Index      int
	Size       int
	Listen     string
}

// NewCmdEngine returns the hidden `engine` command group.
func NewCmdEngine() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "engine",
		Short:  "Commands that run inside a cluster (started by a backend)",
		Hidden: true,
	}
	cmd.AddCommand(NewCmdNode(nil), NewCmdAM(nil))
	return cmd
}

// NewCmdNode returns `mlctl engine node`.
func NewCmdNode(runF func(*NodeOptions) error) *cobra.Command {
	opts := &NodeOptions{}
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run one engine node (the local backend starts these)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.Dir == "") == (opts.Rendezvous == "") || opts.Size < 1 || opts.Index < 0 || opts.Index >= opts.Size {
				return fmt.Errorf("engine node needs one of --dir or --rendezvous, --size >= 1 and 0 <= --index < --size")
			}
			if runF != nil {
				return runF(opts)
			}
			return nodeRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "cluster directory (rendezvous, secrets, logs) on the local backend")
	cmd.Flags().StringVar(&opts.Rendezvous, "rendezvous", "", "host:port of the ApplicationMaster's registry (YARN; secrets come from the container's credentials)")
	cmd.Flags().StringVar(&opts.Cluster, "cluster", "", "cluster name")
	cmd.Flags().IntVar(&opts.Index, "index", -1, "this node's index")
	cmd.Flags().IntVar(&opts.Size, "size", 0, "number of nodes in the cloud")
	cmd.Flags().StringVar(&opts.Listen, "listen", "127.0.0.1:0", "address to serve on")
	return cmd
}

func nodeRun(opts *NodeOptions) error {
	ring := node.NewLogRing(1 << 20)
	logger := log.New(io.MultiWriter(os.Stderr, ring), fmt.Sprintf("node-%d ", opts.Index), log.LstdFlags|log.Lmicroseconds|log.LUTC)
	cfg := node.Config{Cluster: opts.Cluster, Index: opts.Index, Size: opts.Size, Listen: opts.Listen, Log: logger, Logs: ring}
	if opts.Dir != "" {
		secrets, err := cloud.LoadSecrets(opts.Dir)
		if err != nil {
			return err
		}
		cfg.Secrets, cfg.Rendezvous = secrets, cloud.DirRendezvous{Dir: opts.Dir}
	} else {
		env, err := yarnenv.Read()
		if err != nil {
			return err
		}
		peer, err := cloud.NewPeer(env.Secrets)
		if err != nil {
			return err
		}
		cfg.Secrets, cfg.Rendezvous = env.Secrets, cloud.HTTPRendezvous{Addr: opts.Rendezvous, Peer: peer}
		if cfg.Remote, err = env.RemoteFS(); err != nil {
			logger.Printf("no HDFS access: %v", err)
		}
		if env.NMHost != "" && opts.Listen == "127.0.0.1:0" {
			cfg.Listen = net.JoinHostPort(env.NMHost, "0")
		}
	}
	pcfg := proc.Config{Node: cfg}
	lim, err := limits.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	pcfg.Limits = lim
	if opts.Dir != "" {
		pcfg.Ended = func(_ context.Context, e limits.End) error { return limits.WriteEnd(opts.Dir, e) }
	} else {
		peer, err := cloud.NewPeer(cfg.Secrets)
		if err != nil {
			return err
		}
		pcfg.Ended = func(ctx context.Context, e limits.End) error {
			return peer.Call(ctx, opts.Rendezvous, am.PathEnd, e, nil)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	err = proc.Run(ctx, pcfg)
	if err != nil {
		logger.Printf("exiting: %v", err)
		return err
	}
	logger.Printf("stopped")
	return nil
}
