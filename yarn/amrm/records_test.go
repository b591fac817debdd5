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

// A later attempt's registration, as Hadoop encodes it: the container still
// running from attempt 1 and its node's NM token must come through whole
// (the AM adopts the one and talks to the node with the other), and the
// fields the decoder does not read must not disturb it.
func TestRegisterResponseFromHadoop(t *testing.T) {
	raw, err := hex.DecodeString(refVectors(t)["amrm.register.response"])
	if err != nil || len(raw) == 0 {
		t.Fatalf("vector amrm.register.response: %v", err)
	}
	r, err := decodeRegisterResponse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if r.MaximumCapability != (Resource{MemoryMB: 8192, VCores: 4}) || r.Queue != "root.default" {
		t.Errorf("capability %+v, queue %q", r.MaximumCapability, r.Queue)
	}
	if len(r.ContainersFromPreviousAttempts) != 1 {
		t.Fatalf("%d containers from previous attempts, want 1", len(r.ContainersFromPreviousAttempts))
	}
	c := r.ContainersFromPreviousAttempts[0]
	attempt1 := ApplicationAttemptID{App: refAttempt.App, Attempt: 1}
	if c.ID != (ContainerID{Attempt: attempt1, ID: 1<<40 | 3}) || c.ID.String() != "container_e01_1700000000000_0007_01_000003" {
		t.Errorf("container id %+v (%s)", c.ID, c.ID)
	}
	if c.Node != (NodeID{Host: "127.0.0.1", Port: 45454}) || c.NodeHTTPAddress != "127.0.0.1:8042" ||
		c.Resource != (Resource{MemoryMB: 256, VCores: 1}) || c.Priority != 1 {
		t.Errorf("container %+v", c)
	}
	if c.Token == nil || string(c.Token.Identifier) != "ctid" || string(c.Token.Password) != "ctpw" || c.Token.Kind != "ContainerToken" {
		t.Errorf("container token %+v", c.Token)
	}
	if len(r.NMTokensFromPreviousAttempts) != 1 {
		t.Fatalf("%d NM tokens from previous attempts, want 1", len(r.NMTokensFromPreviousAttempts))
	}
	nm := r.NMTokensFromPreviousAttempts[0]
	if nm.Node != c.Node || string(nm.Token.Identifier) != "nmid" || string(nm.Token.Password) != "nmpw" ||
		nm.Token.Kind != "NMToken" || nm.Token.Service != "127.0.0.1:45454" {
		t.Errorf("NM token %+v for %s", nm.Token, nm.Node)
	}
	// A first attempt's registration has neither.
	first, err := decodeRegisterResponse(raw[:7]) // maximumCapability only
	if err != nil || len(first.ContainersFromPreviousAttempts) != 0 || len(first.NMTokensFromPreviousAttempts) != 0 || first.MaximumCapability.MemoryMB != 8192 {
		t.Errorf("first attempt's response %+v, %v", first, err)
	}
	// A message cut short (here inside the NM token) is an error, not a
	// response missing a token.
	if _, err := decodeRegisterResponse(raw[:len(raw)-60]); err == nil {
		t.Error("a truncated response decoded")
	}
}
