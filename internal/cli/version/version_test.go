package version

import (
	"testing"

	"github.com/mlctl/mlctl/internal/cli/clitest"
	"github.com/mlctl/mlctl/internal/errs"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "mlctl v0.0.0-test (commit abc123, go1.26)\n"},
		{[]string{"-o", "json"}, "{\n  \"version\": \"v0.0.0-test\",\n  \"commit\": \"abc123\",\n  \"go_version\": \"go1.26\"\n}\n"},
		{[]string{"-o", "yaml"}, "version: v0.0.0-test\ncommit: abc123\ngo_version: go1.26\n"},
	}
	for _, tt := range tests {
		f, ios := clitest.Factory(nil, nil)
		if err := clitest.Exec(NewCmdVersion(f, nil), tt.args...); err != nil {
			t.Fatal(err)
		}
		if got := clitest.Out(ios); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.args, got, tt.want)
		}
	}
	f, _ := clitest.Factory(nil, nil)
	if err := clitest.Exec(NewCmdVersion(f, nil), "-o", "xml"); errs.Code(err) != errs.Usage {
		t.Errorf("bad output: code %d", errs.Code(err))
	}
}
