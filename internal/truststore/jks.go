package truststore

import (
	"bytes"
	"crypto/sha1"
	"crypto/subtle"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

const (
	magicJKS   = 0xFEEDFEED
	magicJCEKS = 0xCECECECE

	tagPrivateKey  = 1
	tagTrustedCert = 2
	tagSecretKey   = 3 // JCEKS only: a serialized Java object

	// whitener is what the JDK's JavaKeyStore mixes into the digest after
	// the password ("Mighty Aphrodite", sun.security.provider.JavaKeyStore).
	whitener = "Mighty Aphrodite"
)

// ErrIntegrity is a trust store whose digest or MAC does not match the
// password: a wrong password, or a damaged or modified file.
var ErrIntegrity = errors.New("truststore: integrity check failed (wrong password, or the file was modified)")

// jksReader walks the big-endian JKS layout, refusing lengths past the end
// so a damaged file cannot make it allocate more than the file's size.
type jksReader struct {
	b   []byte
	off int
	err error
}

func (r *jksReader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("truststore: offset %d: %s", r.off, fmt.Sprintf(format, a...))
	}
}

func (r *jksReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("%d bytes wanted, %d left", n, len(r.b)-r.off)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *jksReader) u16() int {
	p := r.take(2)
	if p == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(p))
}

func (r *jksReader) u32() uint32 {
	p := r.take(4)
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint32(p)
}

// utf reads Java's DataOutput.writeUTF: a 2-byte length, then modified
// UTF-8. Aliases and the certificate type are ASCII in practice; the bytes
// are kept as they are.
func (r *jksReader) utf() string { return string(r.take(r.u16())) }

// blob reads a 4-byte length and that many bytes.
func (r *jksReader) blob() []byte {
	n := r.u32()
	if n > uint32(len(r.b)) {
		r.fail("length %d exceeds the file", n)
		return nil
	}
	return r.take(int(n))
}

// cert reads one certificate of a version-2 (typed) or version-1 store.
func (r *jksReader) cert(version uint32) []byte {
	if version == 2 {
		if typ := r.utf(); r.err == nil && typ != "X.509" {
			r.fail("certificate type %q, want X.509", typ)
			return nil
		}
	}
	return r.blob()
}

// readJKS returns the trusted certificates of a JKS or JCEKS store.
func readJKS(data []byte, password string) ([]*x509.Certificate, error) {
	r := &jksReader{b: data}
	magic := r.u32()
	if magic != magicJKS && magic != magicJCEKS {
		return nil, errors.New("truststore: not a JKS or JCEKS file")
	}
	version := r.u32()
	if r.err == nil && version != 1 && version != 2 {
		return nil, fmt.Errorf("truststore: JKS version %d, want 1 or 2", version)
	}
	count := r.u32()
	var ders [][]byte
	for i := uint32(0); i < count && r.err == nil; i++ {
		tag := r.u32()
		alias := r.utf()
		r.take(8) // creation time, ms
		switch tag {
		case tagPrivateKey:
			r.blob() // the protected key
			for n := r.u32(); n > 0 && r.err == nil; n-- {
				r.cert(version) // its chain: not trust anchors
			}
		case tagTrustedCert:
			if der := r.cert(version); r.err == nil {
				ders = append(ders, der)
			}
		case tagSecretKey:
			if magic == magicJCEKS {
				r.fail("entry %q is a secret key: keep secret keys out of the trust store, or export its certificates to PEM", alias)
				break
			}
			fallthrough
		default:
			r.fail("entry %q has unknown tag %d", alias, tag)
		}
	}
	body := r.off
	digest := r.take(sha1.Size)
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(data) {
		return nil, fmt.Errorf("truststore: %d bytes after the digest", len(data)-r.off)
	}
	if password != "" && subtle.ConstantTimeCompare(digest, jksDigest(password, data[:body])) != 1 {
		return nil, ErrIntegrity
	}
	certs := make([]*x509.Certificate, 0, len(ders))
	for i, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("truststore: trusted certificate %d of %d: %w", i+1, len(ders), err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// jksDigest is SHA-1 over the password as UTF-16BE code units, the
// whitener and the store's bytes up to the digest.
func jksDigest(password string, body []byte) []byte {
	h := sha1.New()
	var pw bytes.Buffer
	for _, u := range utf16.Encode([]rune(password)) {
		pw.WriteByte(byte(u >> 8))
		pw.WriteByte(byte(u))
	}
	h.Write(pw.Bytes())
	h.Write([]byte(whitener))
	h.Write(body)
	return h.Sum(nil)
}
