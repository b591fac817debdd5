package nm

import (
	"context"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlctl/mlctl/yarn/internal/reftest"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/ipc/ipctest"
	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

func refVectors(t testing.TB) map[string]string { return reftest.Vectors(t) }

func TestStartRequestMatchesHadoop(t *testing.T) {
	lr, err := FileResource("hdfs://127.0.0.1:8020/user/alice/.mlctl/mlctl", 5000000, 1700000000123)
	if err != nil {
		t.Fatal(err)
	}
	req := StartRequest{
		Container: amrm.Container{Token: &token.Token{Identifier: []byte("cid"), Password: []byte("cpw"), Kind: "ContainerToken", Service: "127.0.0.1:45454"}},
		Launch: LaunchContext{
			LocalResources: map[string]LocalResource{"mlctl": lr},
			Tokens:         []byte("HDTS"),
			Environment:    map[string]string{"A": "b"},
			Commands:       []string{"./mlctl engine node 1>out 2>err"},
		},
	}
	got, err := encodeStart([]StartRequest{req})
	if err != nil {
		t.Fatal(err)
	}
	if want := refVectors(t)["nm.start"]; hex.EncodeToString(got) != want {
		t.Errorf("StartContainersRequestProto\n got %x\nwant %s", got, want)
	}
	if _, err := FileResource("relative/path", 1, 1); err == nil {
		t.Error("URL without scheme accepted")
	}
}

func TestWorkerTokensDropAMRM(t *testing.T) {
	c := token.NewCredentials()
	c.Tokens[""] = &token.Token{Kind: token.KindAMRM}
	c.Tokens["hdfs"] = &token.Token{Kind: token.KindHDFS, Service: "127.0.0.1:8020"}
	back, err := token.ParseHDTS(WorkerTokens(c))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Tokens) != 1 || back.Tokens["hdfs"] == nil {
		t.Errorf("worker tokens %+v", back.Tokens)
	}
}

var attempt = amrm.ApplicationAttemptID{App: amrm.ApplicationID{ClusterTimestamp: 1700000000000, ID: 7}, Attempt: 1}

// fakeNM starts containers whose token identifier is their container
// number, reports them RUNNING, and refuses to stop unknown ones.
type fakeNM struct {
	mu      sync.Mutex
	running map[int64]bool
	lastCLC []byte
}

func exceptionFor(id []byte, class, msg string) []byte {
	var exc []byte
	exc = pb.AppendString(exc, fSerMessage, msg)
	exc = pb.AppendString(exc, fSerClass, class)
	return pb.AppendMsg(pb.AppendMsg(nil, fExcContainer, id), fExcException, exc)
}

func (f *fakeNM) handle(method, protocol string, req []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var resp []byte
	switch method {
	case "startContainers":
		err := pb.Walk(req, func(_ protowire.Number, _ protowire.Type, one []byte, _ uint64) error {
			return pb.Walk(one, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
				if num == fStartCLC {
					f.lastCLC = append([]byte{}, v...)
					return nil
				}
				tok, err := token.UnmarshalProto(v)
				if err != nil {
					return err
				}
				n := int64(tok.Identifier[0])
				f.running[n] = true
				resp = pb.AppendMsg(resp, fStartRespSucceeded, amrm.AppendContainerID(nil, amrm.ContainerID{Attempt: attempt, ID: n}))
				return nil
			})
		})
		return resp, err
	case "getContainerStatuses", "stopContainers":
		err := pb.Walk(req, func(_ protowire.Number, _ protowire.Type, v []byte, _ uint64) error {
			id, err := amrm.DecodeContainerID(v)
			if err != nil {
				return err
			}
			if !f.running[id.ID] {
				resp = pb.AppendMsg(resp, 2, exceptionFor(v, "org.apache.hadoop.yarn.exceptions.YarnException", "Container "+id.String()+" is not handled by this NodeManager"))
				return nil
			}
			if method == "stopContainers" {
				delete(f.running, id.ID)
				resp = pb.AppendMsg(resp, fStopRespSucceeded, v)
				return nil
			}
			st := pb.AppendMsg(nil, 1, v)
			st = pb.AppendVarint(st, 2, uint64(amrm.ContainerRunning))
			st = pb.AppendString(st, 3, "")
			resp = pb.AppendMsg(resp, fStatusRespStatus, st)
			return nil
		})
		return resp, err
	}
	return nil, &ipc.RemoteError{Class: "org.apache.hadoop.ipc.RpcNoSuchMethodException", Message: method}
}

