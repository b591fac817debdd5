package leader

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/jobs"
	"github.com/mlctl/mlctl/engine/mr"
)

// jobDriver is the mr.Driver one job's algorithm runs against.
type jobDriver struct {
	*Leader
	id string
	p  *jobs.Progress
}

var _ mr.Driver = (*jobDriver)(nil)

func (d *jobDriver) Job() string { return d.id }

func (d *jobDriver) Frame(name string) (*frame.Frame, error) {
	f, ok := d.frame(name)
	if !ok {
		return nil, fmt.Errorf("frame %q: %w", name, mr.ErrNoFrame)
	}
	return f, nil
}

func (d *jobDriver) WorkFrame(f *frame.Frame, temp bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, exists := d.frames[f.Name]; exists && !temp {
		return conflict(fmt.Errorf("frame %q already exists", f.Name), "name the output differently, or delete that frame first")
	}
	d.frames[f.Name] = f
	if temp {
		d.temps[d.id] = append(d.temps[d.id], f.Name)
	}
	return nil
}

func (d *jobDriver) DropFrame(ctx context.Context, name string) error { return d.dropFrame(ctx, name) }

func (d *jobDriver) Progress(frac float64, msg string) {
	if d.p != nil {
		d.p.Set(frac, msg)
	}
}
