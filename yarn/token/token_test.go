package token

import (
	"bytes"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestVLongMatchesHadoop(t *testing.T) {
	ref := refVectors(t)
	n := 0
	for k, want := range ref {
		s, ok := strings.CutPrefix(k, "vlong.")
		if !ok {
			continue
		}
		n++
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(AppendVLong(nil, v)); got != want {
			t.Errorf("AppendVLong(%d) = %s, Hadoop wrote %s", v, got, want)
		}
		raw, _ := hex.DecodeString(want)
		back, used, err := ReadVLong(raw)
		if err != nil || back != v || used != len(raw) {
			t.Errorf("ReadVLong(%s) = %d, %d, %v; want %d", want, back, used, err, v)
		}
	}
	if n < 10 {
		t.Fatalf("only %d vlong vectors", n)
	}
}

func TestVLongHandChecked(t *testing.T) {
	for _, c := range []struct {
		v   int64
		hex string
	}{{0, "00"}, {-112, "90"}, {127, "7f"}, {128, "8f80"}, {-113, "8770"}, {300, "8e012c"}} {
		if got := hex.EncodeToString(AppendVLong(nil, c.v)); got != c.hex {
			t.Errorf("%d: %s, want %s", c.v, got, c.hex)
		}
	}
	if _, _, err := ReadVLong([]byte{0x8e, 0x01}); err != ErrTruncated {
		t.Errorf("truncated vlong: %v", err)
	}
	if _, _, err := ReadVInt(AppendVLong(nil, 1<<40)); err == nil {
		t.Error("ReadVInt took a value beyond int32")
	}
}

func hadoopToken() *Token {
	return &Token{Identifier: []byte("ident-é"), Password: []byte{1, 2, 3, 0xff},
		Kind: KindHDFS, Service: "127.0.0.1:8020"}
}

func TestTokenMatchesHadoop(t *testing.T) {
	ref := refVectors(t)
	tok := hadoopToken()
	if got := hex.EncodeToString(tok.MarshalWritable()); got != ref["token.writable"] {
		t.Errorf("writable %s\nHadoop %s", got, ref["token.writable"])
	}
	if got := tok.EncodeURLString(); got != ref["token.url"] {
		t.Errorf("url string %s, Hadoop %s", got, ref["token.url"])
	}
	back, err := DecodeURLString(ref["token.url"])
	if err != nil {
		t.Fatal(err)
	}
	if !equalTokens(back, tok) {
		t.Errorf("decoded %+v, want %+v", back, tok)
	}
	// The standard alphabet with padding decodes too (commons-codec does).
	std := strings.NewReplacer("-", "+", "_", "/").Replace(ref["token.url"]) + "=="
	if _, err := DecodeURLString(std); err != nil {
		t.Errorf("standard alphabet: %v", err)
	}
	if _, err := DecodeURLString(ref["token.url"] + "AA"); err == nil {
		t.Error("trailing bytes accepted")
	}
}

func equalTokens(a, b *Token) bool {
	return bytes.Equal(a.Identifier, b.Identifier) && bytes.Equal(a.Password, b.Password) &&
		a.Kind == b.Kind && a.Service == b.Service
}

func refCredentials() *Credentials {
	c := NewCredentials()
	c.Tokens["hdfs-dt"] = hadoopToken()
	c.Tokens[""] = &Token{Identifier: make([]byte, 200), Password: make([]byte, 20), Kind: KindAMRM}
	c.Secrets["k"] = []byte("secret")
	return c
}

func TestHDTSMatchesHadoop(t *testing.T) {
	ref := refVectors(t)
	want := refCredentials()
	if got := hex.EncodeToString(want.MarshalHDTS()); got != ref["hdts.WRITABLE"] {
		t.Errorf("HDTS %s\nHadoop %s", got, ref["hdts.WRITABLE"])
	}
	for _, f := range []string{"hdts.WRITABLE", "hdts.PROTOBUF"} {
		raw, _ := hex.DecodeString(ref[f])
		c, err := ParseHDTS(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(c.Tokens) != 2 || len(c.Secrets) != 1 || string(c.Secrets["k"]) != "secret" {
			t.Fatalf("%s: %+v", f, c)
		}
		for a, tok := range want.Tokens {
			if !equalTokens(c.Tokens[a], tok) {
				t.Errorf("%s: token %q = %+v", f, a, c.Tokens[a])
			}
		}
	}
}

func TestCredentialsFileAndWithout(t *testing.T) {
	c := refCredentials()
	p := filepath.Join(t.TempDir(), "tokens")
	if err := c.WriteFile(p); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.MarshalHDTS(), c.MarshalHDTS()) {
		t.Error("file round trip changed the credentials")
	}
	alias, amrm, ok := back.FindKind(KindAMRM)
	if !ok || alias != "" || len(amrm.Identifier) != 200 {
		t.Errorf("FindKind: %q %v %v", alias, amrm, ok)
	}
	w := back.Without(KindAMRM)
	if len(w.Tokens) != 1 || w.Tokens["hdfs-dt"] == nil || len(w.Secrets) != 1 {
		t.Errorf("Without: %+v", w)
	}
	if len(back.Tokens) != 2 {
		t.Error("Without changed its receiver")
	}
	if _, err := ParseHDTS([]byte("HDTX\x00\x00\x00")); err == nil {
		t.Error("bad magic accepted")
	}
	if _, err := ParseHDTS([]byte("HDTS\x00\x05")); err == nil {
		t.Error("lying count accepted")
	}
}

func TestIdentifiersMatchHadoop(t *testing.T) {
	ref := refVectors(t)
	raw, _ := hex.DecodeString(ref["amrmid"])
	id, err := DecodeAMRMIdentifier(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := AMRMIdentifier{Attempt: Attempt{ClusterTimestamp: 1700000000000, App: 7, Attempt: 2}, KeyID: 42}
	if *id != want {
		t.Errorf("AMRM identifier %+v, want %+v", *id, want)
	}
	if id.Attempt.String() != ref["attempt.string"] {
		t.Errorf("attempt string %s, Hadoop %s", id.Attempt, ref["attempt.string"])
	}
	if got := hex.EncodeToString(AppendAMRMIdentifier(nil, want)); got != ref["amrmid"] {
		t.Errorf("AppendAMRMIdentifier %s, Hadoop %s", got, ref["amrmid"])
	}
	raw, _ = hex.DecodeString(ref["nmid"])
	nm, err := DecodeNMIdentifier(raw)
	if err != nil {
		t.Fatal(err)
	}
	wantNM := NMIdentifier{Attempt: want.Attempt, NodeHost: "127.0.0.1", NodePort: 45454, AppSubmitter: "alice", KeyID: 3}
	if *nm != wantNM {
		t.Errorf("NM identifier %+v, want %+v", *nm, wantNM)
	}
	if _, err := DecodeAMRMIdentifier([]byte{0x10, 0x01}); err == nil {
		t.Error("identifier without attempt accepted")
	}
}
