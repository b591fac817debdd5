package yarn

import (
	"os"
	"testing"

	"github.com/mlctl/mlctl/internal/testcluster"
)

// testClusterInfo is the shared harness's cluster description.
type testClusterInfo = testcluster.Info

// testCluster returns the secure test cluster (see internal/testcluster).
func testCluster(t *testing.T) *testClusterInfo { return testcluster.Secure(t) }

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }
