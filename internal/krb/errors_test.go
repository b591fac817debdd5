package krb

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/krberror"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/mlctl/mlctl/internal/errs"
)

// kdcErr is what gokrb5 returns when the KDC answers with a KRB-ERROR: the
// code flattened into the text of a Krberror.
func kdcErr(code int32) error {
	return krberror.Errorf(messages.KRBError{ErrorCode: code}, krberror.KDCError, "AS Exchange Error: kerberos error response from KDC")
}

func TestMapError(t *testing.T) {
	c := Context{Principal: "alice@EX.COM", Realm: "EX.COM", Service: "HTTP/10.0.0.1", Krb5Conf: "/etc/krb5.conf"}
	cases := []struct {
		name     string
		err      error
		kind     Kind
		sentinel error
		hint     string
	}{
		{"ap skew", kdcErr(errorcode.KRB_AP_ERR_SKEW), KindClockSkew, ErrClockSkew, "clock"},
		{"kdc skew text", errors.New("KDC_ERR_SKEW"), KindClockSkew, ErrClockSkew, "clock"},
		{"preauth failed", kdcErr(errorcode.KDC_ERR_PREAUTH_FAILED), KindBadCredentials, ErrBadCredentials, "keytab"},
		{"bad integrity", kdcErr(errorcode.KRB_AP_ERR_BAD_INTEGRITY), KindBadCredentials, ErrBadCredentials, "password"},
		{"decrypt AS_REP", krberror.Errorf(errors.New("x"), krberror.KRBMsgError, "AS Exchange Error: AS_REP is not valid or client password/keytab incorrect"), KindBadCredentials, ErrBadCredentials, "keytab"},
		{"keytab etype", fmt.Errorf("matching key not found in keytab. Looking for %q", "alice"), KindBadCredentials, ErrBadCredentials, "klist -kte"},
		{"unknown client", kdcErr(errorcode.KDC_ERR_C_PRINCIPAL_UNKNOWN), KindUnknownPrincipal, ErrUnknownPrincipal, "user@REALM"},
		{"unknown service", kdcErr(errorcode.KDC_ERR_S_PRINCIPAL_UNKNOWN), KindUnknownService, ErrUnknownService, "not an IP"},
		{"no kdc", errors.New("no KDCs defined in configuration for realm EX.COM"), KindUnknownRealm, ErrUnknownRealm, "[realms] in /etc/krb5.conf"},
		{"realm no kdcs", errors.New("client krb5 config does not have any defined KDCs for the default realm"), KindUnknownRealm, ErrUnknownRealm, "EX.COM = { kdc"},
		{"unreachable", krberror.Errorf(errors.New("failed to communicate with KDC. Attempts made with TCP"), krberror.NetworkingError, "AS Exchange Error: failed sending AS_REQ to KDC"), KindKDCUnreachable, ErrKDCUnreachable, "reachable"},
		{"tkt expired", kdcErr(errorcode.KRB_AP_ERR_TKT_EXPIRED), KindExpired, ErrExpired, "kinit"},
		{"etype", kdcErr(errorcode.KDC_ERR_ETYPE_NOSUPP), KindConfig, ErrConfig, "enctypes"},
		{"other", errors.New("something else"), KindOther, nil, "kinit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := MapError(tc.err, c)
			if errs.Code(err) != errs.Auth {
				t.Errorf("exit code = %d, want %d", errs.Code(err), errs.Auth)
			}
			var ke *Error
			if !errors.As(err, &ke) {
				t.Fatalf("%v is not an *Error", err)
			}
			if ke.Kind != tc.kind {
				t.Errorf("kind = %v, want %v", ke.Kind, tc.kind)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(%v) false", tc.sentinel)
			}
			if h := errs.Hint(err); !strings.Contains(h, tc.hint) {
				t.Errorf("hint %q does not contain %q", h, tc.hint)
			}
			if ke.Err == nil || ke.Err.Error() != tc.err.Error() {
				t.Error("the library's error is not on the chain")
			}
		})
	}
	if MapError(nil, c) != nil {
		t.Error("MapError(nil) != nil")
	}
	already := MapError(errors.New("KDC_ERR_SKEW"), c)
	if MapError(already, c) != already {
		t.Error("an *Error is mapped again")
	}
	if errors.Is(MapError(errors.New("KDC_ERR_SKEW"), c), ErrExpired) {
		t.Error("skew matches ErrExpired")
	}
}

func TestKindString(t *testing.T) {
	if KindClockSkew.String() != "clock skew" || Kind(99).String() != "Kind(99)" {
		t.Error(KindClockSkew.String(), Kind(99).String())
	}
}
