package launcher

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/internal/errs"
)

// Local runs clusters as detached engine processes on this machine.
type Local struct {
	Home       string // $MLCTL_HOME
	Executable string // the mlctl binary the nodes run
	Now        func() time.Time
}

// NewLocal makes the local backend rooted at home.
func NewLocal(home, exe string) *Local {
	return &Local{Home: home, Executable: exe, Now: time.Now}
}

func (l *Local) Name() string { return "local" }

func (l *Local) dir(name string) string { return filepath.Join(l.Home, "clusters", name) }

// Launch creates the cluster directory (atomically claiming the name), mints
// the cluster's CA and token, and starts the node processes.
func (l *Local) Launch(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error) {
	if err := ValidateName(spec.Name); err != nil {
		return nil, errs.New(errs.Usage, err, "")
	}
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
	if err := os.MkdirAll(filepath.Join(l.Home, "clusters"), 0o700); err != nil {
		return nil, err
	}
	dir := l.dir(spec.Name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, exists(spec.Name)
		}
		return nil, err
	}
	rec, err := l.start(spec, dir, exe, nil)
	if err != nil {
		os.RemoveAll(dir) // nothing started: leave no half-made cluster behind
		return nil, err
	}
	return l.follow(ctx, rec, wait, progress, func() { os.RemoveAll(dir) })
}

// executable is the binary the nodes run: this mlctl, or the spec's engine
// version after its checksum (and the node environment) passed.
func (l *Local) executable(ctx context.Context, spec Spec) (string, error) {
	if err := checkEnv(spec.Env); err != nil {
		return "", err
	}
	if spec.Engine == nil {
		return l.Executable, nil
	}
	return l.localEngine(ctx, spec.Engine)
}

// follow reports the started nodes and, with wait, waits for the cloud. A
// launch interrupted while waiting ends its nodes and calls forget (which
// frees the name); one that failed is recorded as failed.
func (l *Local) follow(ctx context.Context, rec *Record, wait bool, progress func(Progress), forget func()) (*Record, error) {
	dir := rec.Dir
	progress(Progress{Phase: "starting nodes", Wanted: rec.Nodes})
	if !wait {
		return rec, nil
	}
	if err := l.await(ctx, rec, progress); err != nil {
		l.kill(rec)
		if errors.Is(err, context.Canceled) || errors.Is(context.Cause(ctx), context.Canceled) {
			// Interrupted (Ctrl-C): clean up what was started, so the name
			// is free again, instead of leaving a failed record behind.
			forget()
			return nil, fmt.Errorf("launch of %s interrupted: %w", rec.Name, context.Canceled)
		}
		rec.State = StateFailed
		rec.StoppedAt = l.Now().UTC()
		writeRecord(dir, rec)
		return rec, err
	}
	return rec, nil
}

// start mints the cluster's secrets, writes its record and starts the
// nodes, running exe. prev is the record of the cluster being restarted
// (nil for a launch).
func (l *Local) start(spec Spec, dir, exe string, prev *Record) (*Record, error) {
	secrets, err := cloud.MintSecrets(spec.Name, 90*24*time.Hour)
	if err != nil {
		return nil, err
	}
	if err := cloud.SaveSecrets(dir, secrets); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, cloud.LogsDir), 0o700); err != nil {
		return nil, err
	}
	owner := ""
	if u, err := user.Current(); err == nil {
		owner = u.Username
	}
	rec := &Record{
		Name: spec.Name, Backend: "local", State: StateStarting, Nodes: spec.Nodes, MemoryBytes: spec.MemoryBytes,
		VCores: spec.VCores, CreatedAt: l.Now().UTC(), Token: secrets.Token, CACert: string(secrets.CACertPEM),
		Dir: dir, Owner: owner,
	}
	recordSpec(rec, spec)
	if spec.MaxUptime > 0 {
		rec.EndsAt = rec.CreatedAt.Add(spec.MaxUptime)
	}
	if spec.Engine != nil {
		rec.Binary = exe
	}
	if prev != nil {
		rec.Restarts = prev.Restarts + 1
	}
	if err := writeRecord(dir, rec); err != nil {
		return nil, err
	}
	env := nodeEnv(rec, nodeLimits(rec))
	for i := 0; i < spec.Nodes; i++ {
		pid, err := l.spawn(spec, dir, exe, env, i)
		if err != nil {
			l.kill(rec)
			return nil, fmt.Errorf("starting node %d: %w", i, err)
		}
		rec.PIDs = append(rec.PIDs, pid)
	}
	return rec, writeRecord(dir, rec)
}

