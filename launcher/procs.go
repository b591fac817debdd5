package launcher

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// ours reports whether pid is alive and is a node of the cluster in dir (a
// recycled pid belongs to someone else and must not be signalled).
func ours(pid int, dir string) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// A zombie has exited; only its parent's wait is missing.
		if i := bytes.LastIndexByte(st, ')'); i > 0 && i+2 < len(st) && st[i+2] == 'Z' {
			return false
		}
	}
	return bytes.Contains(cmdline, []byte(dir+"\x00"))
}

// deadNodes lists the indices of nodes whose process is gone.
func (l *Local) deadNodes(rec *Record) []int {
	var dead []int
	for i, pid := range rec.PIDs {
		if !ours(pid, rec.Dir) {
			dead = append(dead, i)
		}
	}
	return dead
}

func (l *Local) waitGone(rec *Record, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if len(l.deadNodes(rec)) == len(rec.PIDs) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// kill ends any node process still running: TERM, a grace period, KILL.
func (l *Local) kill(rec *Record) {
	alive := func() []int {
		var out []int
		for _, pid := range rec.PIDs {
			if ours(pid, rec.Dir) {
				out = append(out, pid)
			}
		}
		return out
	}
	for _, pid := range alive() {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	if l.waitGone(rec, 2*time.Second) {
		return
	}
	for _, pid := range alive() {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	l.waitGone(rec, 2*time.Second)
}
