package yarn

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/internal/hadoopconf"
)

func TestRemoteErrors(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		body     string
		is       error
		code     int
		contains string
	}{
		{"not found", 404, `{"RemoteException":{"exception":"NotFoundException","message":"java.lang.Exception: app with id: application_1_0001 not found","javaClassName":"org.apache.hadoop.yarn.webapp.NotFoundException"}}`,
			fs.ErrNotExist, errs.NotFound, "NotFoundException: app with id: application_1_0001 not found (HTTP 404)"},
		{"forbidden acl", 403, `{"RemoteException":{"exception":"ForbiddenException","message":"User bob cannot perform operation MODIFY_APP on application_1_0001","javaClassName":"org.apache.hadoop.yarn.webapp.ForbiddenException"}}`,
			fs.ErrPermission, errs.Error, "User bob cannot perform"},
		{"access control 500", 500, `{"RemoteException":{"exception":"AccessControlException","message":"org.apache.hadoop.security.AccessControlException: User alice does not have permission to submit to queue x","javaClassName":"org.apache.hadoop.security.AccessControlException"}}`,
			fs.ErrPermission, errs.Error, "AccessControlException: User alice does not have permission"},
		{"static user", 403, `{"RemoteException":{"exception":"ForbiddenException","message":"java.lang.Exception: The default static user cannot carry out this operation.","javaClassName":"org.apache.hadoop.yarn.webapp.ForbiddenException"}}`,
			fs.ErrPermission, errs.Auth, "default static user"},
		{"unauthorized html", 401, "<html><body><h2>HTTP ERROR 401 Authentication required</h2></body></html>",
			nil, errs.Auth, "Authentication required"},
		{"bad request", 400, `{"RemoteException":{"exception":"BadRequestException","message":"java.lang.Exception: Invalid application-id","javaClassName":"org.apache.hadoop.yarn.webapp.BadRequestException"}}`,
			nil, errs.Error, "BadRequestException: Invalid application-id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeRM(t)
			f.json("GET /ws/v1/cluster/apps/x", tc.status, tc.body)
			_, err := newTestClient(t, f.srv.URL).Apps().Get(context.Background(), "x")
			var re *RemoteError
			if !errors.As(err, &re) || re.StatusCode != tc.status || string(re.Body) != tc.body {
				t.Fatalf("err = %v, want a *RemoteError with status %d and the raw body", err, tc.status)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v) false", tc.is)
			}
			if errs.Code(err) != tc.code {
				t.Errorf("code = %d, want %d", errs.Code(err), tc.code)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("%q lacks %q", err, tc.contains)
			}
		})
	}
}

func TestHAFollowsStandbyRedirect(t *testing.T) {
	active := newFakeRM(t)
	active.fixture("GET /ws/v1/cluster/metrics", "metrics.json")
	standby := newFakeRM(t)
	standby.on("GET /ws/v1/cluster/metrics", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		// What RMWebAppFilter sends on a standby that knows the active RM.
		w.Header().Set("Location", active.srv.URL+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
		io.WriteString(w, "This is standby RM. The redirect url is: "+active.srv.URL+r.URL.RequestURI())
	})
	c := newTestClient(t, standby.srv.URL, active.srv.URL)
	for i := 0; i < 2; i++ {
		m, err := c.Cluster().Metrics(context.Background())
		if err != nil || m.TotalMB != 4096 || m.ActiveNodes != 1 {
			t.Fatalf("Metrics = %+v, %v", m, err)
		}
	}
	if standby.count("GET /ws/v1/cluster/metrics") != 1 || active.count("GET /ws/v1/cluster/metrics") != 2 {
		t.Errorf("standby hit %d times, active %d: the active RM was not remembered",
			standby.count("GET /ws/v1/cluster/metrics"), active.count("GET /ws/v1/cluster/metrics"))
	}
	if c.ActiveAddress() != active.srv.URL {
		t.Errorf("ActiveAddress = %s", c.ActiveAddress())
	}
}

func TestHARedirectToUnlistedHostAndBody(t *testing.T) {
	active := newFakeRM(t)
	active.json("POST /ws/v1/cluster/apps", http.StatusAccepted, "")
	standby := newFakeRM(t)
	standby.on("POST /ws/v1/cluster/apps", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Location", active.srv.URL+"/ws/v1/cluster/apps")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	c := newTestClient(t, standby.srv.URL) // the active RM is not configured
	if err := c.Apps().Submit(context.Background(), &SubmitRequest{ID: "application_1_0001"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(active.body("POST /ws/v1/cluster/apps")), `"application-id":"application_1_0001"`) {
		t.Errorf("the body did not follow the redirect: %s", active.body("POST /ws/v1/cluster/apps"))
	}
}

func TestHASkipsDeadAndLeaderlessRMs(t *testing.T) {
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	leaderless := newFakeRM(t)
	leaderless.on("GET /ws/v1/cluster/info", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Refresh", "3;url=/ws/v1/cluster/info?next.refresh.interval=1")
		w.WriteHeader(http.StatusTemporaryRedirect)
		io.WriteString(w, "Can not find any active RM. Will retry in next 3 seconds.")
	})
	plainStandby := newFakeRM(t)
	plainStandby.json("GET /ws/v1/cluster/info", 200, "This is standby RM. Can not find any active RM.")
	active := newFakeRM(t)
	active.fixture("GET /ws/v1/cluster/info", "info.json")
	c := newTestClient(t, deadURL, leaderless.srv.URL, plainStandby.srv.URL, active.srv.URL)
	info, err := c.Cluster().Info(context.Background())
	if err != nil || info.HAState != "ACTIVE" || info.HadoopVersion != "3.4.1" {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	c2 := newTestClient(t, deadURL, leaderless.srv.URL)
	_, err = c2.Cluster().Info(context.Background())
	var na *NoActiveRMError
	if !errors.As(err, &na) || len(na.Tried) != 2 || !strings.Contains(err.Error(), "standby") {
		t.Errorf("no active RM: %v", err)
	}
}

func TestNewFromConf(t *testing.T) {
	conf := hadoopconf.New()
	conf.Set("yarn.resourcemanager.ha.enabled", "true")
	conf.Set("yarn.resourcemanager.ha.rm-ids", "rm1,rm2")
	conf.Set("yarn.resourcemanager.webapp.address.rm1", "a:8088")
	conf.Set("yarn.resourcemanager.webapp.address.rm2", "b:8088")
	c, err := NewFromConf(conf, nil, "alice")
	if err != nil || len(c.rms) != 2 || c.ActiveAddress() != "http://a:8088" {
		t.Fatalf("%v, %v", c, err)
	}
	conf.Set("hadoop.security.authentication", "kerberos")
	if _, err := NewFromConf(conf, nil, "alice"); err == nil {
		t.Error("a Kerberos cluster without a session was accepted")
	}
	if _, err := New(Config{Addresses: []string{"rm:8088"}}); err == nil {
		t.Error("an address without a scheme was accepted")
	}
}
