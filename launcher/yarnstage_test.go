package launcher

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/hdfs"
)

// Old staged builds go, the newest and those in use stay.
func TestBinariesToPrune(t *testing.T) {
	var ls []hdfs.FileStatus
	for i := 0; i < 6; i++ {
		ls = append(ls, hdfs.FileStatus{PathSuffix: fmt.Sprintf("mlctl-%d", i), Type: "FILE", ModificationTime: int64(i)})
	}
	ls = append(ls, hdfs.FileStatus{PathSuffix: ".mlctl-9.tmp-1", Type: "FILE"}, hdfs.FileStatus{PathSuffix: "mlctl-dir", Type: "DIRECTORY"})
	got := binariesToPrune(ls, "/b", map[string]bool{"/b/mlctl-1": true}, 3)
	if strings.Join(got, ",") != "/b/mlctl-2,/b/mlctl-0" {
		t.Errorf("pruned %v", got)
	}
}
