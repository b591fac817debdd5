package amrm

import (
	"encoding/hex"
	"testing"

	"github.com/mlctl/mlctl/yarn/internal/reftest"
)

func refVectors(t testing.TB) map[string]string { return reftest.Vectors(t) }

var refAttempt = ApplicationAttemptID{App: ApplicationID{ClusterTimestamp: 1700000000000, ID: 7}, Attempt: 2}

func TestIDStringsMatchHadoop(t *testing.T) {
	ref := refVectors(t)
	plain := ContainerID{Attempt: refAttempt, ID: 12}
	epoch := ContainerID{Attempt: refAttempt, ID: 5<<40 | 12}
	for _, c := range []struct{ got, key string }{
		{refAttempt.App.String(), "app.string"},
		{refAttempt.String(), "attempt.string"},
		{plain.String(), "container.string"},
		{epoch.String(), "container.epoch.string"},
	} {
		if c.got != ref[c.key] {
			t.Errorf("%s: %s, Hadoop %s", c.key, c.got, ref[c.key])
		}
	}
	for _, id := range []ContainerID{plain, epoch, {Attempt: refAttempt, ID: 1234567}} {
		back, err := ParseContainerID(id.String())
		if err != nil || back != id {
			t.Errorf("ParseContainerID(%s) = %+v, %v", id, back, err)
		}
	}
	for _, bad := range []string{"container_1_2_3", "app_1_2_3_4", "container_x_0001_01_000001", "container_e_1_1_1_1"} {
		if _, err := ParseContainerID(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if got := hex.EncodeToString(AppendContainerID(nil, epoch)); got != ref["container.epoch.proto"] {
		t.Errorf("ContainerIdProto %s, Hadoop %s", got, ref["container.epoch.proto"])
	}
	raw, _ := hex.DecodeString(ref["container.epoch.proto"])
	if back, err := DecodeContainerID(raw); err != nil || back != epoch {
		t.Errorf("DecodeContainerID = %+v, %v", back, err)
	}
}

func TestRequestsMatchHadoop(t *testing.T) {
	ref := refVectors(t)
	for key, got := range map[string][]byte{
		"amrm.register": encodeRegister("127.0.0.1", 0, "https://127.0.0.1:8443/"),
		"amrm.allocate": encodeAllocate(AllocateRequest{
			Asks:     []ResourceRequest{Ask(1, Resource{MemoryMB: 1024, VCores: 2}, 3)},
			Releases: []ContainerID{{Attempt: refAttempt, ID: 4}},
			Progress: 0.5,
		}, 6),
		"amrm.finish": encodeFinish(StatusSucceeded, "done", ""),
	} {
		if hex.EncodeToString(got) != ref[key] {
			t.Errorf("%s:\n got %x\nwant %s", key, got, ref[key])
		}
	}
}
