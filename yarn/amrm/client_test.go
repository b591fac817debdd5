package amrm

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/ipc/ipctest"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

func amrmToken(keyID int32) *token.Token {
	id := token.AppendAMRMIdentifier(nil, token.AMRMIdentifier{Attempt: token.Attempt{ClusterTimestamp: 1700000000000, App: 7, Attempt: 2}, KeyID: keyID})
	return &token.Token{Identifier: id, Password: []byte{byte(keyID), 9, 9}, Kind: token.KindAMRM}
}

func TestAMLifecycleAgainstFakeRM(t *testing.T) {
	for _, q := range []sasl.QOP{sasl.QOPAuth, sasl.QOPIntegrity, sasl.QOPPrivacy} {
		t.Run(string(q), func(t *testing.T) {
			rm := &fakeRM{}
			old := amrmToken(1)
			srv, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{old}, QOPs: []sasl.QOP{q}, Handler: rm.handle})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			c, err := Dial(ctx, srv.Addr, old, q)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.QOP() != q {
				t.Errorf("qop %s", c.QOP())
			}
			if _, err := c.Allocate(ctx, AllocateRequest{}); !ipc.IsRemote(err, "ApplicationMasterNotRegisteredException") {
				t.Errorf("allocate before register: %v", err)
			}
			reg, err := c.Register(ctx, "127.0.0.1", 0, "")
			if err != nil {
				t.Fatal(err)
			}
			if reg.MaximumCapability != (Resource{MemoryMB: 8192, VCores: 4}) || reg.Queue != "default" {
				t.Errorf("register response %+v", reg)
			}
			if _, err := c.Register(ctx, "127.0.0.1", 0, ""); !ipc.IsRemote(err, "InvalidApplicationMasterRequestException") {
				t.Errorf("second register: %v", err)
			}

			want := int32(2)
			var got []Container
			var nm []NMToken
			for i := 0; i < 5 && int32(len(got)) < 2; i++ {
				r, err := c.Allocate(ctx, AllocateRequest{Asks: []ResourceRequest{Ask(1, Resource{MemoryMB: 128, VCores: 1}, want-int32(len(got)))}, Progress: 0.1})
				if err != nil {
					t.Fatal(err)
				}
				if r.ResponseID != int32(i+1) || c.ResponseID() != r.ResponseID {
					t.Errorf("responseId %d / %d after heartbeat %d", r.ResponseID, c.ResponseID(), i)
				}
				got = append(got, r.Allocated...)
				nm = append(nm, r.NMTokens...)
				if len(r.Completed) > 0 {
					s := r.Completed[0]
					if s.State != ContainerComplete || s.ExitStatus != 143 || s.Diagnostics != "Container killed" {
						t.Errorf("completed %+v", s)
					}
				}
			}
			if len(got) != 2 || len(nm) != 1 {
				t.Fatalf("%d containers, %d NM tokens", len(got), len(nm))
			}
			ct := got[0]
			if ct.ID.Epoch() != 1 || ct.Node.String() != "127.0.0.1:45454" || ct.Token.Kind != "ContainerToken" ||
				ct.Resource.MemoryMB != 128 || ct.ID.String() != "container_e01_1700000000000_0007_02_000002" {
				t.Errorf("container %+v (%s)", ct, ct.ID)
			}
			if nm[0].Token.Kind != token.KindNM || nm[0].Token.Service != "127.0.0.1:45454" {
				t.Errorf("NM token %+v", nm[0])
			}
			// The asks were totals still wanted: 2, then 1.
			if rm.asks[0] != 2 || rm.asks[1] != 1 {
				t.Errorf("asks %v", rm.asks)
			}

			// Token roll: the RM sends the new token in field 12, the
			// server starts accepting it (and refusing the old one for
			// new connections), the AM reconnects; responseId carries on.
			rolled := amrmToken(2)
			rm.mu.Lock()
			rm.rollTo = rolled
			rm.mu.Unlock()
			r, err := c.Allocate(ctx, AllocateRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if r.AMRMToken == nil || string(r.AMRMToken.Password) != string(rolled.Password) {
				t.Fatalf("rolled token %v", r.AMRMToken)
			}
			id, err := token.DecodeAMRMIdentifier(r.AMRMToken.Identifier)
			if err != nil || id.KeyID != 2 {
				t.Errorf("rolled identifier %+v %v", id, err)
			}
			srv.SetTokens(rolled)
			if _, err := Dial(ctx, srv.Addr, old, ""); err == nil {
				t.Error("old token still dials after the roll")
			}
			if err := c.Reconnect(ctx, r.AMRMToken); err != nil {
				t.Fatal(err)
			}
			rm.mu.Lock()
			rm.rollTo = nil
			rm.mu.Unlock()
			before := c.ResponseID()
			if r, err = c.Allocate(ctx, AllocateRequest{}); err != nil || r.ResponseID != before+1 || r.AMRMToken != nil {
				t.Fatalf("allocate after reconnect: %+v %v", r, err)
			}

			FinishInterval = 10 * time.Millisecond
			if err := c.Finish(ctx, StatusSucceeded, "done", ""); err != nil {
				t.Fatal(err)
			}
			if rm.finishCalls != 3 {
				t.Errorf("finish called %d times, want 3 (until isUnregistered)", rm.finishCalls)
			}
			if got := srv.Contexts(); len(got) != 2 || got[1] != Protocol {
				t.Errorf("contexts %v", got)
			}
		})
	}
}

