package completions

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/config"
	"github.com/spf13/cobra"
)

// Limit is how long a dynamic completer may spend looking names up. After
// it, the completer offers nothing: a shell that waits longer on every TAB
// feels broken, and a dead cluster must not hang it. It leaves the rest of
// the 300 ms a completion may take to starting mlctl and printing.
var Limit = 250 * time.Millisecond

// lookup finds candidates ("name" or "name\tdescription") for a command
// whose flags cobra has already parsed.
type lookup func(ctx context.Context, cmd *cobra.Command) ([]string, error)

// bounded turns a lookup into a cobra completion function that answers
// within Limit. max is how many positional arguments the command takes
// (0: the function completes a flag's value, -1: any number, and names
// already given are not offered again).
func bounded(f *cmdutil.Factory, lk lookup, max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		settle(f, cmd) // local files only: before the lookup, whose goroutine may be abandoned
		cands := within(cmd.Context(), Limit, func(ctx context.Context) ([]string, error) { return lk(ctx, cmd) })
		var exclude []string
		if max != 0 {
			exclude = args
		}
		return filter(cands, toComplete, exclude), cobra.ShellCompDirectiveNoFileComp
	}
}

// argsLookup is a lookup that also reads the command's positional
// arguments (score's INPUT).
type argsLookup func(ctx context.Context, cmd *cobra.Command, args []string) ([]string, error)

// noArgsNeeded adapts a lookup to argsLookup.
func noArgsNeeded(lk lookup) argsLookup {
	return func(ctx context.Context, cmd *cobra.Command, _ []string) ([]string, error) { return lk(ctx, cmd) }
}

// boundedList is bounded for a flag whose value is a comma-separated list
// (--ignore a,b,c): it completes the last element, keeps the ones before
// it, and does not offer those again.
func boundedList(f *cmdutil.Factory, lk argsLookup) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		head, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			head, last = toComplete[:i+1], toComplete[i+1:]
		}
		settle(f, cmd)
		cands := within(cmd.Context(), Limit, func(ctx context.Context) ([]string, error) { return lk(ctx, cmd, args) })
		out := filter(cands, last, strings.Split(head, ","))
		for i := range out {
			out[i] = head + out[i]
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// within runs fn under a context that ends after limit and returns what it
// found, or nothing when it failed, panicked or did not answer in time. A
// lookup that ignores its context is abandoned, not waited for: the
// completion process ends right after it prints its candidates.
func within(parent context.Context, limit time.Duration, fn func(context.Context) ([]string, error)) []string {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	done := make(chan []string, 1) // buffered: an abandoned lookup can still finish
	go func() {
		var out []string
		defer func() {
			if recover() != nil {
				out = nil
			}
			done <- out
		}()
		if c, err := fn(ctx); err == nil {
			out = c
		}
	}()
	select {
	case c := <-done:
		if ctx.Err() != nil {
			return nil // answered, but only after the deadline
		}
		return c
	case <-ctx.Done():
		return nil
	}
}

// filter keeps the candidates whose name starts with prefix and is not in
// exclude, sorted by name, without duplicates.
func filter(cands []string, prefix string, exclude []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		name, _, _ := strings.Cut(c, "\t")
		if name == "" || seen[name] || !strings.HasPrefix(name, prefix) || slices.Contains(exclude, name) {
			continue
		}
		seen[name] = true
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b string) int {
		na, _, _ := strings.Cut(a, "\t")
		nb, _, _ := strings.Cut(b, "\t")
		return strings.Compare(na, nb)
	})
	return out
}

// describe joins a name and its description the way cobra passes both to
// the shell; descriptions lose tabs and newlines that would break it.
func describe(name, desc string) string {
	desc = strings.Join(strings.Fields(desc), " ")
	if desc == "" {
		return name
	}
	return name + "\t" + desc
}

// settle gives the command being completed the user's settings, as the
// root gives every command it runs: the root only loads them for cobra's
// __complete (into f.Settings, loading them here if it did not), and the
// name to complete depends on them (the cluster of the config file, the
// keytab login of the yarn backend). Flags typed on the command line keep
// their values; with a broken configuration the completion goes on without
// it.
func settle(f *cmdutil.Factory, cmd *cobra.Command) {
	if f.Settings == nil {
		s, err := config.Load(config.DefaultSources())
		if err != nil {
			return
		}
		f.Settings = s
	}
	if f.Settings.Err() != nil {
		return
	}
	_ = f.Settings.Apply(cmd)
}
