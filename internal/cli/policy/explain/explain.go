package explain

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/cli/cluster/shared"
	pshared "github.com/mlctl/mlctl/internal/cli/policy/shared"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/internal/iostreams"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// ExplainOptions configures `policy explain`.
type ExplainOptions struct {
	IO      *iostreams.IOStreams
	Gate    *enforce.Gate
	Backend func(name string) (launcher.Backend, error)
	Ctx     context.Context

	User   string
	Groups []string
	// GroupsGiven: --groups replaces the groups the policy or OS gives.
	GroupsGiven bool
	Request     profile.Request
	Output      cmdutil.OutputFormat
}

// Result is `explain --output json`: stable API.
type Result struct {
	User     string           `json:"user"`
	Groups   []string         `json:"groups"`
	Role     string           `json:"role"`
	Profile  string           `json:"profile"`
	Limits   *profile.Profile `json:"limits"`
	Allowed  bool             `json:"allowed"`
	Reasons  []string         `json:"reasons"`
	res      *profile.Resolution
	dec      profile.Decision
	liveNote string
	source   string
}

// NewCmdExplain returns the `policy explain` command.
func NewCmdExplain(f *cmdutil.Factory, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{IO: f.IOStreams, Gate: enforce.FromFactory(f), Backend: f.Backend}
	memory := cmdutil.NewMemoryValue("1g")
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Say what the policy allows a user, and whether a launch would pass",
		Long: `Explain the policy for one user (you, without --user): the role, the profile
chosen and why (the rule that matched, and the profiles that matched too but
lost), every limit of that profile, and whether a launch of the size given
would be allowed, with the reasons. Sizes left out take the profile's
defaults, as cluster launch does. The user's live clusters are counted on
the backend, as at launch.

--output json prints exactly {"user","groups","role","profile","limits",
"allowed","reasons"}.`,
		Example: `  mlctl policy explain
  mlctl policy explain --user bob --groups interns --nodes 8 --memory 16g
  mlctl policy explain --user carol --backend yarn --queue analytics -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.GroupsGiven = cmd.Flags().Changed("groups")
			given := map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { given[fl.Name] = true })
			if given["memory"] {
				opts.Request.MemoryBytes = memory.Bytes
			}
			if given["nodes"] && opts.Request.Nodes < 1 {
				return cmdutil.UsageErrorf("--nodes must be at least 1, got %d", opts.Request.Nodes)
			}
			if given["vcores"] && opts.Request.VCores < 1 {
				return cmdutil.UsageErrorf("--vcores must be at least 1, got %d", opts.Request.VCores)
			}
			if err := shared.ValidateBackend(opts.Request.Backend); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.User, "user", "u", "", "the user to explain (default: you)")
	fl.StringSliceVar(&opts.Groups, "groups", nil, "the user's groups, comma-separated (default: as the policy or the OS says)")
	fl.IntVarP(&opts.Request.Nodes, "nodes", "n", 0, "nodes of the launch to check (default: the profile's)")
	fl.VarP(memory, "memory", "m", "memory per node of the launch to check, e.g. 16g (default: the profile's)")
	fl.IntVar(&opts.Request.VCores, "vcores", 0, "vcores per node of the launch to check (default: the profile's)")
	fl.StringVarP(&opts.Request.Queue, "queue", "q", "", "YARN queue of the launch to check (default: the profile's)")
	fl.StringVar(&opts.Request.Engine, "engine", "", "engine version of the launch to check (default: the policy's)")
	shared.AddBackendFlag(cmd, &opts.Request.Backend)
	cmdutil.AddOutputFlag(cmd, &opts.Output)
	return cmd
}

// Run explains.
func Run(opts *ExplainOptions) error {
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	r, err := explain(ctx, opts)
	if err != nil {
		return err
	}
	if opts.Output.IsData() {
		return cmdutil.WriteData(opts.IO.Out, opts.Output, r)
	}
	return printText(opts.IO, r)
}

func explain(ctx context.Context, opts *ExplainOptions) (*Result, error) {
	pol, err := opts.Gate.Load()
	if err != nil {
		return nil, err
	}
	var id profile.Identity
	switch {
	case opts.User == "":
		if id, err = opts.Gate.Who(ctx, pol); err != nil {
			return nil, err
		}
	default:
		if id, err = enforce.IdentityOf(pol, "", opts.User); err != nil {
			return nil, err
		}
	}
	if opts.GroupsGiven {
		id.Groups = opts.Groups
	}
	if id.Groups == nil {
		id.Groups = []string{}
	}
	res := pol.Resolve(id)
	req := opts.Request
	req.Backend = enforce.DefaultBackend(pol, req.Backend)
	r := &Result{User: id.User, Groups: id.Groups, Role: res.Role, res: res, source: pshared.Describe(pol), Reasons: []string{}}
	if res.Disabled {
		r.Role = "disabled"
	} else if r.Role == "" {
		r.Role = "none"
	}
	if opts.Backend != nil {
		if b, err := opts.Backend(req.Backend); err == nil {
			if req.Live, err = enforce.Live(ctx, b, req.Backend, id.User); err != nil {
				r.liveNote = fmt.Sprintf("live clusters not counted: %v", err)
			}
		} else {
			r.liveNote = fmt.Sprintf("live clusters not counted: %v", err)
		}
	}
	if res.Profile != nil {
		r.Profile = res.Profile.Name
		r.Limits = res.Profile
	}
	r.dec = res.Check(req)
	r.Allowed = r.dec.Allowed
	for _, d := range r.dec.Denials {
		r.Reasons = append(r.Reasons, fmt.Sprintf("%s [rule %s: limit %s, asked %s]", d.Msg, d.Rule, d.Limit, d.Asked))
	}
	if r.Allowed {
		r.Reasons = append(r.Reasons, fmt.Sprintf("within every limit of profile %s (%s)", res.Profile.Name, res.Matched))
	}
	return r, nil
}

func printText(ios *iostreams.IOStreams, r *Result) error {
	res, dec := r.res, r.dec
	role := r.Role
	if res.RoleRule != "" {
		role += " (" + res.RoleRule + ")"
	}
	pairs := [][2]string{{"policy", r.source}, {"user", r.User}, {"groups", strings.Join(r.Groups, ", ")}, {"role", role}}
	if res.Profile == nil {
		pairs = append(pairs, [2]string{"profile", "none applies"})
	} else {
		pairs = append(pairs, [2]string{"profile", res.Profile.Name + " (matched: " + res.Matched + ")"})
		for _, s := range res.Shadowed {
			pairs = append(pairs, [2]string{"shadowed", fmt.Sprintf("%s (matched: %s; lost: %s)", s.Profile, s.Rule, s.Why)})
		}
		pairs = append(pairs, limitPairs(res.Profile)...)
	}
	q := dec.Request
	ask := fmt.Sprintf("%s: %d node(s) × %s, %d vcore(s) per node", q.Backend, q.Nodes, profile.FormatBytes(q.MemoryBytes), q.VCores)
	if q.Queue != "" {
		ask += ", queue " + q.Queue
	}
	if q.Engine != "" {
		ask += ", engine " + q.Engine
	}
	pairs = append(pairs, [2]string{"launch", ask})
	live := fmt.Sprint(q.Live)
	if r.liveNote != "" {
		live = r.liveNote
	}
	pairs = append(pairs, [2]string{"live clusters", live})
	allowed := "no"
	if r.Allowed {
		allowed = "yes"
	}
	pairs = append(pairs, [2]string{"allowed", allowed})
	for _, why := range r.Reasons {
		pairs = append(pairs, [2]string{"reason", why})
	}
	if !r.Allowed {
		pairs = append(pairs, [2]string{"contact", dec.Contact})
	}
	return cmdutil.KeyValues(ios, pairs)
}

func limitPairs(pr *profile.Profile) [][2]string {
	none := func(v int) string {
		if v == 0 {
			return "no limit"
		}
		return fmt.Sprint(v)
	}
	dur := func(d time.Duration) string {
		if d == 0 {
			return "no limit"
		}
		return profile.FormatDuration(d)
	}
	bytes := func(b int64) string {
		if b == 0 {
			return "no limit"
		}
		return profile.FormatBytes(b)
	}
	queues := "any"
	if len(pr.Queues) > 0 {
		queues = strings.Join(pr.Queues, ", ")
	}
	if pr.DefaultQueue != "" {
		queues += " (default " + pr.DefaultQueue + ")"
	}
	engines := "any"
	if len(pr.Engines) > 0 {
		engines = strings.Join(pr.Engines, ", ")
	}
	save := "off"
	if pr.ClusterSave {
		save = "on"
	}
	env := "none"
	if len(pr.Env) > 0 {
		keys := make([]string, 0, len(pr.Env))
		for k := range pr.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = k + "=" + pr.Env[k]
		}
		env = strings.Join(keys, " ")
	}
	return [][2]string{
		{"priority", fmt.Sprint(pr.Priority)},
		{"cluster_limit", none(pr.ClusterLimit)},
		{"nodes", fmt.Sprintf("min %d, max %s, default %d", pr.Nodes.Min, none(pr.Nodes.Max), pr.Nodes.Default)},
		{"memory_per_node", fmt.Sprintf("max %s, default %s", bytes(pr.MemoryPerNode.Max), bytes(pr.MemoryPerNode.Default))},
		{"vcores_per_node", fmt.Sprintf("max %s, default %d", none(pr.VCoresPerNode.Max), pr.VCoresPerNode.Default)},
		{"max_idle", dur(pr.MaxIdle)},
		{"max_uptime", dur(pr.MaxUptime)},
		{"cluster_save", save},
		{"queues", queues},
		{"engines", engines},
		{"env", env},
	}
}
