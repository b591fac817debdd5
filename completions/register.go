package completions

import (
	"strings"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// many is the max of a command that takes any number of names.
const many = -1

// argCompleter completes a command's positional arguments.
type argCompleter struct {
	lk  lookup
	max int
}

// Register attaches the dynamic completers to root's tree: positional
// arguments by command path (without the root's name), flag values by flag
// name on every command that has the flag. Completers a command registered
// itself are kept, hidden commands are left alone, and commands or flags
// that do not exist (yet) are skipped, so the tables may name commands
// other branches add. Call it once, after every command is added.
func Register(root *cobra.Command, f *cmdutil.Factory) {
	n := names{f: f}
	args := map[string]argCompleter{
		"cluster status": {n.clusters(anyState), 1},
		"cluster logs":   {n.clusters(anyState), 1},
		"cluster delete": {n.clusters(anyState), 1},
		"cluster stop":   {n.clusters(live), 1},
		"cluster start":  {n.clusters(ended), 1},
		"frame summary":  {n.frames, 1},
		"frame split":    {n.frames, 1},
		"frame delete":   {n.frames, many},
		"model show":     {n.models, 1},
		"model export":   {n.models, 1},
		"model delete":   {n.models, many},
		"job show":       {n.jobs(false), 1},
		"job cancel":     {n.jobs(true), 1},
		// Admins upload the versions the policy names.
		"admin engine upload": {n.allEngines, 1},
	}
	flags := map[string]lookup{
		"cluster": n.clusters(live),
		"frame":   n.frames,
		"valid":   n.frames,
		"model":   n.models,
		"job":     n.jobs(false),
		"queue":   n.queues,
		"profile": n.profiles,
		"engine":  n.engines,
	}
	// Where a flag means something else than on most commands: policy
	// explain asks about any user, so it offers the whole policy's names.
	flagsOf := map[string]map[string]lookup{
		"policy explain": {"engine": n.allEngines, "queue": n.allQueues},
	}
	// Flags whose value is a comma-separated list of names.
	listsOf := map[string]map[string]argsLookup{
		"score": {"keep": inputColumns},
	}
	// Training flags name columns of the --frame being trained on.
	for _, p := range []string{"train", "train gbm", "train glm"} {
		flagsOf[p] = map[string]lookup{"target": n.columns, "weights-column": n.columns, "offset-column": n.columns}
		listsOf[p] = map[string]argsLookup{"ignore": noArgsNeeded(n.columns)}
	}
	// Values of settings that are names (config set KEY VALUE); the
	// command's own completion answers the rest.
	settingValues := map[string]lookup{"cluster": n.clusters(anyState), "queue": n.queues}
	walk(root, func(cmd *cobra.Command) {
		path := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), root.Name()), " ")
		if own := cmd.ValidArgsFunction; path == "config set" && own != nil {
			cmd.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if lk := settingValues[strings.Join(args, " ")]; len(args) == 1 && lk != nil {
					return bounded(f, lk, 0)(c, args, toComplete)
				}
				return own(c, args, toComplete)
			}
		}
		if a, ok := args[path]; ok && cmd.ValidArgsFunction == nil && len(cmd.ValidArgs) == 0 {
			cmd.ValidArgsFunction = bounded(f, a.lk, a.max)
		} else if _, ok := noArgs[path]; ok && cmd.ValidArgsFunction == nil {
			cmd.ValidArgsFunction = cobra.NoFileCompletions
		}
		cmd.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if _, has := cmd.GetFlagCompletionFunc(fl.Name); has {
				return
			}
			var fn cobra.CompletionFunc
			if lk, ok := listsOf[path][fl.Name]; ok {
				fn = boundedList(f, lk)
			} else if lk, ok := flagsOf[path][fl.Name]; ok {
				fn = bounded(f, lk, 0)
			} else if lk, ok := flags[fl.Name]; ok {
				fn = bounded(f, lk, 0)
			} else if notFile(fl) {
				fn = cobra.NoFileCompletions
			}
			if fn != nil {
				_ = cmd.RegisterFlagCompletionFunc(fl.Name, fn)
			}
		})
	})
}

// noArgs are commands whose positional arguments are not files (none, or
// a name that does not exist yet): TAB offers no file names there.
var noArgs = map[string]struct{}{
	"": {}, "cluster": {}, "frame": {}, "model": {}, "job": {}, "train": {},
	"cluster launch": {}, "cluster list": {}, "frame list": {}, "model list": {}, "job list": {},
	"train gbm": {}, "train glm": {}, "predict": {}, "quickstart": {}, "version": {}, "keygen": {},
	"config": {}, "config list": {}, "config path": {}, "policy": {}, "policy show": {}, "policy explain": {},
	"admin": {}, "admin clusters": {}, "admin usage": {}, "admin reap": {}, "admin engine": {},
}

// textFlags take values that are never file names.
var textFlags = map[string]bool{
	"name": true, "target": true, "ignore": true, "weights-column": true, "offset-column": true,
	"dest": true, "ratios": true, "sep": true, "header": true, "na-string": true, "col-type": true,
	"memory": true, "keep": true, "principal": true, "user": true, "group": true, "groups": true, "format": true, "since": true,
}

// notFile reports a flag whose value is never a file: a number, a
// duration, or a flag in textFlags. Other flags keep the shell's file
// completion (--spec, --key, --out, --keytab...).
func notFile(fl *pflag.Flag) bool {
	if fl.NoOptDefVal != "" { // booleans and the like take no value to complete
		return false
	}
	switch fl.Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
		"float32", "float64", "duration", "intSlice", "int32Slice", "int64Slice", "uintSlice",
		"float32Slice", "float64Slice", "durationSlice", "count":
		return true
	}
	return textFlags[fl.Name]
}

// walk calls fn on cmd and every command below it that is not hidden.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	if cmd.Hidden {
		return
	}
	fn(cmd)
	for _, sub := range cmd.Commands() {
		walk(sub, fn)
	}
}
