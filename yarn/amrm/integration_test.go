package amrm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/testcluster"
	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/nm"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

// TestTestcluster drives a real secure YARN (testcluster/) through the
// whole AM protocol from outside any container: it submits an application
// whose AM container only hands its token file over (the NodeManager runs
// on this machine), then registers with that AMRMToken, allocates a
// container, starts it on the NodeManager with the NMToken, sees it
// complete and unregisters.
//
//	bash testcluster/run.sh up /tmp/tc-ipc [--rpc-protection privacy]
//	MLCTL_TESTCLUSTER=/tmp/tc-ipc go test -run Testcluster -v ./yarn/amrm/
//
// Without MLCTL_TESTCLUSTER the shared helper starts a secure cluster.
func TestTestcluster(t *testing.T) {
	// The shared helper: the cluster of MLCTL_TESTCLUSTER, or one it starts,
	// or a failure that says how to get one; never a silent skip.
	dir := testcluster.Secure(t).Dir
	raw, err := os.ReadFile(filepath.Join(dir, "cluster.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tc struct {
		Secure        bool   `json:"secure"`
		RMWebapp      string `json:"rm_webapp"`
		RMScheduler   string `json:"rm_scheduler"`
		Krb5Conf      string `json:"krb5_conf"`
		UserKeytab    string `json:"user_keytab"`
		UserPrincipal string `json:"user_principal"`
		User          string `json:"user"`
		RPCProtection string `json:"rpc_protection"`
	}
	if err := json.Unmarshal(raw, &tc); err != nil {
		t.Fatal(err)
	}
	qop, err := sasl.ParseQOP(tc.RPCProtection)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	_ = os.Chmod(work, 0o777)
	curl := []string{"-s", "--max-time", "30"}
	q := ""
	if tc.Secure {
		ccache := "FILE:" + filepath.Join(work, "ccache")
		t.Setenv("KRB5_CONFIG", tc.Krb5Conf)
		t.Setenv("KRB5CCNAME", ccache)
		if out, err := exec.Command("kinit", "-kt", tc.UserKeytab, tc.UserPrincipal).CombinedOutput(); err != nil {
			t.Fatalf("kinit: %v %s", err, out)
		}
		curl = append(curl, "--negotiate", "-u", ":")
	} else {
		q = "&user.name=" + tc.User
	}
	rest := func(args ...string) []byte {
		out, err := exec.Command("curl", append(append([]string{}, curl...), args...)...).Output()
		if err != nil {
			t.Fatalf("curl %v: %v", args, err)
		}
		return out
	}
	var newApp struct {
		ID string `json:"application-id"`
	}
	if err := json.Unmarshal(rest("-X", "POST", tc.RMWebapp+"/ws/v1/cluster/apps/new-application?x=1"+q), &newApp); err != nil || newApp.ID == "" {
		t.Fatalf("new-application: %v", err)
	}
	amCmd := fmt.Sprintf(`cp "$HADOOP_TOKEN_FILE_LOCATION" %[1]s/am.tmp && echo "$CONTAINER_ID" > %[1]s/am.cid && mv %[1]s/am.tmp %[1]s/am.tokens; sleep 300`, work)
	spec, _ := json.Marshal(map[string]any{
		"application-id": newApp.ID, "application-name": "mlctl-amrm-integration", "application-type": "MLCTL-TEST",
		"queue": "default", "max-app-attempts": 1, "resource": map[string]int{"memory": 128, "vCores": 1},
		"am-container-spec": map[string]any{"commands": map[string]string{"command": amCmd}},
	})
	rest("-X", "POST", "-H", "Content-Type: application/json", "-d", string(spec), tc.RMWebapp+"/ws/v1/cluster/apps?x=1"+q)
	t.Cleanup(func() {
		rest("-X", "PUT", "-H", "Content-Type: application/json", "-d", `{"state":"KILLED"}`, tc.RMWebapp+"/ws/v1/cluster/apps/"+newApp.ID+"/state?x=1"+q)
	})

	tokFile := filepath.Join(work, "am.tokens")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(tokFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the AM container never wrote its token file")
		}
		time.Sleep(200 * time.Millisecond)
	}
	creds, err := token.ReadFile(tokFile)
	if err != nil {
		t.Fatal(err)
	}
	_, amTok, ok := creds.FindKind(token.KindAMRM)
	if !ok {
		t.Fatalf("no AMRMToken in %v", creds.Tokens)
	}
	id, err := token.DecodeAMRMIdentifier(amTok.Identifier)
	if err != nil {
		t.Fatal(err)
	}
	cidRaw, _ := os.ReadFile(filepath.Join(work, "am.cid"))
	amCID, err := amrm.ParseContainerID(strings.TrimSpace(string(cidRaw)))
	if err != nil {
		t.Fatal(err)
	}
	if amCID.Attempt.String() != id.Attempt.String() {
		t.Errorf("CONTAINER_ID attempt %s, AMRMToken attempt %s", amCID.Attempt, id.Attempt)
	}
	t.Logf("AMRMToken for %s, key %d; AM container %s", id.Attempt, id.KeyID, amCID)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := amrm.Dial(ctx, tc.RMScheduler, amTok, qop)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t.Logf("scheduler connection negotiated %s", c.QOP())
	reg, err := c.Register(ctx, "127.0.0.1", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("registered: max %+v queue %s", reg.MaximumCapability, reg.Queue)

	nms := nm.NewClient(qop)
	defer nms.Close()
	var worker *amrm.Container
	var done *amrm.ContainerStatus
	var release []amrm.ContainerID
	for i := 0; done == nil && ctx.Err() == nil; i++ {
		want := int32(1)
		if worker != nil {
			want = 0
		}
		r, err := c.Allocate(ctx, amrm.AllocateRequest{Asks: []amrm.ResourceRequest{amrm.Ask(1, amrm.Resource{MemoryMB: 128, VCores: 1}, want)}, Releases: release, Progress: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		nms.AddNMTokens(r.NMTokens...)
		release = nil
		for _, ct := range r.Allocated {
			if worker != nil {
				// The ask is a total of what is still wanted: an ask
				// resent before the RM's grant arrives can win a second
				// container. Give it back.
				t.Logf("extra container %s: releasing", ct.ID)
				release = append(release, ct.ID)
				continue
			}
			ct := ct
			worker = &ct
			t.Logf("allocated %s on %s", ct.ID, ct.Node)
			res, err := nms.StartContainers(ctx, ct.Node, nm.StartRequest{Container: ct, Launch: nm.LaunchContext{
				Tokens:      nm.WorkerTokens(creds),
				Environment: map[string]string{"MLCTL_TEST": "worker-ok"},
				Commands:    []string{"echo $MLCTL_TEST > " + work + "/worker.out"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Succeeded) != 1 || len(res.Failed) != 0 {
				t.Fatalf("start: %+v", res)
			}
			if sts, _, err := nms.GetContainerStatuses(ctx, ct.Node, ct.ID); err != nil {
				t.Errorf("statuses: %v", err)
			} else {
				t.Logf("NM says %+v", sts)
			}
		}
		for _, s := range r.Completed {
			if worker != nil && s.ID == worker.ID {
				s := s
				done = &s
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	if done == nil {
		t.Fatal("the worker never completed")
	}
	if done.ExitStatus != 0 {
		t.Errorf("worker exit %d: %s", done.ExitStatus, done.Diagnostics)
	}
	if out, _ := os.ReadFile(filepath.Join(work, "worker.out")); strings.TrimSpace(string(out)) != "worker-ok" {
		t.Errorf("worker wrote %q", out)
	}
	if err := c.Finish(ctx, amrm.StatusSucceeded, "integration test", ""); err != nil {
		t.Fatal(err)
	}
	var st struct {
		App struct {
			State       string `json:"state"`
			FinalStatus string `json:"finalStatus"`
		} `json:"app"`
	}
	_ = json.Unmarshal(rest(tc.RMWebapp+"/ws/v1/cluster/apps/"+newApp.ID+"?x=1"+q), &st)
	if st.App.State != "FINISHED" || st.App.FinalStatus != "SUCCEEDED" {
		t.Errorf("app %s ended %s/%s", newApp.ID, st.App.State, st.App.FinalStatus)
	}
}

// TestMain stops a test cluster the helper started for this package.
func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }
