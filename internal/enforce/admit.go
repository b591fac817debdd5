package enforce

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

// Ask is a launch or start as the user typed it.
type Ask struct {
	Action string // audit.ActionLaunch or audit.ActionStart
	Spec   launcher.Spec
	// Given names the flags set on the command line (nil: every field of
	// Spec was asked for). Sizes, queue and lifetime not given take the
	// profile's defaults.
	Given map[string]bool
	// EngineName is --engine ("" = the policy's default).
	EngineName string
}

func (a Ask) given(flag string) bool { return a.Given == nil || a.Given[flag] }

// Admission is an allowed launch: the spec to launch with, and what to
// record once it is done.
type Admission struct {
	Spec       launcher.Spec
	Resolution *profile.Resolution
	Decision   profile.Decision
	Policy     *profile.Policy
	action     string
	log        *Log
}

// Lister is what counting live clusters needs from the backend; the yarn
// router also answers Applications (the RM's view, every gateway's).
type Lister interface {
	List(ctx context.Context) ([]launcher.Record, error)
}

// Applications is the RM's list of mlctl applications (launcher.Router).
type Applications interface {
	Applications(ctx context.Context, user string, live bool) ([]launcher.Record, error)
}

// Live counts user's live (starting or running) clusters on backend:
// the records the backend lists and, on yarn, the RM's applications of
// the user, whichever gateway launched them (each counted once).
func Live(ctx context.Context, b Lister, backend, user string) (int, error) {
	recs, err := b.List(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting your live clusters: %w", err)
	}
	seen := map[string]bool{}
	n := 0
	for _, r := range recs {
		if backendName(r.Backend) != backend || r.Owner != user || !isLive(r.State) {
			continue
		}
		n++
		seen[key(r)] = true
	}
	if apps, ok := b.(Applications); ok && backend == profile.BackendYarn {
		got, err := apps.Applications(ctx, user, true)
		if err != nil {
			return 0, fmt.Errorf("counting your live clusters on YARN: %w", err)
		}
		for _, r := range got {
			if r.Owner == user && isLive(r.State) && !seen[key(r)] {
				seen[key(r)] = true
				n++
			}
		}
	}
	return n, nil
}

func key(r launcher.Record) string {
	if r.AppID != "" {
		return r.AppID
	}
	return r.Backend + "/" + r.Name
}

func isLive(state string) bool {
	return state == launcher.StateStarting || state == launcher.StateRunning
}

func backendName(b string) string {
	if b == "" {
		return profile.BackendLocal
	}
	return b
}

// Admit checks ask against the policy. An allowed launch comes back with
// the spec filled in from the profile; a denied one is audited and comes
// back as an exit-3 error. b counts the user's live clusters.
func (g *Gate) Admit(ctx context.Context, b Lister, ask Ask) (*Admission, error) {
	pol, err := g.Load()
	if err != nil {
		return nil, err
	}
	id, err := g.Who(ctx, pol)
	if err != nil {
		return nil, err
	}
	if err := g.checkOverride(ctx, pol, id); err != nil {
		return nil, err
	}
	res := pol.Resolve(id)
	backend := DefaultBackend(pol, ask.Spec.Backend)
	ask.Spec.Backend = backend
	live, err := Live(ctx, b, backend, id.User)
	if err != nil {
		return nil, err
	}
	spec := ask.Spec
	req := profile.Request{Backend: backend, Queue: spec.Queue, Engine: ask.EngineName, Live: live}
	if ask.given("nodes") {
		req.Nodes = spec.Nodes
	}
	if ask.given("memory") {
		req.MemoryBytes = spec.MemoryBytes
	}
	if ask.given("vcores") {
		req.VCores = spec.VCores
	}
	// What the profile has no default for is what the command would launch
	// with: that is what is checked.
	req = res.Fill(req)
	if req.Nodes == 0 {
		req.Nodes = spec.Nodes
	}
	if req.MemoryBytes == 0 {
		req.MemoryBytes = spec.MemoryBytes
	}
	if req.VCores == 0 {
		req.VCores = spec.VCores
	}
	dec := res.Check(req)
	dec.Denials = append(dec.Denials, uptimeDenials(res.Profile, spec.MaxUptime)...)
	dec.Allowed = len(dec.Denials) == 0
	adm := &Admission{Resolution: res, Decision: dec, Policy: pol, action: ask.Action, log: g.auditLog(pol, backend)}
	spec = fill(spec, dec.Request)
	adm.Spec = spec
	if !dec.Allowed {
		reason := denialWords(dec)
		if err := adm.log.Append(adm.record(audit.OutcomeDenied, reason)); err != nil {
			g.warn("%v", err)
		}
		return nil, deniedError(ask.Action, spec.Name, pol, res, dec)
	}
	if err := applyProfile(&adm.Spec, pol, res.Profile, ask.EngineName, backend); err != nil {
		return nil, err
	}
	if err := adm.log.ready(g); err != nil {
		return nil, err
	}
	return adm, nil
}

// DefaultBackend is the backend a launch without --backend goes to: yarn
// when the policy enables yarn and not the local backend, else local.
func DefaultBackend(pol *profile.Policy, asked string) string {
	switch {
	case asked != "":
		return asked
	case pol.Backends.Yarn.Enabled && !pol.Backends.Local.Enabled:
		return profile.BackendYarn
	}
	return profile.BackendLocal
}

