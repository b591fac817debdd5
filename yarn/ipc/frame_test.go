package ipc

import (
	"encoding/hex"
	"testing"

	"github.com/mlctl/mlctl/yarn/internal/reftest"
)

func refVectors(t testing.TB) map[string]string { return reftest.Vectors(t) }

const amProtocol = "org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB"

func TestEncodingsMatchHadoop(t *testing.T) {
	ref := refVectors(t)
	cid := make([]byte, 16)
	for i := range cid {
		cid[i] = byte(i)
	}
	for name, got := range map[string][]byte{
		"rpc.sasl.header":    AppendRequestHeader(nil, RequestHeader{CallID: CallIDSASL, RetryCount: -1}),
		"rpc.call5.header":   AppendRequestHeader(nil, RequestHeader{CallID: 5, ClientID: cid, RetryCount: 0}),
		"rpc.response.sasl":  AppendResponseHeader(nil, ResponseHeader{CallID: CallIDSASL, Status: statusSuccess}),
		"rpc.context":        AppendConnectionContext(nil, amProtocol),
		"rpc.method":         AppendRequestMethodHeader(nil, "allocate", amProtocol, 1),
		"rpc.sasl.negotiate": AppendSASL(nil, SASLMessage{State: StateNegotiate}),
		"rpc.sasl.initiate": AppendSASL(nil, SASLMessage{State: StateInitiate, Token: []byte("resp"),
			Auths: []SASLAuth{{Method: "TOKEN", Mechanism: "DIGEST-MD5", ServerID: "default"}}}),
	} {
		want := ref[name]
		if want == "" {
			t.Fatalf("no reference vector %s", name)
		}
		if hex.EncodeToString(got) != want {
			t.Errorf("%s:\n got %x\nwant %s", name, got, want)
		}
	}
}

func TestHandCheckedBytes(t *testing.T) {
	if hex.EncodeToString(ConnectionHeader) != "6872706309"+"00df" {
		t.Errorf("connection header % x", ConnectionHeader)
	}
	// rpcKind=2, rpcOp=0, callId zigzag(-33)=65 (0x41), clientId empty,
	// retryCount zigzag(-1)=1.
	if got := hex.EncodeToString(AppendRequestHeader(nil, RequestHeader{CallID: -33, RetryCount: -1})); got != "08021000184122002801" {
		t.Errorf("SASL header %s", got)
	}
	f := Frame([]byte{1, 2}, []byte{3})
	if hex.EncodeToString(f) != "000000050201020103" {
		t.Errorf("frame %x", f)
	}
	ref := refVectors(t)
	raw, _ := hex.DecodeString(ref["rpc.response.sasl"])
	h, err := ParseResponseHeader(raw)
	if err != nil || h.CallID != CallIDSASL || h.Status != statusSuccess {
		t.Errorf("response header %+v %v", h, err)
	}
	raw, _ = hex.DecodeString(ref["rpc.call5.header"])
	rh, err := ParseRequestHeader(raw)
	if err != nil || rh.CallID != 5 || rh.RetryCount != 0 || len(rh.ClientID) != 16 {
		t.Errorf("request header %+v %v", rh, err)
	}
}

func FuzzParseFrames(f *testing.F) {
	ref := refVectors(f)
	for _, k := range []string{"rpc.response.sasl", "rpc.sasl.initiate", "rpc.sasl.negotiate"} {
		b, _ := hex.DecodeString(ref[k])
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseResponseHeader(b)
		_, _ = ParseRequestHeader(b)
		_, _ = ParseConnectionContext(b)
		_, _, _, _ = ParseRequestMethodHeader(b)
		if m, err := ParseSASL(b); err == nil {
			if _, err := ParseSASL(AppendSASL(nil, m)); err != nil {
				t.Fatalf("SASL re-parse: %v", err)
			}
		}
		_, _, _ = SplitDelimited(b)
	})
}
