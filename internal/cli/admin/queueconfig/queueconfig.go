package queueconfig

import (
	"context"
	"errors"
	"strings"

	pshared "github.com/mlctl/mlctl/internal/cli/policy/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
)

// Format is --format: xml or properties.
type Format string

func (f *Format) String() string {
	if *f == "" {
		return "xml"
	}
	return string(*f)
}

// Set accepts xml or properties.
func (f *Format) Set(s string) error {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "xml", "properties":
		*f = Format(v)
		return nil
	}
	return errors.New("must be xml or properties")
}

// Type is shown in help.
func (f *Format) Type() string { return "format" }

// QueueConfigOptions configures `admin yarn-queue-config`.
type QueueConfigOptions struct {
	IO   *iostreams.IOStreams
	Gate *enforce.Gate
	Ctx  context.Context

	// File is a policy to generate from ("" = the policy in force).
	File   string
	Format Format
}

// NewCmdQueueConfig returns the `admin yarn-queue-config` command.
func NewCmdQueueConfig(f *cmdutil.Factory, runF func(*QueueConfigOptions) error) *cobra.Command {
	opts := &QueueConfigOptions{IO: f.IOStreams, Gate: enforce.FromFactory(f), Format: "xml"}
	cmd := &cobra.Command{
		Use:   "yarn-queue-config [FILE]",
		Short: "Print capacity-scheduler properties that make YARN enforce the policy",
		Long: `Print the capacity-scheduler properties that make YARN itself enforce what the
policy says, so the limits hold even for applications not submitted by mlctl:
for every queue a profile allows, who may submit to it (acl_submit_applications
from the profiles' users and groups), the application lifetime (maximum- and
default-application-lifetime from max_uptime), the largest container
(maximum-allocation-mb and -vcores from the per-node maxima), and
user-limit-factor on shared queues. Each property is explained in a comment;
what YARN cannot enforce is listed as a note.

The queues must already exist in capacity-scheduler.xml with their capacities;
merge the properties in and run: yarn rmadmin -refreshQueues`,
		Example: `  mlctl admin yarn-queue-config > mlctl-queues.xml
  mlctl admin yarn-queue-config new-policy.yaml --format properties`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().Var(&opts.Format, "format", "xml (capacity-scheduler.xml properties) or properties (key=value)")
	return cmd
}

// Run prints the configuration.
func Run(opts *QueueConfigOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	pol, _, err := opts.Gate.RequireAdmin(ctx, "mlctl admin yarn-queue-config")
	if err != nil {
		return err
	}
	if opts.File != "" {
		if pol, err = pshared.ReadFile(opts.File); err != nil {
			return err
		}
	}
	return Write(opts.IO, pol, opts.Format)
}

// Write prints pol's queue configuration in format.
func Write(ios *iostreams.IOStreams, pol *profile.Policy, format Format) error {
	props, notes := Generate(pol)
	src := pshared.Describe(pol)
	if format == "properties" {
		return WriteProperties(ios.Out, src, props, notes)
	}
	return WriteXML(ios.Out, src, props, notes)
}