// fill puts the filled request's sizes and queue into spec, keeping the
// command's own defaults where the profile has none.
func fill(spec launcher.Spec, req profile.Request) launcher.Spec {
	if req.Nodes > 0 {
		spec.Nodes = req.Nodes
	}
	if req.MemoryBytes > 0 {
		spec.MemoryBytes = req.MemoryBytes
	}
	if req.VCores > 0 {
		spec.VCores = req.VCores
	}
	if spec.Backend != profile.BackendLocal && spec.Backend != "" {
		spec.Queue = req.Queue
	}
	return spec
}

// uptimeDenials: a --max-uptime above the profile's lifetime is refused
// (none asked means the profile's).
func uptimeDenials(pr *profile.Profile, asked time.Duration) []profile.Denial {
	if pr == nil || pr.MaxUptime == 0 || asked <= pr.MaxUptime {
		return nil
	}
	return []profile.Denial{{Rule: "profiles." + pr.Name + ".max_uptime", Limit: profile.FormatDuration(pr.MaxUptime),
		Asked: profile.FormatDuration(asked),
		Msg:   fmt.Sprintf("--max-uptime %s asked; profile %s allows at most %s", profile.FormatDuration(asked), pr.Name, profile.FormatDuration(pr.MaxUptime))}}
}

// applyProfile sets the limits and settings the profile gives every
// cluster it allows.
func applyProfile(spec *launcher.Spec, pol *profile.Policy, pr *profile.Profile, engine, backend string) error {
	spec.Profile = pr.Name
	if spec.MaxUptime == 0 {
		spec.MaxUptime = pr.MaxUptime
	}
	spec.MaxIdle = pr.MaxIdle
	spec.SaveOnStop = pr.ClusterSave
	if len(pr.Env) > 0 {
		spec.Env = make(map[string]string, len(pr.Env))
		for k, v := range pr.Env {
			spec.Env[k] = v
		}
	}
	if pol.Naming.AppPrefix != "" {
		spec.AppName = pol.Naming.AppPrefix + spec.Name
	}
	e, err := pol.Engine(engine)
	if err != nil {
		return errs.New(errs.Usage, err, "mlctl policy show lists the engine versions")
	}
	// Engine builds live on HDFS: a local cluster runs one only when the
	// policy names a local file for it.
	switch {
	case e == nil:
	case backend == profile.BackendYarn || strings.HasPrefix(e.Path, "/"):
		spec.Engine = &launcher.EngineBinary{Version: e.Name, Path: e.Path, SHA256: strings.ToLower(e.SHA256)}
	case engine != "":
		return errs.New(errs.Usage, fmt.Errorf("engine %s is a build on HDFS (%s): local clusters cannot run it", e.Name, e.Path),
			"leave out --engine on the local backend (its nodes run this mlctl), or launch with --backend yarn")
	}
	return nil
}

// Done records the launch's outcome (err nil: ok) in the audit log.
func (a *Admission) Done(g *Gate, rec *launcher.Record, err error) error {
	r := a.record(audit.OutcomeOK, "")
	if err != nil {
		r.Outcome, r.Reason = audit.OutcomeFailed, err.Error()
	}
	if rec != nil {
		r.Nodes, r.MemoryBytes, r.VCores = rec.Nodes, rec.MemoryBytes, rec.VCores
		if rec.Queue != "" {
			r.Queue = rec.Queue
		}
	}
	if werr := a.log.Append(r); werr != nil {
		if a.log.strict {
			return errs.New(errs.Error, fmt.Errorf("the %s of %s is not in the audit log: %w", a.action, a.Spec.Name, werr),
				"tell "+a.Resolution.Contact+"; the cluster is running")
		}
		g.warn("%v", werr)
	}
	return nil
}

func (a *Admission) record(outcome, reason string) audit.Record {
	s := a.Spec
	r := audit.Record{User: a.Resolution.Identity.User, Action: a.action, Cluster: s.Name, Backend: backendName(s.Backend),
		Nodes: s.Nodes, MemoryBytes: s.MemoryBytes, VCores: s.VCores, Queue: s.Queue, Outcome: outcome, Reason: reason,
		MaxUptime: audit.Duration(s.MaxUptime)}
	if a.Resolution.Profile != nil {
		r.Profile = a.Resolution.Profile.Name
		if r.MaxUptime == 0 {
			r.MaxUptime = audit.Duration(a.Resolution.Profile.MaxUptime)
		}
	}
	return r
}

// StartHooks are cluster start's policy hooks: check admits the start as
// a launch (the record's sizes, the profile's current limits: a cluster
// started again gets today's max_uptime, max_idle, environment and engine
// rules, not those of its first launch) and done audits its outcome.
func (g *Gate) StartHooks(b func(name string) (launcher.Backend, error)) (check func(context.Context, launcher.Spec) (launcher.Spec, error), done func(*launcher.Record, error)) {
	var adm *Admission
	check = func(ctx context.Context, spec launcher.Spec) (launcher.Spec, error) {
		be, err := b(spec.Backend)
		if err != nil {
			return spec, err
		}
		engine := ""
		if spec.Engine != nil {
			engine = spec.Engine.Version
		}
		spec.MaxUptime, spec.MaxIdle, spec.SaveOnStop, spec.Env, spec.Engine, spec.AppName = 0, 0, false, nil, nil, ""
		adm, err = g.Admit(ctx, be, Ask{Action: audit.ActionStart, Spec: spec, EngineName: engine})
		if err != nil {
			return spec, err
		}
		return adm.Spec, nil
	}
	done = func(rec *launcher.Record, err error) {
		if adm != nil {
			if aerr := adm.Done(g, rec, err); aerr != nil {
				g.warn("%v", aerr)
			}
		}
	}
	return check, done
}
