package launcher

import (
	"context"
	"strings"
)

// Queues lists the leaf queues of the ResourceManager's scheduler that
// accept applications (state RUNNING), by leaf name, for shell completion
// of --queue. Schedulers other than the capacity scheduler list none.
func (y *YARN) Queues(ctx context.Context) ([]string, error) {
	if err := y.setup(ctx); err != nil {
		return nil, err
	}
	info, err := y.rest.Scheduler().Info(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, q := range info.Leaves {
		if q.State == "" || strings.EqualFold(q.State, "RUNNING") {
			out = append(out, q.Name)
		}
	}
	return out, nil
}

// Queues is the yarn backend's Queues (the local backend has none).
func (r *Router) Queues(ctx context.Context) ([]string, error) { return r.YARN.Queues(ctx) }