// spawn starts one detached node: its own session, so the user's Ctrl-C or a
// closed terminal does not reach it; output to its log file.
func (l *Local) spawn(spec Spec, dir, exe string, env map[string]string, idx int) (int, error) {
	logf, err := os.OpenFile(filepath.Join(dir, cloud.LogsDir, fmt.Sprintf("node-%d.log", idx)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "engine", "node", "--dir", dir, "--cluster", spec.Name,
		"--index", strconv.Itoa(idx), "--size", strconv.Itoa(spec.Nodes))
	cmd.Env = inheritedEnv()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if spec.MemoryBytes > 0 {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+strconv.FormatInt(spec.MemoryBytes, 10))
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	go cmd.Wait() // reap it if it dies while we are still here
	return pid, nil
}

// inheritedEnv is this process's environment without the limits' variables
// (a node's limits are its cluster's, not whatever the caller had set).
func inheritedEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(limits.Names, name) {
			out = append(out, kv)
		}
	}
	return out
}

// await waits until the leader answers with a formed, healthy cloud.
func (l *Local) await(ctx context.Context, rec *Record, progress func(Progress)) error {
	rdv := cloud.DirRendezvous{Dir: rec.Dir}
	last := -1
	deadSeen := 0
	for {
		ms, _ := rdv.Members(ctx)
		if len(ms) != last {
			last = len(ms)
			progress(Progress{Phase: "forming cloud", Joined: len(ms), Wanted: rec.Nodes})
		}
		dead := l.deadNodes(rec)
		if len(dead) == 0 {
			deadSeen = 0
		} else {
			deadSeen++
		}
		// A node seen gone on three polls in a row has exited; one
		// look at /proc on a loaded machine is not proof.
		if deadSeen >= 3 {
			return errs.New(errs.Error, fmt.Errorf("node %d exited before the cloud formed: %s", dead[0], l.lastLogLine(rec, dead[0])),
				fmt.Sprintf("see mlctl cluster logs %s --node %d", rec.Name, dead[0]))
		}
		if m, err := cloud.ReadLeader(rec.Dir); err == nil {
			rec.Leader = m.Addr
			if c, err := l.client(rec); err == nil {
				cctx, cancel := context.WithTimeout(ctx, time.Second)
				st, err := c.Cloud(cctx)
				cancel()
				if err == nil && st.Formed {
					rec.State = StateRunning
					progress(Progress{Phase: "cloud formed", Joined: rec.Nodes, Wanted: rec.Nodes})
					return writeRecord(rec.Dir, rec)
				}
			}
		}
		select {
		case <-ctx.Done():
			return errs.New(errs.Timeout, fmt.Errorf("cloud not formed in time: %d of %d nodes joined", last, rec.Nodes),
				fmt.Sprintf("see mlctl cluster logs %s, or raise --timeout", rec.Name))
		case <-time.After(15 * time.Millisecond):
		}
	}
}

func (l *Local) client(rec *Record) (*api.Client, error) {
	return api.NewClient(rec.Leader, rec.Token, []byte(rec.CACert))
}

// Client returns an API client for a running cluster.
func (l *Local) Client(ctx context.Context, name string) (*api.Client, error) {
	rec, err := l.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return leaderClient(rec)
}

func (l *Local) lastLogLine(rec *Record, idx int) string {
	f, err := os.Open(filepath.Join(rec.Dir, cloud.LogsDir, fmt.Sprintf("node-%d.log", idx)))
	if err != nil {
		return "no log"
	}
	defer f.Close()
	last := "no output"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	return last
}

// List returns every local cluster record, with states refreshed.
func (l *Local) List(ctx context.Context) ([]Record, error) {
	return listRecords(l.Home, "local", func(name string) (*Record, error) { return l.Get(ctx, name) })
}

// Get reads a record and refreshes its state from the processes.
func (l *Local) Get(_ context.Context, name string) (*Record, error) {
	rec, err := readBackendRecord(l.dir(name), name, "local")
	if err != nil {
		return nil, err
	}
	if Ended(rec.State) {
		return rec, nil
	}
	if len(rec.PIDs) > 0 && len(l.deadNodes(rec)) == len(rec.PIDs) {
		// Every node is gone. (A record still being written by a launch
		// has no PIDs yet: that cluster is starting, not failed.) The
		// leader says so when it ended the cloud at a limit.
		if e, err := limits.ReadEnd(rec.Dir); err == nil && e != nil {
			return rec, l.markEnded(rec, e)
		}
		rec.State = StateFailed
		return rec, nil
	}
	if m, err := cloud.ReadLeader(rec.Dir); err == nil {
		rec.Leader = m.Addr
		rec.State = StateRunning
	}
	return rec, nil
}

