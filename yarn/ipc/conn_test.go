package ipc_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/yarn/ipc"
	"github.com/mlctl/mlctl/yarn/ipc/ipctest"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

const proto = "org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB"

var tok = &token.Token{Identifier: []byte("amrm-identifier"), Password: []byte("amrm-password"), Kind: token.KindAMRM}

func echo(method, protocol string, req []byte) ([]byte, error) {
	switch method {
	case "fail":
		return nil, &ipc.RemoteError{Class: "org.apache.hadoop.yarn.exceptions.ApplicationMasterNotRegisteredException", Message: "not registered\n\tat stack"}
	case "fatal":
		return nil, ipctest.ErrFatal
	case "slow":
		time.Sleep(300 * time.Millisecond)
	}
	return append([]byte(method+":"), req...), nil
}

func start(t *testing.T, o ipctest.Options) *ipctest.Server {
	t.Helper()
	if o.Handler == nil {
		o.Handler = echo
	}
	if o.Tokens == nil {
		o.Tokens = []*token.Token{tok}
	}
	s, err := ipctest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestCallsUnderEveryQOP(t *testing.T) {
	for _, c := range []struct {
		name  string
		qops  []sasl.QOP
		split bool
		want  sasl.QOP
	}{
		{"auth", []sasl.QOP{sasl.QOPAuth}, false, sasl.QOPAuth},
		{"integrity", []sasl.QOP{sasl.QOPIntegrity}, false, sasl.QOPIntegrity},
		{"privacy", []sasl.QOP{sasl.QOPPrivacy}, false, sasl.QOPPrivacy},
		{"privacy-split-wraps", []sasl.QOP{sasl.QOPPrivacy}, true, sasl.QOPPrivacy},
		{"all-offered", []sasl.QOP{sasl.QOPAuth, sasl.QOPIntegrity, sasl.QOPPrivacy}, false, sasl.QOPPrivacy},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := start(t, ipctest.Options{QOPs: c.qops, SplitWraps: c.split})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn, err := ipc.Dial(ctx, s.Addr, ipc.Config{Protocol: proto, Token: tok})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if conn.QOP() != c.want {
				t.Errorf("negotiated %s, want %s", conn.QOP(), c.want)
			}
			big := bytes.Repeat([]byte("z"), 200000)
			for i, req := range [][]byte{[]byte("one"), {}, big} {
				resp, err := conn.Call(ctx, "m", proto, req)
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if !bytes.Equal(resp, append([]byte("m:"), req...)) {
					t.Fatalf("call %d: response %q", i, resp[:min(len(resp), 20)])
				}
			}
			// An ERROR leaves the connection usable.
			_, err = conn.Call(ctx, "fail", proto, nil)
			var re *ipc.RemoteError
			if !errors.As(err, &re) || re.ShortClass() != "ApplicationMasterNotRegisteredException" ||
				!ipc.IsRemote(err, "ApplicationMasterNotRegisteredException") || strings.Contains(err.Error(), "stack") {
				t.Fatalf("remote error: %v", err)
			}
			if _, err := conn.Call(ctx, "after", proto, []byte("x")); err != nil {
				t.Fatalf("call after ERROR: %v", err)
			}
			if got := s.Contexts(); len(got) != 1 || got[0] != proto {
				t.Errorf("connection contexts %v", got)
			}
			calls := s.Calls()
			if len(calls) != 5 {
				t.Fatalf("%d calls", len(calls))
			}
			for i, cl := range calls {
				if cl.Header.CallID != int32(i) || cl.Header.RetryCount != 0 || len(cl.Header.ClientID) != 16 ||
					!bytes.Equal(cl.Header.ClientID, calls[0].Header.ClientID) || cl.Version != 1 || cl.Protocol != proto {
					t.Errorf("call %d header %+v version %d protocol %s", i, cl.Header, cl.Version, cl.Protocol)
				}
			}
		})
	}
}

func TestFatalClosesConnection(t *testing.T) {
	s := start(t, ipctest.Options{QOPs: []sasl.QOP{sasl.QOPIntegrity}})
	ctx := context.Background()
	conn, err := ipc.Dial(ctx, s.Addr, ipc.Config{Protocol: proto, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Call(ctx, "fatal", proto, nil)
	var fe *ipc.FatalError
	if !errors.As(err, &fe) {
		t.Fatalf("fatal: %v", err)
	}
	if conn.Err() == nil {
		t.Error("connection still usable after FATAL")
	}
	if _, err := conn.Call(ctx, "m", proto, nil); err == nil {
		t.Error("call on a broken connection succeeded")
	}
}

func TestAuthFailures(t *testing.T) {
	s := start(t, ipctest.Options{QOPs: []sasl.QOP{sasl.QOPAuth}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bad := tok.Clone()
	bad.Password = []byte("rolled away")
	_, err := ipc.Dial(ctx, s.Addr, ipc.Config{Protocol: proto, Token: bad})
	if !ipc.IsRemote(err, "SecretManager$InvalidToken") {
		t.Errorf("wrong password: %v", err)
	}
	_, err = ipc.Dial(ctx, s.Addr, ipc.Config{Protocol: proto, Token: tok, MinQOP: sasl.QOPPrivacy})
	if err == nil || !strings.Contains(err.Error(), "weaker") {
		t.Errorf("required privacy against auth: %v", err)
	}
	// A rolled token: the server now accepts only the new one.
	rolled := &token.Token{Identifier: []byte("new-id"), Password: []byte("new-pw"), Kind: token.KindAMRM}
	s.SetTokens(rolled)
	if _, err := ipc.Dial(ctx, s.Addr, ipc.Config{Protocol: proto, Token: tok}); err == nil {
		t.Error("old token accepted after the roll")
	}
	c, err := ipc.Dial(ctx, s.Addr, ipc.Config{Protocol: proto, Token: rolled})
	if err != nil {
		t.Fatalf("rolled token: %v", err)
	}
	c.Close()
}

func TestContextDeadline(t *testing.T) {
	s := start(t, ipctest.Options{QOPs: []sasl.QOP{sasl.QOPPrivacy}})
	conn, err := ipc.Dial(context.Background(), s.Addr, ipc.Config{Protocol: proto, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = conn.Call(ctx, "slow", proto, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow call: %v", err)
	}
	if time.Since(start) > 250*time.Millisecond {
		t.Errorf("deadline not honoured: %v", time.Since(start))
	}
	// Cancellation, not only deadlines.
	conn2, err := ipc.Dial(context.Background(), s.Addr, ipc.Config{Protocol: proto, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel2)
	if _, err := conn2.Call(ctx2, "slow", proto, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call: %v", err)
	}
	// Dial against a listener that never answers honours ctx too.
	ctx3, cancel3 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel3()
	if _, err := ipc.Dial(ctx3, "127.0.0.1:1", ipc.Config{Protocol: proto, Token: tok}); err == nil {
		t.Error("dial to a closed port succeeded")
	}
}
