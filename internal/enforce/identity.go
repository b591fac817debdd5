package enforce

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"

	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/profile"
)

// Gate answers the policy's questions for one command.
type Gate struct {
	// Policy loads the policy in force.
	Policy func() (*profile.Policy, error)
	// Identity is the Kerberos principal and short name ("" without
	// Kerberos).
	Identity func(ctx context.Context) (principal, user string)
	// Home is $MLCTL_HOME (for the default audit log).
	Home string
	// Warn receives warnings (an unwritable local audit log).
	Warn func(format string, a ...any)
	// Installed is the gateway's installed policy ("" =
	// profile.DefaultPath): while it exists, only its admins may launch
	// under another one.
	Installed string
}

// FromFactory builds the Gate of a command from its Factory.
func FromFactory(f *cmdutil.Factory) *Gate {
	g := &Gate{Policy: f.Policy, Identity: f.Identity, Home: Home()}
	if f.IOStreams != nil {
		g.Warn = func(format string, a ...any) { fmt.Fprintf(f.IOStreams.ErrOut, "warning: "+format+"\n", a...) }
	}
	return g
}

// Home is $MLCTL_HOME, default ~/.mlctl.
func Home() string {
	if h := os.Getenv("MLCTL_HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".mlctl")
	}
	return ".mlctl"
}

func (g *Gate) warn(format string, a ...any) {
	if g.Warn != nil {
		g.Warn(format, a...)
	}
}

// Load returns the policy in force.
func (g *Gate) Load() (*profile.Policy, error) {
	if g.Policy == nil {
		return profile.Embedded(), nil
	}
	return g.Policy()
}

// Who is the caller: the Kerberos principal mapped to a short name by the
// policy's auth_to_local rules, else the OS user, with the groups the
// policy's group mapping (or the OS) gives.
func (g *Gate) Who(ctx context.Context, pol *profile.Policy) (profile.Identity, error) {
	var principal, name string
	if g.Identity != nil {
		principal, name = g.Identity(ctx)
	}
	if principal != "" {
		short, err := pol.ShortName(principal)
		if err != nil {
			return profile.Identity{}, errs.New(errs.Denied, fmt.Errorf("the policy's auth_to_local rules give no user name for %s: %w", principal, err),
				"ask "+pol.ContactText()+" to add a rule for your principal (backends.kerberos.auth_to_local)")
		}
		name = short
	}
	if name == "" {
		u, err := user.Current()
		if err != nil {
			return profile.Identity{}, fmt.Errorf("who is running mlctl: %w", err)
		}
		name = u.Username
	}
	return IdentityOf(pol, principal, name)
}

// IdentityOf is the identity of a named user (policy explain --user, admin
// views of other users' clusters), groups from the policy or the OS.
func IdentityOf(pol *profile.Policy, principal, name string) (profile.Identity, error) {
	if name == "" {
		return profile.Identity{}, errors.New("no user name")
	}
	groups, err := pol.Groups(name)
	var unknown user.UnknownUserError
	if errors.As(err, &unknown) {
		// A Kerberos user with no account on the gateway: no OS groups, as
		// Hadoop's shell group mapping answers for them.
		groups, err = nil, nil
	}
	if err != nil {
		return profile.Identity{}, fmt.Errorf("groups of %s: %w", name, err)
	}
	return profile.Identity{Principal: principal, User: name, Groups: groups}, nil
}

// RequireAdmin loads the policy and fails with exit 3 unless the caller has
// the admin role.
func (g *Gate) RequireAdmin(ctx context.Context, what string) (*profile.Policy, *profile.Resolution, error) {
	pol, err := g.Load()
	if err != nil {
		return nil, nil, err
	}
	id, err := g.Who(ctx, pol)
	if err != nil {
		return nil, nil, err
	}
	if err := g.checkOverride(ctx, pol, id); err != nil {
		return nil, nil, err
	}
	res := pol.Resolve(id)
	if res.Role != profile.RoleAdmin {
		why := res.RoleRule
		if why == "" {
			why = "role " + res.Role
		}
		return nil, nil, errs.New(errs.Denied,
			fmt.Errorf("%s needs the admin role; user %s has %s (%s; policy %s)", what, id.User, roleWords(res), why, pol.Source),
			"ask "+res.Contact+" to add you to roles.admin")
	}
	return pol, res, nil
}

func roleWords(r *profile.Resolution) string {
	switch {
	case r.Disabled:
		return "no role (disabled)"
	case r.Role == profile.RoleNone:
		return "no role"
	}
	return "the " + r.Role + " role"
}
