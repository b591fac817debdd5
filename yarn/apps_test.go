package yarn

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAppsDecode(t *testing.T) {
	f := newFakeRM(t)
	f.fixture("POST /ws/v1/cluster/apps/new-application", "new.json")
	f.fixture("GET /ws/v1/cluster/apps/application_1795447025645_0002", "app.json")
	f.fixture("GET /ws/v1/cluster/apps", "apps.json")
	f.fixture("GET /ws/v1/cluster/apps/application_1795447025645_0002/appattempts", "attempts.json")
	f.fixture("GET /ws/v1/cluster/apps/application_1795447025645_0002/appattempts/appattempt_1795447025645_0002_000001/containers", "containers.json")
	c := newTestClient(t, f.srv.URL)
	ctx := context.Background()

	n, err := c.Apps().New(ctx)
	if err != nil || n.ID != "application_1795447025645_0001" || n.MaxResource != (Resource{4096, 4}) {
		t.Fatalf("New = %+v, %v", n, err)
	}
	a, err := c.Apps().Get(ctx, "application_1795447025645_0002")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != StateAccepted || a.Queue != "root.default" || a.User != "alice" || a.Type != "MLCTL" ||
		a.Allocated != (Resource{256, 1}) || a.Started.UnixMilli() != 1795447056686 || !a.Finished.IsZero() {
		t.Errorf("app = %+v", a)
	}
	if a.Lifetime == nil || a.Lifetime.Expiry.Format(TimeFormat) != "2027-11-23T14:29:19.000+0000" {
		t.Errorf("lifetime = %+v", a.Lifetime)
	}
	apps, err := c.Apps().List(ctx, ListOptions{User: "alice", Tags: []string{"mlctl", "x"}, States: []string{StateRunning, StateAccepted}, Queue: "default", Limit: 5})
	if err != nil || len(apps) != 2 || apps[1].ID != "application_1795447025645_0009" {
		t.Fatalf("List = %v, %v", apps, err)
	}
	q := f.reqs[len(f.reqs)-1].URL.Query()
	want := map[string]string{"user": "alice", "applicationTags": "mlctl,x", "states": "RUNNING,ACCEPTED", "queue": "default", "limit": "5", "user.name": "alice"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("query %s = %q, want %q", k, q.Get(k), v)
		}
	}
	at, err := c.Apps().Attempts(ctx, "application_1795447025645_0002")
	if err != nil || len(at) != 1 || at[0].ID != "appattempt_1795447025645_0002_000001" || at[0].State != "LAUNCHED" || at[0].Number != 1 {
		t.Fatalf("Attempts = %+v, %v", at, err)
	}
	cs, err := c.Apps().Containers(ctx, "application_1795447025645_0002", at[0].ID)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Containers = %+v, %v", cs, err)
	}
	if cs[0].ID != "container_1795447025645_0002_01_000001" || cs[0].Allocated != (Resource{256, 1}) || cs[0].State != "RUNNING" || cs[0].NodeID != "localhost:36543" {
		t.Errorf("container = %+v", cs[0])
	}
}

func TestListEmpty(t *testing.T) {
	for _, body := range []string{`{"apps":{}}`, `{"apps":null}`} {
		f := newFakeRM(t)
		f.json("GET /ws/v1/cluster/apps", 200, body)
		apps, err := newTestClient(t, f.srv.URL).Apps().List(context.Background(), ListOptions{})
		if err != nil || len(apps) != 0 {
			t.Errorf("%s: %v, %v", body, apps, err)
		}
	}
}

func TestContainersArray(t *testing.T) {
	f := newFakeRM(t)
	f.json("GET /ws/v1/cluster/apps/a/appattempts/b/containers", 200,
		`{"container":[{"containerId":"c1","allocatedMB":"128","containerExitStatus":"-100"},{"containerId":"c2","allocatedMB":256}]}`)
	cs, err := newTestClient(t, f.srv.URL).Apps().Containers(context.Background(), "a", "b")
	if err != nil || len(cs) != 2 || cs[0].ExitStatus != -100 || cs[1].Allocated.MemoryMB != 256 {
		t.Errorf("%+v, %v", cs, err)
	}
}

