package yarn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/hadoopconf"
	"github.com/mlctl/mlctl/internal/krb"
)

func realClient(t *testing.T) (*Client, *hadoopconf.Conf, *testClusterInfo) {
	t.Helper()
	tc := testCluster(t)
	conf, err := hadoopconf.Load(tc.ConfDir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess, err := krb.Login(ctx, krb.Options{Krb5Conf: tc.Krb5Conf, Keytab: tc.UserKeytab, Principal: tc.UserPrincipal})
	if err != nil {
		t.Fatalf("login: %v (%s)", err, errs.Hint(err))
	}
	c, err := NewFromConf(conf, sess, "")
	if err != nil {
		t.Fatal(err)
	}
	return c, conf, tc
}

// The test cluster's own site files, read by hadoopconf, must point where
// the harness says its services are.
func TestRealHadoopConf(t *testing.T) {
	_, conf, tc := realClient(t)
	rms, err := conf.RMWebAddresses()
	if err != nil || len(rms) != 1 || rms[0].URL != tc.RMWebapp {
		t.Errorf("RMWebAddresses = %+v, %v; harness says %s", rms, err, tc.RMWebapp)
	}
	if a, err := conf.RMSchedulerAddress(); err != nil || a != tc.RMScheduler {
		t.Errorf("RMSchedulerAddress = %q, %v; harness says %s", a, err, tc.RMScheduler)
	}
	if p := conf.RMPrincipal(rms[0].Addr); p != tc.RMPrincipal {
		t.Errorf("RMPrincipal = %q, harness says %q", p, tc.RMPrincipal)
	}
	if !conf.SecurityEnabled() || conf.DefaultFS() != tc.FSDefaultFS {
		t.Errorf("SecurityEnabled %v, DefaultFS %q", conf.SecurityEnabled(), conf.DefaultFS())
	}
	nns, err := conf.NameNodes("")
	if err != nil || len(nns) != 1 || nns[0].RPCAddress != tc.NameNodeRPC || nns[0].HTTPURL != tc.WebHDFS {
		t.Errorf("NameNodes = %+v, %v; harness says %s and %s", nns, err, tc.NameNodeRPC, tc.WebHDFS)
	}
}

func TestRealClusterAndScheduler(t *testing.T) {
	c, _, _ := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	info, err := c.Cluster().Info(ctx)
	if err != nil || info.HAState != "ACTIVE" || info.HadoopVersion == "" {
		t.Fatalf("Info over SPNEGO = %+v, %v", info, err)
	}
	m, err := c.Cluster().Metrics(ctx)
	if err != nil || m.ActiveNodes < 1 || m.TotalMB <= 0 {
		t.Fatalf("Metrics = %+v, %v", m, err)
	}
	s, err := c.Scheduler().Info(ctx)
	if err != nil || s.Type != CapacityScheduler || s.Queue("default") == nil || !s.Queue("default").Leaf {
		t.Fatalf("Scheduler = %+v, %v", s, err)
	}
	if _, err := c.Apps().Get(ctx, "application_1_0001"); !errors.Is(err, fs.ErrNotExist) || errs.Code(err) != errs.NotFound {
		t.Errorf("missing app: %v", err)
	}
}

func TestRealAppLifecycle(t *testing.T) {
	c, _, _ := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n, err := c.Apps().New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n.MaxResource.MemoryMB <= 0 {
		t.Errorf("maximum-resource-capability = %+v", n.MaxResource)
	}
	tag := fmt.Sprintf("it-%d", time.Now().UnixNano())
	err = c.Apps().Submit(ctx, &SubmitRequest{ID: n.ID, Name: "mlctl-yarn-it", Type: "MLCTL", Queue: "default",
		MaxAppAttempts: 1, Tags: []string{"mlctl", tag}, AMResource: Resource{128, 1},
		AM: ContainerSpec{Commands: []string{"sleep 600"}, Environment: map[string]string{"MLCTL_IT": "1"}}})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	t.Cleanup(func() { c.Apps().Kill(context.Background(), n.ID) })
	expiry := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	to, err := c.Apps().SetLifetime(ctx, n.ID, expiry)
	if err != nil || !to.Expiry.Equal(expiry) {
		t.Fatalf("SetLifetime = %+v, %v", to, err)
	}
	a, err := c.Apps().Get(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.Tags, tag) || a.Type != "MLCTL" || a.Lifetime == nil || !a.Lifetime.Expiry.Equal(expiry) {
		t.Errorf("app = %+v (lifetime %+v)", a, a.Lifetime)
	}
	apps, err := c.Apps().List(ctx, ListOptions{Tags: []string{tag}})
	if err != nil || len(apps) != 1 || apps[0].ID != n.ID {
		t.Errorf("List by tag = %v, %v", apps, err)
	}
	// Attempts and containers appear once the AM container is allocated.
	var attempts []Attempt
	for i := 0; i < 50 && len(attempts) == 0; i++ {
		attempts, err = c.Apps().Attempts(ctx, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(attempts) == 1 {
		if _, err := c.Apps().Containers(ctx, n.ID, attempts[0].ID); err != nil {
			t.Errorf("Containers: %v", err)
		}
	} else {
		t.Errorf("attempts = %+v", attempts)
	}
	st, err := c.Apps().Kill(ctx, n.ID)
	if err != nil || st != StateKilled {
		t.Fatalf("Kill = %q, %v", st, err)
	}
}

func TestRealKillBeforeStart(t *testing.T) {
	c, _, _ := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := c.Apps().New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apps().Submit(ctx, &SubmitRequest{ID: n.ID, Name: "mlctl-kill-early", AMResource: Resource{128, 1},
		AM: ContainerSpec{Commands: []string{"sleep 600"}}}); err != nil {
		t.Fatal(err)
	}
	st, err := c.Apps().Kill(ctx, n.ID)
	if err != nil || st != StateKilled {
		t.Fatalf("Kill right after submit = %q, %v", st, err)
	}
	a, err := c.Apps().Get(ctx, n.ID)
	if err != nil || a.State != StateKilled || a.FinalStatus != "KILLED" {
		t.Errorf("after kill: %+v, %v", a, err)
	}
}

func TestRealPreflight(t *testing.T) {
	c, conf, _ := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	maxMB, _ := conf.GetInt("yarn.scheduler.maximum-allocation-mb", 8192)
	err := c.Preflight(ctx, Request{Nodes: 2, MemoryMB: maxMB + 1024, VCores: 1, AM: Resource{256, 1}})
	var pe *PreflightError
	if !errors.As(err, &pe) || pe.Limit != LimitMaxAllocationMB || pe.Allowed != maxMB {
		t.Fatalf("over the max allocation: %v", err)
	}
	t.Logf("%v — hint: %s", err, errs.Hint(err))
	if err := c.Preflight(ctx, Request{Queue: "no-such-queue", Nodes: 1, MemoryMB: 128}); !errors.As(err, &pe) || pe.Limit != LimitUnknownQueue {
		t.Errorf("unknown queue: %v", err)
	}
	if err := c.Preflight(ctx, Request{Nodes: 1, MemoryMB: 256, VCores: 1, AM: Resource{128, 1}, AllowWait: true}); err != nil {
		t.Errorf("a small request was refused: %v", err)
	}
}

func TestRealNoKerberos(t *testing.T) {
	_, _, tc := realClient(t)
	c, err := New(Config{Addresses: []string{tc.RMWebapp}, User: tc.User})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Apps().New(context.Background())
	if errs.Code(err) != errs.Auth {
		t.Errorf("no SPNEGO: err = %v (code %d), want exit code 4", err, errs.Code(err))
	}
	t.Logf("%v — hint: %s", err, errs.Hint(err))
}
