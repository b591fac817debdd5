package ipc

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/mlctl/mlctl/yarn/sasl"
)

// FuzzReadFrame feeds arbitrary server bytes to the frame reader, plain and
// under a security layer, and to the response parsing of a call.
func FuzzReadFrame(f *testing.F) {
	ok := Frame(AppendResponseHeader(nil, ResponseHeader{CallID: 0, Status: 0}), []byte{8, 1})
	f.Add(ok, false)
	f.Add(Frame(AppendResponseHeader(nil, ResponseHeader{CallID: CallIDSASL}), AppendSASL(nil, SASLMessage{State: StateWrap, Token: make([]byte, 20)})), true)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, false)
	f.Fuzz(func(t *testing.T, b []byte, wrapped bool) {
		c := &Conn{r: bufio.NewReader(bytes.NewReader(b))}
		if wrapped {
			srv := &sasl.Server{Realm: "default", QOPs: []sasl.QOP{sasl.QOPIntegrity}, Password: func(string) (string, bool) { return "cA==", true }}
			cl := sasl.NewTokenClient([]byte("i"), []byte("p"), "", "default", "")
			resp, err := cl.Respond(srv.Challenge())
			if err != nil {
				t.Fatal(err)
			}
			rsp, _, _, err := srv.Verify(resp)
			if err != nil {
				t.Fatal(err)
			}
			if c.sec, err = cl.Verify(rsp); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 4; i++ {
			frame, err := c.readFrame()
			if err != nil {
				return
			}
			if h, rest, err := splitHeader(frame); err == nil && h.Status == statusSuccess {
				_, _, _ = SplitDelimited(rest)
			}
		}
	})
}