func TestSubmitBody(t *testing.T) {
	f := newFakeRM(t)
	f.json("POST /ws/v1/cluster/apps", http.StatusAccepted, "")
	c := newTestClient(t, f.srv.URL)
	err := c.Apps().Submit(context.Background(), &SubmitRequest{
		ID: "application_1_0001", Name: "ml", Type: "MLCTL", Queue: "default", Priority: 2, MaxAppAttempts: 1,
		Tags: []string{"mlctl", "profile-small"}, KeepContainers: true, AttemptFailuresValidity: time.Hour, AMResource: Resource{512, 1},
		AM: ContainerSpec{
			LocalResources: map[string]LocalResource{"mlctl": {URL: "hdfs://nn:8020/u/mlctl", Size: 10, Timestamp: 1700000000123}},
			Environment:    map[string]string{"B": "2", "A": "1"},
			Commands:       []string{"./mlctl engine am 1><LOG_DIR>/stdout"},
			Tokens:         map[string]string{"hdfs-dt": "SAAA"},
			Secrets:        map[string][]byte{"k": {0xfb, 0xff}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	json.Unmarshal(f.body("POST /ws/v1/cluster/apps"), &got)
	json.Unmarshal([]byte(`{
	  "application-id":"application_1_0001","application-name":"ml","application-type":"MLCTL","queue":"default",
	  "priority":2,"max-app-attempts":1,"application-tags":{"tag":["mlctl","profile-small"]},
	  "keep-containers-across-application-attempts":true,"attempt-failures-validity-interval":3600000,
	  "resource":{"memory":512,"vCores":1},
	  "am-container-spec":{
	    "local-resources":{"entry":[{"key":"mlctl","value":{"resource":"hdfs://nn:8020/u/mlctl","type":"FILE","visibility":"APPLICATION","size":10,"timestamp":1700000000123}}]},
	    "environment":{"entry":[{"key":"A","value":"1"},{"key":"B","value":"2"}]},
	    "commands":{"command":["./mlctl engine am 1><LOG_DIR>/stdout"]},
	    "credentials":{"tokens":{"entry":[{"key":"hdfs-dt","value":"SAAA"}]},"secrets":{"entry":[{"key":"k","value":"-_8="}]}}}}`), &want)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("body:\n%s", g)
	}
	if err := c.Apps().Submit(context.Background(), &SubmitRequest{}); err == nil {
		t.Error("submit without an id succeeded")
	}
}

func TestSetLifetimeRetries503(t *testing.T) {
	f := newFakeRM(t)
	key := "PUT /ws/v1/cluster/apps/app1/timeout"
	f.on(key, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if f.count(key) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"RemoteException":{"exception":"WebApplicationException","message":"app is NEW","javaClassName":"javax.ws.rs.WebApplicationException"}}`))
			return
		}
		w.Write([]byte(`{"timeout":{"type":"LIFETIME","expiryTime":"2026-11-23T14:29:19.000+0000","remainingTimeInSeconds":3600}}`))
	})
	c := newTestClient(t, f.srv.URL)
	expiry := time.Date(2026, 11, 23, 14, 29, 19, 0, time.UTC)
	to, err := c.Apps().SetLifetime(context.Background(), "app1", expiry)
	if err != nil || !to.Expiry.Equal(expiry) || to.Remaining != time.Hour || f.count(key) != 3 {
		t.Fatalf("SetLifetime = %+v, %v after %d calls", to, err, f.count(key))
	}
	if b := string(f.body(key)); b != `{"timeout":{"type":"LIFETIME","expiryTime":"2026-11-23T14:29:19.000+0000"}}` {
		t.Errorf("body %s", b)
	}
	f.json(key, http.StatusServiceUnavailable, `{}`)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Apps().SetLifetime(ctx, "app1", expiry); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("always 503: %v", err)
	}
	f.json(key, http.StatusBadRequest, `{"RemoteException":{"exception":"BadRequestException","message":"bad","javaClassName":"x"}}`)
	if _, err := c.Apps().SetLifetime(context.Background(), "app1", expiry); err == nil || !strings.Contains(err.Error(), "BadRequestException") {
		t.Errorf("400 is not retried: %v", err)
	}
}

func TestKillWaits(t *testing.T) {
	f := newFakeRM(t)
	f.json("PUT /ws/v1/cluster/apps/app1/state", http.StatusAccepted, `{"state":"ACCEPTED"}`)
	states := []string{"KILLING", "KILLING", "KILLED"}
	f.on("GET /ws/v1/cluster/apps/app1/state", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		n := f.count("GET /ws/v1/cluster/apps/app1/state") - 1
		w.Write([]byte(`{"state":"` + states[min(n, 2)] + `"}`))
	})
	c := newTestClient(t, f.srv.URL)
	st, err := c.Apps().Kill(context.Background(), "app1")
	if err != nil || st != StateKilled {
		t.Fatalf("Kill = %q, %v", st, err)
	}
	if b := string(f.body("PUT /ws/v1/cluster/apps/app1/state")); b != `{"state":"KILLED"}` {
		t.Errorf("kill body %s", b)
	}
	_, err = c.Apps().Kill(context.Background(), "missing")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("kill of a missing app: %v", err)
	}
}