// A broken connection is redialled and the allocate resent with the same
// responseId, which the RM answers by replaying its last response.
func TestAllocateRetriesOnBrokenConnection(t *testing.T) {
	rm := &fakeRM{}
	tok := amrmToken(1)
	srv, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: rm.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := Dial(ctx, srv.Addr, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Register(ctx, "h", 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Allocate(ctx, AllocateRequest{}); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.conn.Close() // as if the RM had dropped us
	c.mu.Unlock()
	r, err := c.Allocate(ctx, AllocateRequest{})
	if err != nil || r.ResponseID != 2 {
		t.Fatalf("allocate after a dropped connection: %+v %v", r, err)
	}
}

// Under RM HA the client follows the active RM: a standby RM's
// StandbyException moves the call to the next address, and a dead RM's
// refused connection is skipped.
func TestFailoverToTheActiveRM(t *testing.T) {
	tok := amrmToken(1)
	standbyHandler := func(string, string, []byte) ([]byte, error) {
		return nil, &ipc.RemoteError{Class: "org.apache.hadoop.ipc.StandbyException", Message: "Operation category READ is not supported in state standby"}
	}
	sb, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: standbyHandler})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	rm := &fakeRM{}
	active, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: rm.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer active.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	c, err := DialHA(ctx, []string{sb.Addr, active.Addr}, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Addr() != sb.Addr {
		t.Fatalf("connected first to %s", c.Addr())
	}
	if _, err := c.Register(ctx, "h", 0, ""); err != nil {
		t.Fatalf("register through a standby RM: %v", err)
	}
	if c.Addr() != active.Addr || !rm.registered {
		t.Fatalf("after failover on %s, registered %v", c.Addr(), rm.registered)
	}
	if _, err := c.Allocate(ctx, AllocateRequest{}); err != nil {
		t.Fatal(err)
	}

	// The first address does not answer at all: the dial skips it.
	dead := "127.0.0.1:1"
	rm2 := &fakeRM{}
	srv2, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: rm2.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	c2, err := DialHA(ctx, []string{dead, srv2.Addr}, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Register(ctx, "h", 0, ""); err != nil || c2.Addr() != srv2.Addr {
		t.Fatalf("register past a dead RM: %v (on %s)", err, c2.Addr())
	}
	// Only standbys: the error says so, after trying each once.
	c3, err := DialHA(ctx, []string{sb.Addr, sb.Addr}, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if _, err := c3.Register(ctx, "h", 0, ""); !ipc.IsRemote(err, "StandbyException") {
		t.Errorf("only standbys: %v", err)
	}
}

// The RM the AM fails over to does not know the attempt: the client
// registers again and heartbeats on from responseId 0.
func TestFailoverRegistersAgain(t *testing.T) {
	tok := amrmToken(1)
	rmA, rmB := &fakeRM{}, &fakeRM{}
	var aStandby atomic.Bool
	a, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: func(m, p string, req []byte) ([]byte, error) {
		if aStandby.Load() {
			return nil, &ipc.RemoteError{Class: "org.apache.hadoop.ipc.StandbyException", Message: "standby"}
		}
		return rmA.handle(m, p, req)
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: rmB.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := DialHA(ctx, []string{a.Addr, b.Addr}, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Register(ctx, "h", 0, ""); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Allocate(ctx, AllocateRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	aStandby.Store(true) // A steps down; B takes over without the registration
	r, err := c.Allocate(ctx, AllocateRequest{})
	if err != nil {
		t.Fatalf("allocate after failover: %v", err)
	}
	if c.Addr() != b.Addr || !rmB.registered || r.ResponseID != 1 {
		t.Errorf("on %s, registered with B %v, responseId %d", c.Addr(), rmB.registered, r.ResponseID)
	}
}

// A later attempt registers and is handed the containers the earlier one
// left running, with their nodes' NM tokens, over the wire as the RM sends
// them.
func TestRegisterReturnsPreviousAttemptsContainers(t *testing.T) {
	node := NodeID{Host: "127.0.0.1", Port: 45454}
	attempt1 := ApplicationAttemptID{App: refAttempt.App, Attempt: 1}
	var prev []Container
	for seq := int64(2); seq <= 3; seq++ {
		prev = append(prev, Container{ID: ContainerID{Attempt: attempt1, ID: seq}, Node: node, NodeHTTPAddress: "127.0.0.1:8042",
			Resource: Resource{MemoryMB: 256, VCores: 1}, Priority: 1,
			Token: &token.Token{Identifier: []byte{byte(seq)}, Password: []byte("pw"), Kind: "ContainerToken", Service: node.String()}})
	}
	rm := &fakeRM{previous: prev, previousNM: []NMToken{{Node: node, Token: &token.Token{Identifier: []byte("nmid"), Password: []byte("nmpw"), Kind: token.KindNM, Service: node.String()}}}}
	tok := amrmToken(1)
	srv, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{tok}, Handler: rm.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, srv.Addr, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg, err := c.Register(ctx, "h", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.ContainersFromPreviousAttempts) != 2 || len(reg.NMTokensFromPreviousAttempts) != 1 {
		t.Fatalf("%d previous containers and %d NM tokens, want 2 and 1", len(reg.ContainersFromPreviousAttempts), len(reg.NMTokensFromPreviousAttempts))
	}
	for i, got := range reg.ContainersFromPreviousAttempts {
		if got.ID != prev[i].ID || got.Node != node || got.Resource != prev[i].Resource || string(got.Token.Identifier) != string(prev[i].Token.Identifier) {
			t.Errorf("container %d: %+v, want %+v", i, got, prev[i])
		}
	}
	if nm := reg.NMTokensFromPreviousAttempts[0]; nm.Node != node || string(nm.Token.Password) != "nmpw" {
		t.Errorf("NM token %+v", nm)
	}
}
