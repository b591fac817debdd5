package enforce

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/profile"
)

// DeniedError is a launch or start the policy refuses (exit 3). Its message
// names every rule broken, with the limit and the value asked for, and its
// hint who administers the policy.
type DeniedError struct {
	Action, Cluster string
	Source          string // the policy file
	Profile         string // "" when no profile applies
	User            string
	Denials         []profile.Denial
}

func (e *DeniedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s denied by policy %s for user %s", e.Action, e.Cluster, e.Source, e.User)
	if e.Profile != "" {
		fmt.Fprintf(&b, " (profile %s)", e.Profile)
	}
	b.WriteString(":")
	for _, d := range e.Denials {
		fmt.Fprintf(&b, "\n  - %s [rule %s: limit %s, asked %s]", d.Msg, d.Rule, d.Limit, d.Asked)
	}
	return b.String()
}

func deniedError(action, cluster string, pol *profile.Policy, res *profile.Resolution, dec profile.Decision) error {
	e := &DeniedError{Action: action, Cluster: cluster, Source: pol.Source, User: res.Identity.User, Denials: dec.Denials}
	if res.Profile != nil {
		e.Profile = res.Profile.Name
	}
	return errs.New(errs.Denied, e, fmt.Sprintf("the policy is administered by %s; see your limits with: mlctl policy explain", dec.Contact))
}

// denialWords is the audit record's reason: every denial, in one line.
func denialWords(d profile.Decision) string {
	parts := make([]string, len(d.Denials))
	for i, x := range d.Denials {
		parts[i] = fmt.Sprintf("%s (limit %s, asked %s)", x.Rule, x.Limit, x.Asked)
	}
	return strings.Join(parts, "; ")
}
