package launcher

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRecordJSONDurationsAndRestartFields(t *testing.T) {
	rec := Record{Name: "a", Backend: "local", State: StateStopped, Nodes: 2, MemoryBytes: 256 << 20, VCores: 1,
		Profile: "intern", MaxIdle: 30 * time.Minute, MaxUptime: 8 * time.Hour, SaveOnStop: true,
		Engine: &EngineBinary{Version: "3.46", Path: "hdfs:///apps/mlctl/3.46/mlctl", SHA256: strings.Repeat("ab", 32)},
		Env:    map[string]string{"TZ": "UTC"}, AppName: "team-a", StopReason: "idle for 30m0s"}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"max_idle":"30m0s"`, `"max_uptime":"8h0m0s"`, `"profile":"intern"`, `"save_on_stop":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rec) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, rec)
	}
	spec := back.Spec()
	if spec.MaxIdle != rec.MaxIdle || spec.Profile != "intern" || spec.Engine.Version != "3.46" || spec.Nodes != 2 {
		t.Errorf("Spec() = %+v", spec)
	}
	if err := json.Unmarshal([]byte(`{"name":"a","max_idle":"soon"}`), &back); err == nil || !strings.Contains(err.Error(), "max_idle") {
		t.Errorf("a bad duration: %v", err)
	}
}
