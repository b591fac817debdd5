package engine

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mlctl/mlctl/launcher/am"
)

// NewCmdAM returns `mlctl engine am`, the YARN ApplicationMaster.
func NewCmdAM(runF func(*am.Config) error) *cobra.Command {
	cfg := &am.Config{}
	var memMB int64
	var vcores int
	cmd := &cobra.Command{
		Use:   "am",
		Short: "Run the YARN ApplicationMaster (the yarn backend starts this)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.MemoryMB, cfg.VCores = memMB, int32(vcores)
			if err := cfg.FromEnv(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cfg)
			}
			logger := log.New(os.Stderr, "am ", log.LstdFlags|log.Lmicroseconds|log.LUTC)
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			if err := am.Run(ctx, *cfg, logger); err != nil {
				logger.Printf("exiting: %v", err)
				return err
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&cfg.Nodes, "nodes", 0, "engine nodes to start")
	cmd.Flags().Int64Var(&memMB, "memory-mb", 0, "memory per node container, MB")
	cmd.Flags().IntVar(&vcores, "vcores", 1, "vcores per node container")
	return cmd
}
