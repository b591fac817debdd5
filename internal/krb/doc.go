// Package krb is mlctl's one Kerberos login, shared by the yarn and hdfs
// clients: a session from the user's FILE ticket cache (what kinit made) or
// from a keytab and principal, with krb5.conf from KRB5_CONFIG or
// /etc/krb5.conf, and SPNEGO headers for HTTP services.
//
// A keytab login keeps its tickets in memory and writes no ticket cache; a
// keytab others can read, or another user's, is refused as ssh refuses such
// a private key (CheckKeytabFile).
//
// Every failure a user can fix — no ticket, expired ticket, a KCM: or
// KEYRING: cache, clock skew, an unknown realm, a wrong key — comes back as
// an *Error carrying exit code 4 (internal/errs) and a hint saying what to
// run. It wraps github.com/jcmturner/gokrb5/v8 and must not import cobra,
// the engine, or the yarn and hdfs packages that build on it.
package krb
