package launcher

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/errs"
)

// Router is the Backend the CLI uses: launches go to the backend the spec
// names (local by default), everything else to the backend the cluster's
// record names.
type Router struct {
	Local *Local
	YARN  *YARN
}

func (r *Router) Name() string { return "router" }

func (r *Router) pick(name string) (interface {
	Backend
	Client(context.Context, string) (*api.Client, error)
}, error) {
	rec, err := readRecord(filepath.Join(r.Local.Home, "clusters", name))
	if err != nil {
		if isNotExist(err) || ValidateName(name) != nil {
			return nil, notFound(name)
		}
		return nil, err
	}
	if rec.Backend == "yarn" {
		return r.YARN, nil
	}
	return r.Local, nil
}

func (r *Router) Launch(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error) {
	switch spec.Backend {
	case "", "local":
		return r.Local.Launch(ctx, spec, wait, progress)
	case "yarn":
		return r.YARN.Launch(ctx, spec, wait, progress)
	}
	return nil, errs.New(errs.Usage, fmt.Errorf("unknown backend %q", spec.Backend), "the backends are local and yarn")
}

func (r *Router) List(ctx context.Context) ([]Record, error) {
	a, err := r.Local.List(ctx)
	if err != nil {
		return nil, err
	}
	b, err := r.YARN.List(ctx)
	if err != nil {
		return nil, err
	}
	out := append(a, b...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (r *Router) Get(ctx context.Context, name string) (*Record, error) {
	b, err := r.pick(name)
	if err != nil {
		return nil, err
	}
	return b.Get(ctx, name)
}

func (r *Router) Stop(ctx context.Context, name string) error {
	b, err := r.pick(name)
	if err != nil {
		return err
	}
	return b.Stop(ctx, name)
}

func (r *Router) Delete(ctx context.Context, name string) error {
	b, err := r.pick(name)
	if err != nil {
		return err
	}
	return b.Delete(ctx, name)
}

func (r *Router) Logs(ctx context.Context, name string, node int, w io.Writer) error {
	b, err := r.pick(name)
	if err != nil {
		return err
	}
	return b.Logs(ctx, name, node, w)
}

// Client returns an API client for the named cluster's leader.
func (r *Router) Client(ctx context.Context, name string) (*api.Client, error) {
	b, err := r.pick(name)
	if err != nil {
		return nil, err
	}
	return b.Client(ctx, name)
}

// listRecords reads every record of one backend under home.
func listRecords(home, backend string, get func(string) (*Record, error)) ([]Record, error) {
	ents, err := os.ReadDir(filepath.Join(home, "clusters"))
	if isNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		rec, err := readRecord(filepath.Join(home, "clusters", e.Name()))
		if err != nil || rec.Backend != backend {
			continue
		}
		if r, err := get(e.Name()); err == nil {
			out = append(out, *r)
		} else {
			// List what we know even if the backend cannot say more now,
			// and say that it is the last state recorded.
			rec.NotRefreshed = err.Error()
			out = append(out, *rec)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// readBackendRecord reads a record, not-found unless it is backend's.
func readBackendRecord(dir, name, backend string) (*Record, error) {
	if ValidateName(name) != nil {
		return nil, notFound(name)
	}
	rec, err := readRecord(dir)
	if isNotExist(err) {
		return nil, notFound(name)
	}
	if err != nil {
		return nil, err
	}
	if rec.Backend != backend {
		return nil, notFound(name)
	}
	return rec, nil
}

func prefixLines(w io.Writer, prefix string, b []byte) error {
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if hasNodePrefix(line) {
			// The node's own logger names it already ("node-2 ...").
			if _, err := w.Write(line); err != nil {
				return err
			}
			continue
		}
		if _, err := io.WriteString(w, prefix); err != nil {
			return err
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// hasNodePrefix reports whether a log line starts with the node logger's
// "node-N " prefix.
func hasNodePrefix(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("node-")) {
		return false
	}
	i := len("node-")
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	return i > len("node-") && i < len(line) && line[i] == ' '
}
