package completions

import (
	"strings"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/spf13/cobra"
)

// CompletionOptions configures `completion`.
type CompletionOptions struct {
	IO *iostreams.IOStreams
	// Root is the command tree the script completes (mlctl's root).
	Root *cobra.Command

	Shell          string
	NoDescriptions bool
}

// NewCmdCompletion returns the `completion` command, which replaces cobra's
// default one (the root sets CompletionOptions.DisableDefaultCmd).
func NewCmdCompletion(f *cmdutil.Factory, runF func(*CompletionOptions) error) *cobra.Command {
	opts := &CompletionOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print the script that makes SHELL complete mlctl's commands and flags, and the
names mlctl knows: your clusters, the frames, models, jobs and a frame's
columns on the cluster (--cluster, $MLCTL_CLUSTER or the configured one), and
the queues, profiles and engine versions the policy (and on yarn the
ResourceManager) allows. A lookup that does not answer within 250 ms offers
nothing rather than hang the shell.

bash (needs the bash-completion package):

    source <(mlctl completion bash)              # this shell
    mlctl completion bash > ~/.local/share/bash-completion/completions/mlctl

zsh:

    source <(mlctl completion zsh)               # this shell
    mlctl completion zsh > "${fpath[1]}/_mlctl"  # every new shell (compinit must run)

fish:

    mlctl completion fish | source
    mlctl completion fish > ~/.config/fish/completions/mlctl.fish

powershell (add the line to $PROFILE for every session):

    mlctl completion powershell | Out-String | Invoke-Expression

Packagers find the same scripts in the source tree under completions/.`,
		Example: `  source <(mlctl completion bash)
  mlctl completion zsh --no-descriptions > ~/.zfunc/_mlctl`,
		ValidArgs: Shells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("completion needs the shell: one of %s", strings.Join(Shells, ", "))
			}
			if FileName(args[0]) == "" {
				return cmdutil.UsageErrorf("no completion for shell %q: use one of %s", args[0], strings.Join(Shells, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Shell = args[0]
			opts.Root = cmd.Root()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoDescriptions, "no-descriptions", false, "offer bare candidates, without a description beside each")
	return cmd
}

// Run writes the script to stdout.
func Run(opts *CompletionOptions) error {
	return Script(opts.Root, opts.Shell, !opts.NoDescriptions, opts.IO.Out)
}
