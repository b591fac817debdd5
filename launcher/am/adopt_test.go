package am

import (
	"context"
	"io"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/launcher/yarnenv"
	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/ipc/ipctest"
	"github.com/mlctl/mlctl/yarn/nm"
	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/token"
)

const testApp = "application_1700000000000_0007"

var attempt1 = amrm.ApplicationAttemptID{App: amrm.ApplicationID{ClusterTimestamp: 1700000000000, ID: 7}, Attempt: 1}

func cid(seq int64) amrm.ContainerID { return amrm.ContainerID{Attempt: attempt1, ID: seq} }

func kept(seqs ...int64) []amrm.Container {
	var out []amrm.Container
	for _, s := range seqs {
		out = append(out, amrm.Container{ID: cid(s), Node: amrm.NodeID{Host: "127.0.0.1", Port: 45454}, NodeHTTPAddress: "127.0.0.1:8042"})
	}
	return out
}

// twoNodes is the record attempt 1 writes for a 2-node cloud: node 0 in
// container 2, node 1 in container 3, node 0 leading.
func twoNodes() *Record {
	return &Record{AppID: testApp, Attempt: attempt1.String(), Leader: "127.0.0.1:40000", Nodes: 2,
		Containers: []RecordContainer{{Index: 1, ID: cid(3).String()}, {Index: 0, ID: cid(2).String()}},
		Members:    []cloud.Member{{Index: 0, Addr: "127.0.0.1:40000", PID: 10}, {Index: 1, Addr: "127.0.0.1:40001", PID: 11}},
		CreatedAt:  time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func indexes(cs []ContainerInfo) []int {
	var out []int
	for _, c := range cs {
		out = append(out, c.Index)
	}
	return out
}

func TestPlanAdoption(t *testing.T) {
	for _, tc := range []struct {
		name             string
		rec              func(*Record)
		prev             []amrm.Container
		running, missing []int
		release          int
		err              string
	}{
		{name: "both kept", prev: kept(3, 2), running: []int{0, 1}},
		{name: "node 1 gone", prev: kept(2), running: []int{0}, missing: []int{1}},
		{name: "none kept", running: nil, missing: []int{0, 1}},
		{name: "a stray container is released", prev: kept(2, 3, 9), running: []int{0, 1}, release: 1},
		{name: "another application's record", rec: func(r *Record) { r.AppID = "application_1_0001" }, prev: kept(2, 3), err: "not " + testApp},
		{name: "no leader", rec: func(r *Record) { r.Leader = "" }, prev: kept(2, 3), err: "no leader"},
		{name: "too few containers", rec: func(r *Record) { r.Containers = r.Containers[:1] }, prev: kept(2, 3), err: "1 node containers"},
		{name: "repeated index", rec: func(r *Record) { r.Containers[0].Index = 0 }, prev: kept(2, 3), err: "repeated"},
		{name: "index out of range", rec: func(r *Record) { r.Containers[0].Index = 2 }, prev: kept(2, 3), err: "out of range"},
		{name: "repeated container", rec: func(r *Record) { r.Containers[0].ID = r.Containers[1].ID }, prev: kept(2, 3), err: "repeated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := twoNodes()
			if tc.rec != nil {
				tc.rec(rec)
			}
			in, err := planAdoption(rec, testApp, 2, tc.prev)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := indexes(in.running); !equal(got, tc.running) {
				t.Errorf("running %v, want %v", got, tc.running)
			}
			if got := indexes(in.missing); !equal(got, tc.missing) {
				t.Errorf("missing %v, want %v", got, tc.missing)
			}
			if len(in.release) != tc.release {
				t.Errorf("release %v, want %d", in.release, tc.release)
			}
			for _, c := range in.running {
				if want := map[int]string{0: cid(2).String(), 1: cid(3).String()}[c.Index]; c.ID != want || c.State != "running" || c.Node != "127.0.0.1:45454" {
					t.Errorf("node %d: %+v, want container %s running", c.Index, c, want)
				}
			}
			if in.leader.Index != 0 || in.leader.PID != 10 || !in.created.Equal(rec.CreatedAt) {
				t.Errorf("leader %+v, created %s", in.leader, in.created)
			}
		})
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// scriptRM answers allocate with the completed containers of its script,
// one entry per heartbeat, and records what each heartbeat released and
// asked for.
type scriptRM struct {
	mu       sync.Mutex
	script   [][]amrm.ContainerStatus
	beats    int
	released [][]amrm.ContainerID
	asks     []int32
}

func appendStatus(b []byte, s amrm.ContainerStatus) []byte {
	b = pb.AppendMsg(b, 1, amrm.AppendContainerID(nil, s.ID))
	b = pb.AppendVarint(b, 2, uint64(amrm.ContainerComplete))
	b = pb.AppendString(b, 3, s.Diagnostics)
	return pb.AppendVarint(b, 4, uint64(int64(s.ExitStatus)))
}

func (f *scriptRM) handle(method, _ string, req []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if method != "allocate" {
		return nil, nil
	}
	var rel []amrm.ContainerID
	ask := int32(-1)
	var rid uint64
	err := pb.Walk(req, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1: // ask
			return pb.Walk(v, func(num protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
				if num == 4 {
					ask = int32(x)
				}
				return nil
			})
		case 2: // release
			id, err := amrm.DecodeContainerID(v)
			rel = append(rel, id)
			return err
		case 4:
			rid = x
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.released = append(f.released, rel)
	f.asks = append(f.asks, ask)
	b := pb.AppendVarint(nil, 2, rid+1)
	if f.beats < len(f.script) {
		for _, s := range f.script[f.beats] {
			b = pb.AppendMsg(b, 4, appendStatus(nil, s))
		}
	}
	f.beats++
	return b, nil
}

// testAM is an AM of a 2-node cluster that has registered as attempt 2 with
// a fake RM running script.
func testAM(t *testing.T, script [][]amrm.ContainerStatus) (*AM, *scriptRM) {
	t.Helper()
	heartbeat, fastHeartbeat = 5*time.Millisecond, 5*time.Millisecond
	t.Cleanup(func() { heartbeat, fastHeartbeat = time.Second, 200*time.Millisecond })
	rm := &scriptRM{script: script}
	id := token.AppendAMRMIdentifier(nil, token.AMRMIdentifier{Attempt: token.Attempt{ClusterTimestamp: 1700000000000, App: 7, Attempt: 2}, KeyID: 1})
	tok := &token.Token{Identifier: id, Password: []byte("pw"), Kind: token.KindAMRM}
	srv, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: rm.handle})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := amrm.Dial(context.Background(), srv.Addr, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	a := &AM{cfg: Config{Nodes: 2, MemoryMB: 256, VCores: 1}, env: &yarnenv.ContainerEnv{}, log: log.New(io.Discard, "", 0),
		reg: cloud.NewRegistry(), rm: c, nm: nm.NewClient(""), byID: map[string]int{}, wake: make(chan struct{}, 1), app: testApp, attempt: 2}
	a.status.Attempt = "appattempt_1700000000000_0007_000002"
	a.recordCtx, a.stopRecord = context.WithCancel(context.Background())
	t.Cleanup(a.stopRecord)
	return a, rm
}

// adopted is what adopt makes of the record and the containers YARN kept
// (adopt itself reads the record from HDFS first).
func adopted(t *testing.T, a *AM, prev []amrm.Container) start {
	t.Helper()
	in, err := planAdoption(twoNodes(), testApp, 2, prev)
	if err != nil {
		t.Fatal(err)
	}
	s := a.take(context.Background(), in)
	if st := a.snapshot(); st.Leader != "127.0.0.1:40000" || st.Joined != 2 || st.Adopted != len(in.running) || len(st.Containers) != 2 {
		t.Fatalf("status after adoption %+v", st)
	}
	return s
}

func done(id amrm.ContainerID, exit int32) amrm.ContainerStatus {
	return amrm.ContainerStatus{ID: id, State: amrm.ContainerComplete, ExitStatus: exit, Diagnostics: "diag"}
}

func TestLoopAfterAdoption(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prev   []amrm.Container
		script [][]amrm.ContainerStatus
		status amrm.FinalStatus
		diag   []string // each must appear in the diagnostics
	}{
		{name: "a node dies after the restart", prev: kept(2, 3),
			script: [][]amrm.ContainerStatus{nil, nil, {done(cid(3), 137)}},
			status: amrm.StatusFailed, diag: []string{"node 1", "137", "lost that node's data"}},
		{name: "the cloud is stopped after the restart", prev: kept(2, 3),
			script: [][]amrm.ContainerStatus{nil, {done(cid(2), 0)}, {done(cid(3), 0)}},
			status: amrm.StatusSucceeded, diag: []string{"stopped"}},
		{name: "a node ended while no AM ran", prev: kept(2),
			status: amrm.StatusFailed, diag: []string{"node 1", cid(3).String(), "while no ApplicationMaster ran"}},
		{name: "the RM passes on a completion from the gap", prev: kept(2),
			script: [][]amrm.ContainerStatus{{done(cid(3), 143)}},
			status: amrm.StatusFailed, diag: []string{"node 1", "exited with 143"}},
		{name: "stopped while no AM ran", prev: nil,
			script: [][]amrm.ContainerStatus{{done(cid(2), 0), done(cid(3), 0)}},
			status: amrm.StatusSucceeded, diag: []string{"stopped"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, rm := testAM(t, tc.script)
			from := adopted(t, a, append(tc.prev, kept(9)...)) // 9 runs no node: released
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			status, diag := a.loop(ctx, from)
			if ctx.Err() != nil {
				t.Fatalf("the loop did not end: %s", diag)
			}
			if status != tc.status {
				t.Errorf("status %d (%s), want %d", status, diag, tc.status)
			}
			for _, d := range tc.diag {
				if !strings.Contains(diag, d) {
					t.Errorf("diagnostics %q do not say %q", diag, d)
				}
			}
			rm.mu.Lock()
			defer rm.mu.Unlock()
			if len(rm.released) == 0 || len(rm.released[0]) != 1 || rm.released[0][0] != cid(9) {
				t.Errorf("first heartbeat released %v, want [%s]", rm.released, cid(9))
			}
			if rm.asks[0] != 0 {
				t.Errorf("an adopting attempt asked for %d containers", rm.asks[0])
			}
		})
	}
}

// With no record, attempt 2 gives back what attempt 1 left and starts over.
func TestAdoptWithoutRecordStartsOver(t *testing.T) {
	a, rm := testAM(t, nil)
	from, err := a.adopt(context.Background(), kept(2, 3))
	if err != nil {
		t.Fatal(err)
	}
	if from.next != 0 || from.running != 0 || len(from.release) != 2 {
		t.Fatalf("start %+v, want node 0 next and both containers released", from)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			rm.mu.Lock()
			n := rm.beats
			rm.mu.Unlock()
			if n >= 2 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	a.loop(ctx, from)
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if len(rm.released[0]) != 2 || rm.asks[0] != 2 {
		t.Errorf("first heartbeat released %v and asked for %d; want both released and 2 asked", rm.released[0], rm.asks[0])
	}
	if len(rm.released[1]) != 0 {
		t.Errorf("second heartbeat released %v again", rm.released[1])
	}
}
