package launcher

import "testing"

func TestSaveDir(t *testing.T) {
	local := &Record{Name: "demo", Backend: "local", Dir: "/home/u/.mlctl/clusters/demo", Owner: "u"}
	if got := SaveDir(local); got != "/home/u/.mlctl/clusters/demo/saves" {
		t.Errorf("local: %s", got)
	}
	yarn := &Record{Name: "demo", Backend: "yarn", Dir: "/home/u/.mlctl/clusters/demo", Owner: "alice"}
	if got := SaveDir(yarn); got != "hdfs:///user/alice/.mlctl/clusters/demo/saves" {
		t.Errorf("yarn: %s", got)
	}
}
