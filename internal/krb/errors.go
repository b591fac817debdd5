package krb

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/errs"
)

// Kind says what went wrong with a login, so callers can branch on it and
// tests can check it.
type Kind int

const (
	KindOther             Kind = iota // anything not classified below
	KindNoCCache                      // no ticket cache, or no TGT in it
	KindExpired                       // the TGT (or a ticket) has expired
	KindUnsupportedCCache             // KCM:, KEYRING:, DIR:, MEMORY:, API:
	KindClockSkew                     // KRB_AP_ERR_SKEW: clocks differ too much
	KindUnknownRealm                  // no KDC for the realm in krb5.conf
	KindBadCredentials                // wrong password or keytab key
	KindUnknownPrincipal              // the KDC does not know the client
	KindUnknownService                // the KDC does not know the service principal
	KindKDCUnreachable                // no KDC answered
	KindConfig                        // krb5.conf or keytab unreadable or invalid
)

var kindNames = [...]string{"other", "no ticket cache", "expired", "unsupported ticket cache",
	"clock skew", "unknown realm", "bad credentials", "unknown principal", "unknown service",
	"KDC unreachable", "configuration"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a Kerberos failure. errors.Is(err, ErrExpired) and friends match
// on Kind. Login and MapError return it wrapped in an *errs.E with exit code
// 4 and Hint set, so errs.Hint(err) tells the user what to do.
type Error struct {
	Kind    Kind
	Msg     string    // one line for the user
	EndTime time.Time // the expired ticket's end time, for KindExpired
	Hint    string    // what to run or change
	Err     error     // the library's error, if any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Msg == "" {
		return "kerberos: " + e.Err.Error()
	}
	return "kerberos: " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches sentinels by Kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Msg == "" && t.Err == nil && t.Kind == e.Kind
}

// Sentinels for errors.Is.
var (
	ErrNoCCache          = &Error{Kind: KindNoCCache}
	ErrExpired           = &Error{Kind: KindExpired}
	ErrUnsupportedCCache = &Error{Kind: KindUnsupportedCCache}
	ErrClockSkew         = &Error{Kind: KindClockSkew}
	ErrUnknownRealm      = &Error{Kind: KindUnknownRealm}
	ErrBadCredentials    = &Error{Kind: KindBadCredentials}
	ErrUnknownPrincipal  = &Error{Kind: KindUnknownPrincipal}
	ErrUnknownService    = &Error{Kind: KindUnknownService}
	ErrKDCUnreachable    = &Error{Kind: KindKDCUnreachable}
	ErrConfig            = &Error{Kind: KindConfig}
)

// fixedCCache is the command that makes a FILE cache on hosts whose default
// (KCM: on Fedora/RHEL, KEYRING: on older RHEL) gokrb5 cannot read.
const fixedCCache = "export KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u); kinit"

func authErr(e *Error) error { return errs.New(errs.Auth, e, e.Hint) }

// Context for MapError's messages: who was logging in where.
type Context struct {
	Principal string // client principal, if known
	Realm     string
	Service   string // service principal being asked for, if any
	Krb5Conf  string // path of krb5.conf, for hints
}

// MapError turns an error from gokrb5 (AS or TGS exchange, SPNEGO) into an
// *Error with its hint, wrapped with exit code 4. gokrb5 flattens the KDC's
// KRB-ERROR into text, so the code is recognised by its RFC 4120 name. An
// error that already is an *Error is returned unchanged; nil stays nil.
func MapError(err error, c Context) error {
	if err == nil {
		return nil
	}
	var ke *Error
	if errors.As(err, &ke) {
		return err
	}
	return authErr(classify(err, c))
}

func classify(err error, c Context) *Error {
	s := err.Error()
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
	who := c.Principal
	if who == "" {
		who = "the client"
	}
	conf := c.Krb5Conf
	if conf == "" {
		conf = "krb5.conf"
	}
	e := &Error{Err: err}
	switch {
	case has("KRB_AP_ERR_SKEW", "KDC_ERR_SKEW", "Clock skew too great"):
		e.Kind, e.Msg = KindClockSkew, "this machine's clock and the KDC's differ by more than the allowed skew"
		e.Hint = "set the clock right (e.g. `timedatectl`, chronyd or ntpd); Kerberos allows 5 minutes by default (clockskew in krb5.conf)"
	case has("KRB_AP_ERR_TKT_EXPIRED", "KDC_ERR_TGT_REVOKED", "no valid existing session"):
		e.Kind, e.Msg = KindExpired, "the Kerberos ticket of "+who+" has expired"
		e.Hint = "run kinit"
	case has("KDC_ERR_PREAUTH_FAILED", "KRB_AP_ERR_BAD_INTEGRITY", "password/keytab incorrect", "Decrypting_Error"):
		e.Kind, e.Msg = KindBadCredentials, "the KDC refused the key of "+who+" (wrong password or stale keytab)"
		e.Hint = "check the password, or get a fresh keytab if the principal's key was changed (its kvno moves on each change)"
	case has("matching key not found in keytab"):
		e.Kind, e.Msg = KindBadCredentials, "the keytab has no key for "+who+" of an encryption type the KDC offers"
		e.Hint = "check the principal with `klist -kte KEYTAB`, or export a keytab for it with the KDC's encryption types"
	case has("KDC_ERR_C_PRINCIPAL_UNKNOWN"):
		e.Kind, e.Msg = KindUnknownPrincipal, "the KDC does not know "+who
		e.Hint = "check the principal name and realm (user@REALM)"
	case has("KDC_ERR_S_PRINCIPAL_UNKNOWN"):
		svc := c.Service
		if svc == "" {
			svc = "the service"
		}
		e.Kind, e.Msg = KindUnknownService, "the KDC does not know the service principal "+svc
		e.Hint = "use the service's host name as its principal names it (e.g. localhost or the FQDN, not an IP address), or set the principal explicitly"
	case has("no KDCs defined", "does not have any defined KDCs", "no KDC SRV records", "cannot find KDC"):
		realm := c.Realm
		if realm == "" {
			realm = "the realm"
		}
		e.Kind, e.Msg = KindUnknownRealm, "no KDC for "+realm+" in "+conf
		e.Hint = "add " + realm + " = { kdc = HOST:PORT } under [realms] in " + conf + " (or set KRB5_CONFIG to the cluster's krb5.conf)"
	case has("KDC_ERR_ETYPE_NOSUPP"):
		e.Kind, e.Msg = KindConfig, "the KDC supports none of the client's encryption types"
		e.Hint = "align default_tkt_enctypes/permitted_enctypes in " + conf + " with the KDC's"
	case has("failed to communicate with KDC", "error sending to a KDC", "communication error with KDC", "Networking_Error"):
		e.Kind, e.Msg = KindKDCUnreachable, "no KDC answered"
		e.Hint = "check the kdc lines of " + conf + " and that the KDC is reachable from here"
	default:
		e.Kind = KindOther
		e.Hint = "run kinit, or check " + conf
	}
	return e
}
