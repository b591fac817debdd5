package hadoopconf

import (
	"reflect"
	"strings"
	"testing"
)

func conf(kv ...string) *Conf {
	c := New()
	for i := 0; i+1 < len(kv); i += 2 {
		c.Set(kv[i], kv[i+1])
	}
	return c
}

func TestRMWebAddresses(t *testing.T) {
	host := localHostname()
	cases := []struct {
		name string
		c    *Conf
		want []RMAddress
		err  string
	}{
		{"explicit", conf("yarn.resourcemanager.webapp.address", "rm:18088"),
			[]RMAddress{{Addr: "rm:18088", URL: "http://rm:18088"}}, ""},
		{"hostname default port", conf("yarn.resourcemanager.hostname", "rm"),
			[]RMAddress{{Addr: "rm:8088", URL: "http://rm:8088"}}, ""},
		{"expanded", conf("yarn.resourcemanager.hostname", "rm", "yarn.resourcemanager.webapp.address", "${yarn.resourcemanager.hostname}:1"),
			[]RMAddress{{Addr: "rm:1", URL: "http://rm:1"}}, ""},
		{"wildcard uses hostname", conf("yarn.resourcemanager.hostname", "rm", "yarn.resourcemanager.webapp.address", "0.0.0.0:8088"),
			[]RMAddress{{Addr: "rm:8088", URL: "http://rm:8088"}}, ""},
		{"nothing set", conf(), []RMAddress{{Addr: host + ":8088", URL: "http://" + host + ":8088"}}, ""},
		{"https", conf("yarn.http.policy", "HTTPS_ONLY", "yarn.resourcemanager.hostname", "rm", "yarn.resourcemanager.webapp.address", "rm:1"),
			[]RMAddress{{Addr: "rm:8090", URL: "https://rm:8090"}}, ""},
		{"ha", conf("yarn.resourcemanager.ha.enabled", "true", "yarn.resourcemanager.ha.rm-ids", "rm1, rm2",
			"yarn.resourcemanager.webapp.address.rm1", "a:8088", "yarn.resourcemanager.hostname.rm2", "b"),
			[]RMAddress{{ID: "rm1", Addr: "a:8088", URL: "http://a:8088"}, {ID: "rm2", Addr: "b:8088", URL: "http://b:8088"}}, ""},
		{"ha https", conf("yarn.resourcemanager.ha.enabled", "true", "yarn.resourcemanager.ha.rm-ids", "rm1",
			"yarn.http.policy", "HTTPS_ONLY", "yarn.resourcemanager.webapp.https.address.rm1", "a:9"),
			[]RMAddress{{ID: "rm1", Addr: "a:9", URL: "https://a:9"}}, ""},
		{"ha no ids", conf("yarn.resourcemanager.ha.enabled", "true"), nil, "rm-ids is empty"},
		{"ha id unknown", conf("yarn.resourcemanager.ha.enabled", "true", "yarn.resourcemanager.ha.rm-ids", "rm1"), nil, "rm1 has neither"},
		{"bad port", conf("yarn.resourcemanager.webapp.address", "rm:http"), nil, "bad port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.c.RMWebAddresses()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRMScheduler(t *testing.T) {
	c := conf("yarn.resourcemanager.hostname", "rm")
	if a, err := c.RMSchedulerAddress(); err != nil || a != "rm:8030" {
		t.Errorf("default scheduler = %q, %v", a, err)
	}
	c = conf("yarn.resourcemanager.ha.enabled", "true", "yarn.resourcemanager.ha.rm-ids", "x,y",
		"yarn.resourcemanager.scheduler.address.x", "a:1", "yarn.resourcemanager.scheduler.address.y", "b:2")
	got, err := c.RMSchedulerAddresses()
	if err != nil || len(got) != 2 || got[1].Addr != "b:2" {
		t.Errorf("HA scheduler = %+v, %v", got, err)
	}
}

func TestPrincipals(t *testing.T) {
	cases := []struct{ p, host, want string }{
		{"yarn/_HOST@EX.COM", "RM1.Example.com:8088", "yarn/rm1.example.com@EX.COM"},
		{"yarn/_HOST@EX.COM", "rm1", "yarn/rm1@EX.COM"},
		{"yarn/_HOST", "rm1", "yarn/rm1"},
		{"yarn/fixed@EX.COM", "rm1", "yarn/fixed@EX.COM"},
		{"yarn@EX.COM", "rm1", "yarn@EX.COM"},
		{"yarn/_HOST@EX.COM", "0.0.0.0", "yarn/" + localHostname() + "@EX.COM"},
		{"", "rm1", ""},
	}
	for _, tc := range cases {
		if got := ResolvePrincipal(tc.p, tc.host); got != tc.want {
			t.Errorf("ResolvePrincipal(%q, %q) = %q, want %q", tc.p, tc.host, got, tc.want)
		}
	}
	c := conf("yarn.resourcemanager.principal", "yarn/_HOST@R", "dfs.namenode.kerberos.principal", "nn/_HOST@R")
	if got := c.RMPrincipal("h:1"); got != "yarn/h@R" {
		t.Errorf("RMPrincipal = %q", got)
	}
	if got := c.NameNodePrincipal("h"); got != "nn/h@R" {
		t.Errorf("NameNodePrincipal = %q", got)
	}
	if got := PrincipalShortName("yarn/h@R"); got != "yarn" {
		t.Errorf("PrincipalShortName = %q", got)
	}
}

func TestNameNodes(t *testing.T) {
	cases := []struct {
		name string
		c    *Conf
		ns   string
		want []NameNode
		err  string
	}{
		{"default file", conf(), "", nil, "not an hdfs"},
		{"plain", conf("fs.defaultFS", "hdfs://nn:8020"), "",
			[]NameNode{{RPCAddress: "nn:8020", HTTPAddress: "nn:9870", HTTPURL: "http://nn:9870"}}, ""},
		{"plain no port https", conf("fs.defaultFS", "hdfs://nn", "dfs.http.policy", "HTTPS_ONLY", "dfs.namenode.https-address", "0.0.0.0:50470"), "",
			[]NameNode{{RPCAddress: "nn:8020", HTTPAddress: "nn:50470", HTTPURL: "https://nn:50470"}}, ""},
		{"deprecated key", conf("fs.default.name", "hdfs://old:9000"), "",
			[]NameNode{{RPCAddress: "old:9000", HTTPAddress: "old:9870", HTTPURL: "http://old:9870"}}, ""},
		{"ha", conf("fs.defaultFS", "hdfs://ns1", "dfs.nameservices", "ns1", "dfs.ha.namenodes.ns1", "nn1,nn2",
			"dfs.namenode.rpc-address.ns1.nn1", "a:8020", "dfs.namenode.rpc-address.ns1.nn2", "b:8020",
			"dfs.namenode.http-address.ns1.nn1", "a:50070"), "",
			[]NameNode{
				{Nameservice: "ns1", ID: "nn1", RPCAddress: "a:8020", HTTPAddress: "a:50070", HTTPURL: "http://a:50070"},
				{Nameservice: "ns1", ID: "nn2", RPCAddress: "b:8020", HTTPAddress: "b:9870", HTTPURL: "http://b:9870"},
			}, ""},
		{"ha missing rpc", conf("fs.defaultFS", "hdfs://ns1", "dfs.ha.namenodes.ns1", "nn1"), "", nil, "dfs.namenode.rpc-address.ns1.nn1 is not set"},
		{"federated non-ha", conf("dfs.nameservices", "ns2", "dfs.namenode.rpc-address.ns2", "c:1"), "ns2",
			[]NameNode{{Nameservice: "ns2", RPCAddress: "c:1", HTTPAddress: "c:9870", HTTPURL: "http://c:9870"}}, ""},
		{"listed but undefined", conf("dfs.nameservices", "ns3"), "ns3", nil, "has neither"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.c.NameNodes(tc.ns)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDefaultFSAuthorities(t *testing.T) {
	c := New()
	c.Set("fs.defaultFS", "hdfs://ns1")
	c.Set("dfs.nameservices", "ns1")
	c.Set("dfs.ha.namenodes.ns1", "nn1,nn2")
	c.Set("dfs.namenode.rpc-address.ns1.nn1", "a.example.com:8020")
	c.Set("dfs.namenode.rpc-address.ns1.nn2", "b.example.com:8020")
	c.Set("dfs.namenode.http-address.ns1.nn1", "a.example.com:9870")
	c.Set("dfs.namenode.http-address.ns1.nn2", "b.example.com:9870")
	got, err := c.DefaultFSAuthorities()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "ns1,a.example.com:8020,b.example.com:8020" {
		t.Errorf("authorities %v", got)
	}
	c.Set("fs.defaultFS", "file:///")
	if _, err := c.DefaultFSAuthorities(); err == nil {
		t.Error("file:/// accepted as an HDFS default")
	}
}
