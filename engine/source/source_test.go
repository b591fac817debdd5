package source

import (
	"strings"
	"testing"
)

func TestResolveRefusesAnotherFileSystem(t *testing.T) {
	remote := WebHDFS{Authorities: []string{"ns1", "a.example.com:8020", "b.example.com:8020"}}
	for _, tc := range []struct {
		url, path string
		ok        bool
	}{
		{"hdfs:///data/x.csv", "/data/x.csv", true},
		{"hdfs://ns1/data/x.csv", "/data/x.csv", true},
		{"hdfs://NS1/data/x.csv", "/data/x.csv", true},
		{"hdfs://a.example.com:8020/data/x.csv", "/data/x.csv", true},
		{"hdfs://b.example.com/data/x.csv", "/data/x.csv", true}, // the default port
		{"hdfs://other:8020/data/x.csv", "", false},
		{"hdfs://ns2/data/x.csv", "", false},
		{"hdfs://a.example.com:9000/data/x.csv", "", false},
	} {
		_, p, err := Resolve(tc.url, remote)
		if tc.ok != (err == nil) || p != tc.path {
			t.Errorf("%s: path %q, err %v", tc.url, p, err)
		}
		if err != nil && !strings.Contains(err.Error(), "another file system") {
			t.Errorf("%s: %v", tc.url, err)
		}
	}
	// Without the list (an older AM), nothing is refused.
	if _, p, err := Resolve("hdfs://other/x", WebHDFS{}); err != nil || p != "/x" {
		t.Errorf("no authorities: %q %v", p, err)
	}
	if _, _, err := Resolve("hdfs:///x", nil); err != ErrNoRemote {
		t.Errorf("no remote: %v", err)
	}
}
