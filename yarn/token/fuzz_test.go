package token

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func FuzzVLong(f *testing.F) {
	for _, s := range []string{"00", "8f80", "8770", "887fffffffffffffff", "807fffffffffffffff", "8e01"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n, err := ReadVLong(b)
		if err != nil {
			return
		}
		if n < 1 || n > len(b) || n > 9 {
			t.Fatalf("ReadVLong used %d of %d bytes", n, len(b))
		}
		enc := AppendVLong(nil, v)
		back, m, err := ReadVLong(enc)
		if err != nil || back != v || m != len(enc) {
			t.Fatalf("round trip of %d: %x -> %d, %v", v, enc, back, err)
		}
	})
}

func FuzzParseHDTS(f *testing.F) {
	ref := refVectors(f)
	for _, k := range []string{"hdts.WRITABLE", "hdts.PROTOBUF"} {
		b, _ := hex.DecodeString(ref[k])
		f.Add(b)
	}
	f.Add([]byte("HDTS\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseHDTS(b)
		if err != nil {
			return
		}
		// Whatever parses re-encodes (as format 0) and parses the same.
		enc := c.MarshalHDTS()
		c2, err := ParseHDTS(enc)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !bytes.Equal(c2.MarshalHDTS(), enc) {
			t.Fatal("HDTS round trip is not stable")
		}
	})
}

func FuzzDecodeURLString(f *testing.F) {
	ref := refVectors(f)
	f.Add(ref["token.url"])
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := DecodeURLString(s)
		if err != nil {
			return
		}
		back, err := DecodeURLString(tok.EncodeURLString())
		if err != nil || !equalTokens(back, tok) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzIdentifiers(f *testing.F) {
	ref := refVectors(f)
	for _, k := range []string{"amrmid", "nmid"} {
		b, _ := hex.DecodeString(ref[k])
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeAMRMIdentifier(b)
		_, _ = DecodeNMIdentifier(b)
		_, _ = UnmarshalProto(b)
	})
}
