package shared

import (
	"context"
	"fmt"
	"sort"

	"github.com/mlctl/mlctl/internal/enforce"
	"github.com/mlctl/mlctl/launcher"
)

// Cluster is one cluster as admins see it. Local says the gateway has its
// record (and so its token: the cluster API is reachable); RMOnly clusters
// are known from the ResourceManager alone.
type Cluster struct {
	launcher.Record
	Local bool `json:"-"`
}

// All lists every cluster: the backend's records (this gateway's) and, when
// the backend can list them, the RM's mlctl applications of every user,
// each cluster once. With live, ended clusters are left out. yarnErr says
// why YARN could not be asked (nil when it was, or when there is no YARN).
func All(ctx context.Context, b launcher.Backend, live, askYARN bool) (out []Cluster, yarnErr error, err error) {
	recs, err := b.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	byApp := map[string]int{}
	for _, r := range recs {
		if r.AppID != "" {
			byApp[r.AppID] = len(out)
		}
		out = append(out, Cluster{Record: r, Local: true})
	}
	if apps, ok := b.(enforce.Applications); ok && askYARN {
		// Every state, not only live ones: the RM is the authority on
		// whether this gateway's yarn clusters still run.
		got, err := apps.Applications(ctx, "", false)
		if err != nil {
			yarnErr = fmt.Errorf("YARN's applications not listed: %w", err)
		}
		for _, r := range got {
			if i, ok := byApp[r.AppID]; ok {
				if launcher.Ended(r.State) && !launcher.Ended(out[i].State) {
					out[i].State, out[i].StoppedAt = r.State, r.StoppedAt
				}
				continue
			}
			out = append(out, Cluster{Record: r})
		}
	}
	if live {
		kept := out[:0]
		for _, c := range out {
			if !launcher.Ended(c.State) {
				kept = append(kept, c)
			}
		}
		out = kept
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Owner != out[j].Owner {
			return out[i].Owner < out[j].Owner
		}
		return out[i].Name < out[j].Name
	})
	return out, yarnErr, nil
}
