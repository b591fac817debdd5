#!/usr/bin/env bash
# Regenerates the trust stores the tests read, with the JDK's keytool and
# OpenSSL (run from this directory; the tests then need neither):
#   ca1.pem, ca2.pem   two self-signed CAs (EC P-256, 100 years)
#   trust.jks          both, trusted entries, storepass changeit (JKS, version 2)
#   trust.p12          both, trusted entries, storepass changeit (PKCS12 as Java 17 writes it:
#                      PBES2/AES-256-CBC certificate bags, HMAC-SHA-256 MAC)
#   trust.jceks        ca1, storepass changeit (JCEKS)
#   mixed.jks          a private-key entry (its own self-signed chain) and ca2 trusted
#   keyonly.p12        a private-key entry only (not a trust store)
set -euo pipefail
cd "$(dirname "$0")"
rm -f ca1.pem ca2.pem trust.jks trust.p12 trust.jceks mixed.jks keyonly.p12
for n in 1 2; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/O=mlctl test/CN=truststore test CA $n" -days 36500 -out ca$n.pem 2>/dev/null
done
imp() { keytool -importcert -noprompt -storepass changeit "$@" >/dev/null 2>&1; }
imp -storetype jks -keystore trust.jks -alias ca1 -file ca1.pem
imp -storetype jks -keystore trust.jks -alias ca2 -file ca2.pem
imp -storetype pkcs12 -keystore trust.p12 -alias ca1 -file ca1.pem
imp -storetype pkcs12 -keystore trust.p12 -alias ca2 -file ca2.pem
imp -storetype jceks -keystore trust.jceks -alias ca1 -file ca1.pem
keytool -genkeypair -noprompt -storetype jks -keystore mixed.jks -storepass changeit -keypass changeit \
  -alias server -keyalg EC -groupname secp256r1 -dname "CN=server" -validity 36500 >/dev/null 2>&1
imp -storetype jks -keystore mixed.jks -alias ca2 -file ca2.pem
keytool -genkeypair -noprompt -storetype pkcs12 -keystore keyonly.p12 -storepass changeit \
  -alias server -keyalg EC -groupname secp256r1 -dname "CN=server" -validity 36500 >/dev/null 2>&1
echo "keytool: $(java -version 2>&1 | head -1)"
