package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/mlctl/mlctl/internal/errs"
)

// Restarter starts an ended cluster again (mlctl cluster start).
type Restarter interface {
	// Restart starts the cluster spec.Name, which must exist and have ended
	// (stopped, expired, killed or failed), again under the same name on
	// its record's backend, with spec (Record.Spec with any overrides).
	// With wait it returns once the cloud formed. A cluster that is running
	// or starting is an error naming its state.
	Restart(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error)
}

// restartable checks that rec may be started again.
func restartable(rec *Record) error {
	if Ended(rec.State) {
		return nil
	}
	return errs.New(errs.Error, fmt.Errorf("cluster %q is %s: only a stopped, expired, killed or failed cluster can be started again", rec.Name, rec.State),
		fmt.Sprintf("it is already up: use it, or mlctl cluster stop %s first", rec.Name))
}

// lockStart takes dir's start lock, so two starts of one cluster cannot
// both launch it; unlock releases it. The lock is an flock, gone with the
// process that held it.
func lockStart(dir, name string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".start.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errs.New(errs.Error, fmt.Errorf("cluster %q is being started by another mlctl", name), "wait for it, then see mlctl cluster status "+name)
		}
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// Restart starts an ended local cluster again in its directory: new
// secrets, new processes, the same name, logs appended, saves kept.
func (l *Local) Restart(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error) {
	if spec.Nodes < 1 {
		return nil, errs.New(errs.Usage, fmt.Errorf("--nodes must be at least 1, got %d", spec.Nodes), "")
	}
	if err := CheckLocal(spec, runtime.NumCPU(), machineMemory()); err != nil {
		return nil, err
	}
	exe, err := l.executable(ctx, spec)
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	prev, err := l.Get(ctx, spec.Name)
	if err != nil {
		return nil, err
	}
	unlock, err := lockStart(prev.Dir, spec.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if prev, err = l.Get(ctx, spec.Name); err != nil { // again, under the lock
		return nil, err
	}
	if err := restartable(prev); err != nil {
		return nil, err
	}
	l.kill(prev) // a failed cluster may have nodes left
	l.clearRun(prev.Dir)
	rec, err := l.start(spec, prev.Dir, exe, prev)
	if err != nil {
		writeRecord(prev.Dir, prev) // nothing runs: the cluster is as it was
		return nil, err
	}
	return l.follow(ctx, rec, wait, progress, func() { writeRecord(prev.Dir, prev) })
}

// Restart starts the named cluster again on its backend.
func (r *Router) Restart(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error) {
	b, err := r.pick(spec.Name)
	if err != nil {
		return nil, err
	}
	rs, ok := b.(Restarter)
	if !ok {
		return nil, fmt.Errorf("the %s backend cannot start a cluster again", b.Name())
	}
	return rs.Restart(ctx, spec, wait, progress)
}

// Restart submits an ended yarn cluster again as a new application under
// the same name (its HDFS directory, with any saves, stays).
func (y *YARN) Restart(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error) {
	prev, err := y.Get(ctx, spec.Name)
	if err != nil {
		return nil, err
	}
	unlock, err := lockStart(y.dir(spec.Name), spec.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if prev, err = y.Get(ctx, spec.Name); err != nil {
		return nil, err
	}
	if err := restartable(prev); err != nil {
		return nil, err
	}
	return y.launch(ctx, spec, wait, progress, prev)
}
