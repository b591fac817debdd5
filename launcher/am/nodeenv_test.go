package am

import (
	"reflect"
	"strings"
	"testing"
)

// The node environment survives YARN's launch script: no quotes, spaces
// or '$' in what the AM container is given.
func TestNodeEnvEncoding(t *testing.T) {
	env := map[string]string{"MLCTL_PROFILE": "intern", "TEAM": "team a", "MLCTL_SAVE_DIR": "hdfs:///user/u/.mlctl/clusters/c/saves"}
	v, err := EncodeNodeEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(v, "\"'` $\\{}=") {
		t.Errorf("encoded %q holds characters a shell script would touch", v)
	}
	got, err := DecodeNodeEnv(v)
	if err != nil || !reflect.DeepEqual(got, env) {
		t.Errorf("decoded %v %v", got, err)
	}
	if _, err := DecodeNodeEnv("{not base64"); err == nil || !strings.Contains(err.Error(), EnvNodeEnv) {
		t.Errorf("bad value: %v", err)
	}
}