// Stop asks the leader to shut the cloud down, then makes sure every node
// process is gone (TERM, then KILL).
func (l *Local) Stop(ctx context.Context, name string) error {
	rec, err := l.Get(ctx, name)
	if err != nil {
		return err
	}
	if rec.State == StateStopped || rec.State == StateExpired {
		return nil // ended, by the user or a limit: keep what ended it
	}
	if rec.Leader != "" {
		if c, err := l.client(rec); err == nil {
			sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			c.Shutdown(sctx)
			cancel()
		}
	}
	l.waitGone(rec, 3*time.Second)
	l.kill(rec)
	rec.State = StateStopped
	rec.StoppedAt = l.Now().UTC()
	rec.Leader = ""
	l.clearRun(rec.Dir)
	return writeRecord(rec.Dir, rec)
}

// markEnded records the end the leader wrote when it stopped the cloud at a
// limit: stopped (idle) or expired (uptime), with the reason.
func (l *Local) markEnded(rec *Record, e *limits.End) error {
	rec.State, rec.StopReason, rec.Diagnostics, rec.StoppedAt, rec.Leader = e.State, e.Reason, e.Text(), e.At, ""
	if !Ended(rec.State) {
		rec.State = StateStopped
	}
	l.clearRun(rec.Dir)
	return writeRecord(rec.Dir, rec)
}

// clearRun removes what one run of the cluster left in its directory (the
// rendezvous and the leader's end), keeping the record, logs and saves.
func (l *Local) clearRun(dir string) {
	os.Remove(filepath.Join(dir, cloud.LeaderFile))
	os.RemoveAll(filepath.Join(dir, cloud.MembersDir))
	os.Remove(filepath.Join(dir, limits.EndFile))
}

// Delete stops the cluster and removes its directory.
func (l *Local) Delete(ctx context.Context, name string) error {
	if err := l.Stop(ctx, name); err != nil {
		return err
	}
	return os.RemoveAll(l.dir(name))
}

// Logs copies node logs to w.
func (l *Local) Logs(ctx context.Context, name string, nodeIdx int, w io.Writer) error {
	rec, err := l.Get(ctx, name)
	if err != nil {
		return err
	}
	if nodeIdx >= rec.Nodes {
		return errs.New(errs.NotFound, fmt.Errorf("cluster %q has nodes 0..%d, not %d", name, rec.Nodes-1, nodeIdx), "")
	}
	for i := 0; i < rec.Nodes; i++ {
		if nodeIdx >= 0 && i != nodeIdx {
			continue
		}
		f, err := os.Open(filepath.Join(rec.Dir, cloud.LogsDir, fmt.Sprintf("node-%d.log", i)))
		if err != nil {
			return err
		}
		if nodeIdx >= 0 {
			_, err = io.Copy(w, f)
		} else {
			var b []byte
			if b, err = io.ReadAll(f); err == nil {
				err = prefixLines(w, fmt.Sprintf("[node %d] ", i), b)
			}
		}
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Local backend bounds, documented in the README.
const (
	MinNodeMemory     = 64 << 20 // an engine node needs at least this
	MaxNodesPerCore   = 4
	localOnlyQueueMsg = "--queue applies to the yarn backend only"
)

// CheckLocal refuses, before anything starts, a local cluster the machine
// cannot hold (more than MaxNodesPerCore nodes per core, or nodes × memory
// above the machine's memory; NoLocalLimits overrides), a node memory below
// MinNodeMemory, negative limits, and settings only YARN applies.
func CheckLocal(spec Spec, cores int, memory int64) error {
	switch {
	case spec.Queue != "":
		return errs.New(errs.Usage, fmt.Errorf("%s; the local backend has no queues", localOnlyQueueMsg), "leave out --queue, or give --backend yarn")
	case spec.MaxUptime < 0 || spec.MaxIdle < 0:
		return errs.New(errs.Usage, errors.New("max_uptime and max_idle must not be negative"), "give a positive duration, or 0 for no limit")
	case spec.MemoryBytes > 0 && spec.MemoryBytes < MinNodeMemory:
		return errs.New(errs.Usage, fmt.Errorf("--memory %d bytes is below the %d MiB an engine node needs", spec.MemoryBytes, MinNodeMemory>>20), "give --memory 64m or more")
	case spec.NoLocalLimits:
		return nil
	case cores > 0 && spec.Nodes > MaxNodesPerCore*cores:
		return errs.New(errs.Usage, fmt.Errorf("%d local nodes on a machine of %d cores: at most %d per core", spec.Nodes, cores, MaxNodesPerCore),
			"use fewer nodes (each is a process), or --no-local-limits if you mean it")
	case memory > 0 && spec.MemoryBytes > 0 && int64(spec.Nodes)*spec.MemoryBytes > memory:
		return errs.New(errs.Usage, fmt.Errorf("%d nodes × %d MiB is more than this machine's %d MiB", spec.Nodes, spec.MemoryBytes>>20, memory>>20),
			"use fewer or smaller nodes, or --no-local-limits if you mean it")
	}
	return nil
}

// machineMemory is the machine's memory from /proc/meminfo (0 if unknown).
func machineMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
