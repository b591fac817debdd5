package mlctl.testcluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.Base64;
import java.util.Date;
import java.util.TimeZone;

/**
 * Mints a throw-away CA and a server certificate for the HTTPS_ONLY mode: RSA-2048, SHA-256 with RSA,
 * server SAN DNS:localhost and IP:127.0.0.1 (OpenSSL 3 and Go refuse Hadoop's RSA-1024/SHA1 test certs,
 * which also lack a SAN). The X.509 structures are DER-encoded here so that no extra library or
 * external keytool process is needed; the JDK signs and parses them.
 */
final class Certs {
  private Certs() {}

  /** What {@link #generate} wrote. */
  static final class Result {
    File caPem;
    File keystore;
    File truststore;
    String storeType;
    String password;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  // OIDs
  private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
  private static final String CN = "2.5.4.3";
  private static final String O = "2.5.4.10";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXT_KEY_USAGE = "2.5.29.37";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /**
   * Writes {@code caPem} (PEM CA certificate), {@code keystore} (server key + chain) and
   * {@code truststore} (the CA only), both of {@code storeType} (jks or pkcs12).
   */
  static Result generate(File caPem, File keystore, File truststore, String storeType, String password)
      throws IOException, GeneralSecurityException {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048, RANDOM);
    KeyPair caKeys = kpg.generateKeyPair();
    KeyPair serverKeys = kpg.generateKeyPair();

    long now = System.currentTimeMillis();
    Date notBefore = new Date(now - 3600_000L);
    Date notAfter = new Date(now + 365L * 24 * 3600_000L);

    byte[] caName = name("mlctl testcluster CA");
    byte[] caKeyId = keyId(caKeys.getPublic());
    byte[] caExts = seq(
        ext(BASIC_CONSTRAINTS, true, seq(bool(true))),
        ext(KEY_USAGE, true, bitString(new byte[] {0x06}, 1)), // keyCertSign, cRLSign
        ext(SUBJECT_KEY_ID, false, octets(caKeyId)));
    X509Certificate ca = sign(caName, caName, caKeys.getPublic(), caKeys.getPrivate(), notBefore, notAfter, caExts);

    byte[] san = seq(
        tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)), // dNSName
        tlv(0x87, new byte[] {127, 0, 0, 1}));                        // iPAddress
    byte[] serverExts = seq(
        ext(BASIC_CONSTRAINTS, true, seq()),
        ext(KEY_USAGE, true, bitString(new byte[] {(byte) 0xA0}, 5)), // digitalSignature, keyEncipherment
        ext(EXT_KEY_USAGE, false, seq(oid(SERVER_AUTH), oid(CLIENT_AUTH))),
        ext(SUBJECT_ALT_NAME, false, san),
        ext(SUBJECT_KEY_ID, false, octets(keyId(serverKeys.getPublic()))),
        ext(AUTHORITY_KEY_ID, false, seq(tlv(0x80, caKeyId))));
    X509Certificate server = sign(name("localhost"), caName, serverKeys.getPublic(), caKeys.getPrivate(),
        notBefore, notAfter, serverExts);
    server.verify(caKeys.getPublic());

    char[] pw = password.toCharArray();
    KeyStore ks = KeyStore.getInstance(storeType.toUpperCase());
    ks.load(null, pw);
    ks.setKeyEntry("server", serverKeys.getPrivate(), pw, new Certificate[] {server, ca});
    ks.setCertificateEntry("ca", ca);
    store(ks, keystore, pw);

    KeyStore ts = KeyStore.getInstance(storeType.toUpperCase());
    ts.load(null, pw);
    ts.setCertificateEntry("ca", ca);
    store(ts, truststore, pw);

    String pem = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ca.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    Files.write(caPem.toPath(), pem.getBytes(StandardCharsets.US_ASCII));

    Result r = new Result();
    r.caPem = caPem;
    r.keystore = keystore;
    r.truststore = truststore;
    r.storeType = storeType.toLowerCase();
    r.password = password;
    return r;
  }

  private static void store(KeyStore ks, File f, char[] pw) throws IOException, GeneralSecurityException {
    try (OutputStream out = new FileOutputStream(f)) {
      ks.store(out, pw);
    }
  }

  private static X509Certificate sign(byte[] subject, byte[] issuer, PublicKey subjectKey, PrivateKey issuerKey,
      Date notBefore, Date notAfter, byte[] extensions) throws GeneralSecurityException {
    byte[] alg = seq(oid(SHA256_WITH_RSA), new byte[] {0x05, 0x00});
    byte[] serial = new BigInteger(63, RANDOM).add(BigInteger.ONE).toByteArray();
    byte[] tbs = seq(
        tlv(0xA0, integer(new byte[] {2})), // v3
        integer(serial),
        alg,
        issuer,
        seq(time(notBefore), time(notAfter)),
        subject,
        subjectKey.getEncoded(), // SubjectPublicKeyInfo, already DER
        tlv(0xA3, extensions));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(issuerKey);
    s.update(tbs);
    byte[] cert = seq(tbs, alg, bitString(s.sign(), 0));
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(cert));
  }

  private static byte[] keyId(PublicKey key) throws GeneralSecurityException {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    byte[] id = new byte[20];
    System.arraycopy(d, 0, id, 0, 20);
    return id;
  }

  private static byte[] name(String cn) {
    return seq(
        set(seq(oid(O), tlv(0x0C, "mlctl".getBytes(StandardCharsets.UTF_8)))),
        set(seq(oid(CN), tlv(0x0C, cn.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] ext(String id, boolean critical, byte[] value) {
    return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
  }

  private static byte[] time(Date d) {
    SimpleDateFormat f = new SimpleDateFormat("yyMMddHHmmss'Z'");
    f.setTimeZone(TimeZone.getTimeZone("UTC"));
    return tlv(0x17, f.format(d).getBytes(StandardCharsets.US_ASCII)); // UTCTime (years before 2050)
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, concat(parts));
  }

  private static byte[] bool(boolean b) {
    return new byte[] {0x01, 0x01, (byte) (b ? 0xFF : 0x00)};
  }

  private static byte[] integer(byte[] twosComplement) {
    return tlv(0x02, twosComplement);
  }

  private static byte[] octets(byte[] b) {
    return tlv(0x04, b);
  }

  private static byte[] bitString(byte[] b, int unusedBits) {
    byte[] v = new byte[b.length + 1];
    v[0] = (byte) unusedBits;
    System.arraycopy(b, 0, v, 1, b.length);
    return tlv(0x03, v);
  }

  private static byte[] oid(String dotted) {
    String[] p = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(p[0]) * 40 + Integer.parseInt(p[1]));
    for (int i = 2; i < p.length; i++) {
      long v = Long.parseLong(p[i]);
      int n = 0;
      byte[] tmp = new byte[10];
      do {
        tmp[n++] = (byte) (v & 0x7F);
        v >>>= 7;
      } while (v != 0);
      for (int j = n - 1; j >= 0; j--) {
        out.write(j == 0 ? tmp[j] : (tmp[j] | 0x80));
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.write(value, 0, value.length);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }
}
