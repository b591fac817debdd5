package cloud

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRegistryOverTLSWithToken(t *testing.T) {
	s, err := MintSecrets("t", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := s.NodeCertificate([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	reg := NewRegistry()
	srv := httptest.NewUnstartedServer(reg.Handler(s.Token))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	peer, err := NewPeer(s)
	if err != nil {
		t.Fatal(err)
	}
	r := HTTPRendezvous{Addr: addr, Peer: peer}
	ctx := context.Background()
	for _, i := range []int{2, 0, 1} {
		if err := r.Join(ctx, Member{Index: i, Addr: "h:" + string(rune('0'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := AwaitMembers(ctx, r, 3, time.Millisecond)
	if err != nil || len(ms) != 3 || ms[0].Index != 0 || ms[2].Index != 2 {
		t.Fatalf("members %+v %v", ms, err)
	}
	if err := r.PublishLeader(ctx, ms[0]); err != nil || reg.Leader().Index != 0 {
		t.Fatalf("leader %v %v", reg.Leader(), err)
	}
	// Another cluster's token is refused; so is another cluster's CA.
	other, _ := MintSecrets("other", time.Hour)
	op, _ := NewPeer(other)
	if err := (HTTPRendezvous{Addr: addr, Peer: op}).Join(ctx, Member{}); err == nil {
		t.Fatal("a client that trusts another CA got through")
	}
	req, _ := http.NewRequest("POST", srv.URL+PathMembers, nil)
	req.Header.Set("Authorization", "Bearer wrong")
	resp, err := srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %v %v", resp, err)
	}
}

func TestSecretsFilesAreOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	s, _ := MintSecrets("t", time.Hour)
	if err := SaveSecrets(dir, s); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{caCertFile, caKeyFile, tokenFile} {
		st, err := os.Stat(filepath.Join(dir, SecretsDir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, st.Mode(), err)
		}
	}
	got, err := LoadSecrets(dir)
	if err != nil || got.Token != s.Token || string(got.CAKeyPEM) != string(s.CAKeyPEM) {
		t.Fatalf("round trip: %v", err)
	}
	if !TokenMatches(s.Token, s.Token) || TokenMatches(s.Token, s.Token+"x") || TokenMatches("", "") {
		t.Fatal("TokenMatches")
	}
}
