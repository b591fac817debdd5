// Package truststore reads the trusted certificates of a Java trust store —
// the file Hadoop's clients name in ssl-client.xml
// (ssl.client.truststore.location) — so that mlctl trusts the same
// certificate authorities as the hadoop command on the same gateway.
//
// Formats, recognised by their first bytes as Java 9+ does for the "jks" and
// "pkcs12" types (keystore.type.compat):
//
//	JKS    magic FE ED FE ED, version 1 or 2, entries, SHA-1 integrity digest
//	JCEKS  magic CE CE CE CE, the same layout; secret-key entries are refused
//	PKCS12 a DER SEQUENCE, read with software.sslmate.com/src/go-pkcs12
//	       (Java writes PBES2/AES-256 and an HMAC-SHA-256 MAC since Java 12,
//	       which golang.org/x/crypto/pkcs12 cannot read)
//
// Only trusted-certificate entries count, as for Java's PKIX trust manager;
// private-key entries of a JKS are stepped over. The integrity digest (JKS)
// or MAC (PKCS12) is checked when a password is given; without one Java loads
// a JKS unchecked, and so does Read.
//
// It imports the standard library and go-pkcs12 only; no mlctl package.
package truststore
