package amrm

import (
	"testing"

	"github.com/mlctl/mlctl/yarn/token"
)

func FuzzDecodeResponses(f *testing.F) {
	node := NodeID{Host: "127.0.0.1", Port: 45454}
	f.Add(encodeAllocateResponse(&AllocateResponse{ResponseID: 3,
		Allocated: []Container{{ID: ContainerID{Attempt: refAttempt, ID: 2}, Node: node, Token: &token.Token{Kind: "ContainerToken"}}},
		Completed: []ContainerStatus{{ID: ContainerID{Attempt: refAttempt, ID: 2}, State: ContainerComplete, ExitStatus: 1}},
		NMTokens:  []NMToken{{Node: node, Token: &token.Token{Kind: token.KindNM}}},
		AMRMToken: &token.Token{Kind: token.KindAMRM}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeAllocateResponse(b)
		_, _ = decodeRegisterResponse(b)
		_, _ = decodeFinishResponse(b)
		_, _ = DecodeContainerStatus(b)
		if id, err := DecodeContainerID(b); err == nil {
			_ = id.String()
		}
	})
}

func FuzzParseContainerID(f *testing.F) {
	f.Add("container_e05_1700000000000_0007_02_000012")
	f.Add("container_1700000000000_0007_02_000012")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseContainerID(s)
		if err != nil {
			return
		}
		back, err := ParseContainerID(id.String())
		if err != nil || back != id {
			t.Fatalf("%q -> %s -> %+v %v", s, id, back, err)
		}
	})
}
