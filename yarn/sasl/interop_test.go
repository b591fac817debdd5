package sasl

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestJDKDigestServer runs the JDK's own DIGEST-MD5 SaslServer (what
// Hadoop's RPC server uses) from testdata/DigestServer.java and proves the
// client's response, rspauth check and wrap/unwrap against it for every
// qop, including rc4 privacy across several messages.
func TestJDKDigestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a JVM")
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("java (17+) is needed for the JDK interop test: apt-get install openjdk-17-jdk-headless")
	}
	id, pw := []byte("identifier\x00\x01"), []byte("password\xff")
	user := base64.StdEncoding.EncodeToString(id)
	pass := base64.StdEncoding.EncodeToString(pw)
	for _, c := range []struct {
		serverQOPs string
		want       QOP
	}{
		{"auth", QOPAuth},
		{"auth-int", QOPIntegrity},
		{"auth-conf", QOPPrivacy},
		{"auth,auth-int,auth-conf", QOPPrivacy},
	} {
		t.Run(c.serverQOPs, func(t *testing.T) {
			cmd := exec.Command(java, "testdata/DigestServer.java", c.serverQOPs, user, pass)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				if t.Failed() {
					t.Logf("java stderr: %s", stderr.String())
				}
			}()
			port, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil {
				t.Fatalf("no port from java: %v", err)
			}
			nc, err := net.DialTimeout("tcp", "127.0.0.1:"+strings.TrimSpace(port), 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			_ = nc.SetDeadline(time.Now().Add(60 * time.Second))
			read := func() []byte {
				var lb [4]byte
				if _, err := io.ReadFull(nc, lb[:]); err != nil {
					t.Fatal(err)
				}
				b := make([]byte, binary.BigEndian.Uint32(lb[:]))
				if _, err := io.ReadFull(nc, b); err != nil {
					t.Fatal(err)
				}
				return b
			}
			write := func(b []byte) {
				if _, err := nc.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b)))); err != nil {
					t.Fatal(err)
				}
				if _, err := nc.Write(b); err != nil {
					t.Fatal(err)
				}
			}
			cl := NewTokenClient(id, pw, "", "default", "")
			resp, err := cl.Respond(read())
			if err != nil {
				t.Fatal(err)
			}
			write(resp)
			rsp := read()
			if strings.HasPrefix(string(rsp), "ERROR") {
				t.Fatalf("JDK refused the response: %s", rsp)
			}
			sec, err := cl.Verify(rsp)
			if err != nil {
				t.Fatalf("rspauth %q: %v", rsp, err)
			}
			if q := QOP(read()); q != c.want || cl.QOP() != c.want {
				t.Fatalf("JDK negotiated %s, client %s, want %s", q, cl.QOP(), c.want)
			}
			if c.want == QOPAuth {
				return
			}
			for _, msg := range []string{"first", strings.Repeat("0123456789", 500), "", "third"} {
				write(sec.Wrap([]byte(msg)))
				got, err := sec.Unwrap(read())
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != "echo:"+msg {
					t.Fatalf("echo %q, want %q", trunc(string(got)), trunc("echo:"+msg))
				}
			}
		})
	}
}