func TestContainersOnFakeNM(t *testing.T) {
	nmTok := &token.Token{Identifier: []byte("nm-identifier"), Password: []byte("nm-password"), Kind: token.KindNM}
	fake := &fakeNM{running: map[int64]bool{}}
	srv, err := ipctest.Start(ipctest.Options{Tokens: []*token.Token{nmTok}, QOPs: []sasl.QOP{sasl.QOPPrivacy}, Handler: fake.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	host, port, _ := strings.Cut(srv.Addr, ":")
	var p int32
	for _, ch := range port {
		p = p*10 + int32(ch-'0')
	}
	node := amrm.NodeID{Host: host, Port: p}
	nmTok.Service = node.String()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := NewClient(sasl.QOPPrivacy)
	defer c.Close()
	if _, err := c.StartContainers(ctx, node); err == nil || !strings.Contains(err.Error(), "no NMToken") {
		t.Errorf("start without an NM token: %v", err)
	}
	c.AddNMTokens(amrm.NMToken{Node: node, Token: nmTok})

	mk := func(n int64) StartRequest {
		return StartRequest{
			Container: amrm.Container{ID: amrm.ContainerID{Attempt: attempt, ID: n}, Node: node,
				Token: &token.Token{Identifier: []byte{byte(n)}, Password: []byte("x"), Kind: "ContainerToken", Service: node.String()}},
			Launch: LaunchContext{Commands: []string{"true"}, Environment: map[string]string{"N": "1"}},
		}
	}
	res, err := c.StartContainers(ctx, node, mk(2), mk(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Succeeded) != 2 || res.Succeeded[1].ID != 3 || len(res.Failed) != 0 {
		t.Fatalf("start result %+v", res)
	}
	if !strings.Contains(string(fake.lastCLC), "true") {
		t.Errorf("launch context not passed: %q", fake.lastCLC)
	}
	sts, failed, err := c.GetContainerStatuses(ctx, node, amrm.ContainerID{Attempt: attempt, ID: 2}, amrm.ContainerID{Attempt: attempt, ID: 9})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 1 || sts[0].State != amrm.ContainerRunning || sts[0].ID.ID != 2 || sts[0].ExitStatus != -1000 {
		t.Errorf("statuses %+v", sts)
	}
	if len(failed) != 1 || failed[0].ID.ID != 9 || !strings.Contains(failed[0].Error(), "YarnException") {
		t.Errorf("failed %+v", failed)
	}
	res, err = c.StopContainers(ctx, node, amrm.ContainerID{Attempt: attempt, ID: 3})
	if err != nil || len(res.Succeeded) != 1 {
		t.Fatalf("stop %+v %v", res, err)
	}
	// Three calls, one connection (the NMToken is used once per node).
	if n := len(srv.Contexts()); n != 1 {
		t.Errorf("%d connections to one NM", n)
	}
	if q := srv.QOPs(); len(q) != 1 || q[0] != sasl.QOPPrivacy {
		t.Errorf("qops %v", q)
	}
	// A connection found broken is replaced.
	c.mu.Lock()
	c.conns[node.String()].Close()
	c.mu.Unlock()
	if _, _, err := c.GetContainerStatuses(ctx, node, amrm.ContainerID{Attempt: attempt, ID: 2}); err != nil {
		t.Fatalf("after a broken connection: %v", err)
	}
	if n := len(srv.Contexts()); n != 2 {
		t.Errorf("%d connections after redial", n)
	}
}

func FuzzDecodeNMResponses(f *testing.F) {
	id := amrm.AppendContainerID(nil, amrm.ContainerID{Attempt: attempt, ID: 2})
	f.Add(pb.AppendMsg(pb.AppendMsg(nil, 2, id), 3, exceptionFor(id, "c", "m")))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeResult(b, fStartRespSucceeded, fStartRespFailed)
		_, _ = decodeResult(b, fStopRespSucceeded, fStopRespFailed)
		_, _ = decodeContainerError(b)
	})
}
