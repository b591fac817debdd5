package truststore

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Types are the ssl.client.truststore.type values Read accepts ("" is
// Hadoop's default, jks).
var Types = []string{"jks", "pkcs12", "jceks"}

// Read returns the trusted certificates of a Java trust store of type typ.
// The format is taken from the data itself, as Java 9+ loads a PKCS12 file
// declared "jks" and the other way round; typ only has to be one Java would
// accept for such a file. password "" skips the integrity check of a JKS
// (Java does too when Hadoop passes no password); a PKCS12 without a
// password must have been written without one.
func Read(data []byte, typ, password string) ([]*x509.Certificate, error) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	switch typ {
	case "", "jks", "pkcs12", "jceks":
	default:
		return nil, fmt.Errorf("truststore: type %q is not supported (want one of %s)", typ, strings.Join(Types, ", "))
	}
	var (
		certs []*x509.Certificate
		err   error
	)
	switch {
	case len(data) >= 4 && (binary.BigEndian.Uint32(data) == magicJKS || binary.BigEndian.Uint32(data) == magicJCEKS):
		certs, err = readJKS(data, password)
	case len(data) > 0 && data[0] == 0x30: // DER SEQUENCE: a PFX
		certs, err = pkcs12.DecodeTrustStore(data, password)
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			err = ErrIntegrity
		} else if err != nil {
			err = fmt.Errorf("truststore: PKCS12: %w (a Java trust store holds only trusted certificates, as keytool -importcert makes them)", err)
		}
	default:
		return nil, errors.New("truststore: neither JKS, JCEKS nor PKCS12 (PEM files go in MLCTL_HDFS_CA instead)")
	}
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, errors.New("truststore: no trusted certificate in it")
	}
	return certs, nil
}

// PEM encodes certificates as a PEM bundle, in order.
func PEM(certs []*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}
