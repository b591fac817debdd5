package enforce

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mlctl/mlctl/internal/audit"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher"
	"github.com/mlctl/mlctl/profile"
)

// Log is the audit log of one command, with what a failed write means for
// it: strict (yarn) refuses to go on, otherwise a warning.
type Log struct {
	*audit.Log
	strict  bool
	contact string
}

// AuditPath is the audit log the policy names, $MLCTL_HOME expanded.
func AuditPath(pol *profile.Policy, home string) string {
	p := pol.Naming.AuditLog
	if p == "" {
		p = profile.DefaultAuditLog
	}
	return filepath.Clean(audit.ExpandPath(p, home))
}

func (g *Gate) auditLog(pol *profile.Policy, backend string) *Log {
	path := AuditPath(pol, g.Home)
	perm := audit.DefaultPerm
	if home := filepath.Clean(g.Home); strings.HasPrefix(path, home+string(filepath.Separator)) {
		perm = audit.LocalPerm // the user's own file: nobody else reads it
	}
	return &Log{Log: &audit.Log{Path: path, Perm: perm}, strict: backend == profile.BackendYarn, contact: pol.ContactText()}
}

// AuditLog is the policy's audit log as admin commands and stop use it:
// failures are the caller's to report.
func (g *Gate) AuditLog(pol *profile.Policy) *audit.Log {
	return g.auditLog(pol, "").Log
}

// ready checks, before anything starts, that the launch can be audited.
func (l *Log) ready(g *Gate) error {
	err := l.Check()
	switch {
	case err == nil:
		return nil
	case l.strict:
		return errs.New(errs.Error, fmt.Errorf("cannot write the audit log, so the yarn launch is refused: %w", err),
			"the audit log is the policy's naming.audit_log; ask "+l.contact+" to make it writable for you")
	}
	g.warn("%v; this launch is not audited", err)
	return nil
}

// Note appends one record for a stop, save or reap, best effort: an audit
// log that cannot be written is a warning (the stop itself has happened).
func (g *Gate) Note(ctx context.Context, action string, rec *launcher.Record, name, outcome, reason string) {
	pol, err := g.Load()
	if err != nil {
		g.warn("not audited (%v)", err)
		return
	}
	user := ""
	if id, err := g.Who(ctx, pol); err == nil {
		user = id.User
	} else if rec != nil {
		user = rec.Owner
	}
	r := audit.Record{User: user, Action: action, Cluster: name, Outcome: outcome, Reason: reason}
	if rec != nil {
		r.Backend, r.Profile, r.Nodes, r.MemoryBytes, r.VCores, r.Queue = backendName(rec.Backend), rec.Profile, rec.Nodes, rec.MemoryBytes, rec.VCores, rec.Queue
	}
	if err := g.AuditLog(pol).Append(r); err != nil {
		g.warn("%v", err)
	}
}
