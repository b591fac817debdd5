package launcher

import (
	"context"
	"strings"

	"github.com/mlctl/mlctl/yarn"
)

// AppType is the YARN application type of every mlctl cluster, and AppTag
// the tag each carries; ClusterTagPrefix + name tags one cluster.
const (
	AppType          = "MLCTL"
	AppTag           = "mlctl"
	ClusterTagPrefix = "mlctl-cluster-"
)

// Applications lists the mlctl applications the ResourceManager knows, of
// every user (user "") or of one, as records: what admins see and what
// counts toward a user's cluster limit whichever gateway launched them.
// With live, only applications not yet ended. Records built from the RM
// alone have no leader, token or per-node sizes beyond what YARN allocated.
func (y *YARN) Applications(ctx context.Context, user string, live bool) ([]Record, error) {
	if err := y.setup(ctx); err != nil {
		return nil, err
	}
	opts := yarn.ListOptions{User: user, Types: []string{AppType}, Tags: []string{AppTag}}
	if live {
		opts.States = []string{yarn.StateNew, yarn.StateNewSaving, yarn.StateSubmitted, yarn.StateAccepted, yarn.StateRunning}
	}
	apps, err := y.rest.Apps().List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(apps))
	for _, a := range apps {
		out = append(out, appRecord(a))
	}
	return out, nil
}

// appRecord is what the RM says of an mlctl application.
func appRecord(a *yarn.App) Record {
	r := Record{Name: strings.TrimPrefix(a.Name, "mlctl-"), Backend: "yarn", AppID: a.ID, Owner: a.User, Queue: a.Queue,
		CreatedAt: a.Started.UTC(), YARNState: a.State + "/" + a.FinalStatus, TrackingURL: a.TrackingURL, Diagnostics: a.Diagnostics}
	for _, t := range a.Tags {
		if strings.HasPrefix(t, ClusterTagPrefix) {
			r.Name = strings.TrimPrefix(t, ClusterTagPrefix)
		}
	}
	if !a.Finished.IsZero() {
		r.StoppedAt = a.Finished.UTC()
	}
	if a.Lifetime != nil && !a.Lifetime.Expiry.IsZero() {
		r.EndsAt = a.Lifetime.Expiry.UTC()
	}
	switch {
	case a.State == yarn.StateRunning:
		r.State = StateRunning
	case !yarn.Terminal(a.State):
		r.State = StateStarting
	default:
		r.State = endState(a, &r)
	}
	if n := a.RunningContainer - 1; n > 0 && !yarn.Terminal(a.State) { // less the AM's container
		r.Nodes = n
		r.MemoryBytes = (a.Allocated.MemoryMB - amMemoryMB) << 20 / int64(n)
		r.VCores = int((a.Allocated.VCores - 1) / int64(n))
	}
	return r
}

// Applications is the yarn backend's Applications (the local backend has no
// cluster-wide view: its records are the user's own).
func (r *Router) Applications(ctx context.Context, user string, live bool) ([]Record, error) {
	return r.YARN.Applications(ctx, user, live)
}

// KillApplication ends an application by id through the RM, for admins
// stopping another user's cluster (the RM checks the admin ACL).
func (y *YARN) KillApplication(ctx context.Context, id string) error {
	if err := y.setup(ctx); err != nil {
		return err
	}
	_, err := y.rest.Apps().Kill(ctx, id)
	return err
}

// KillApplication is the yarn backend's KillApplication.
func (r *Router) KillApplication(ctx context.Context, id string) error {
	return r.YARN.KillApplication(ctx, id)
}
