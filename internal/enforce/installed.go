package enforce

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/profile"
)

// The policy an admin installed on the gateway (/etc/mlctl/policy.yaml) is
// the one that governs launches there. --policy, $MLCTL_POLICY and
// --insecure-policy exist for development and for admins trying a new
// policy; were they open to everyone, any user could launch under a policy
// of their own. So when an installed policy exists and another one is in
// force, launches and starts are allowed only for the installed policy's
// admins. (mlctl runs as the user: this closes the obvious door, not every
// one — YARN's queue ACLs and lifetimes, from mlctl admin yarn-queue-config,
// are what holds against a user running some other binary.)
func (g *Gate) checkOverride(ctx context.Context, pol *profile.Policy, id profile.Identity) error {
	path := g.Installed
	if path == "" {
		path = profile.DefaultPath
	}
	if same(pol.Source, path) {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	inst, err := profile.Load(path, profile.LoadOptions{})
	if err != nil {
		return errs.New(errs.Denied, fmt.Errorf("this gateway's policy %s could not be read, so no other policy may stand in for it: %w", path, err),
			"ask the gateway's admins to fix "+path)
	}
	idInst, err := IdentityOf(inst, id.Principal, id.User)
	if err != nil {
		return err
	}
	if res := inst.Resolve(idInst); res.Role == profile.RoleAdmin {
		return nil
	}
	return errs.New(errs.Denied,
		fmt.Errorf("this gateway's policy is %s; only its admins may act under another policy (%s, from --policy or $%s)", path, pol.Source, profile.EnvPolicy),
		"leave out --policy and unset "+profile.EnvPolicy+"; see your limits with: mlctl policy explain")
}

func same(a, b string) bool {
	if a == b {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}
