package krb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// DefaultKrb5Conf is used when KRB5_CONFIG is unset.
const DefaultKrb5Conf = "/etc/krb5.conf"

// Options say where to log in from. The zero value means what MIT kinit and
// Hadoop's clients do: the ticket cache named by KRB5CCNAME, krb5.conf from
// KRB5_CONFIG.
type Options struct {
	// Krb5Conf is the krb5.conf path; "" means $KRB5_CONFIG (its first
	// entry, if a list), else /etc/krb5.conf.
	Krb5Conf string
	// CCache is the ticket cache ("FILE:/path" or a path); "" means
	// $KRB5CCNAME, else default_ccache_name from krb5.conf, else
	// /tmp/krb5cc_<uid>. Ignored when Keytab is set.
	CCache string
	// Keytab, when set, logs in with a key from this file instead of a cache.
	Keytab string
	// Principal to log in as with Keytab: "user", "user@REALM" or
	// "service/host@REALM"; "" takes the keytab's first entry. The realm
	// defaults to krb5.conf's default_realm.
	Principal string
	// Now is the clock for expiry checks; nil means time.Now.
	Now func() time.Time
}

// Session is a logged-in Kerberos client. Its methods are safe for
// concurrent use (gokrb5's client locks its own caches).
type Session struct {
	Principal string    // user@REALM
	Realm     string    // the client's realm
	Source    string    // "FILE:/tmp/krb5cc_1000" or "keytab:/path"
	EndTime   time.Time // TGT end time from the cache; zero for keytab logins (gokrb5 renews them)
	Krb5Conf  string    // the krb5.conf path used

	cl  *client.Client
	now func() time.Time
}

// Client returns the gokrb5 client, for libraries that take one (such as
// colinmarc/hdfs).
func (s *Session) Client() *client.Client { return s.cl }

// Destroy forgets the session's tickets.
func (s *Session) Destroy() { s.cl.Destroy() }

// Check returns the expired-ticket error when a cache-based session has
// passed its TGT's end time: gokrb5 cannot renew a TGT it did not get itself.
func (s *Session) Check() error {
	if !s.EndTime.IsZero() && !s.now().Before(s.EndTime) {
		return expired(s.Principal, s.Source, s.EndTime)
	}
	return nil
}

func (s *Session) context(service string) Context {
	return Context{Principal: s.Principal, Realm: s.Realm, Service: service, Krb5Conf: s.Krb5Conf}
}

// Login logs in per opts. With a keytab it does an AS exchange with the KDC
// (bounded by ctx); from a cache it only reads and checks the TGT. Errors are
// *Error wrapped with exit code 4 and a hint.
func Login(ctx context.Context, opts Options) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	confPath, cfg, err := loadConfig(opts.Krb5Conf)
	if err != nil {
		return nil, err
	}
	settings := []func(*client.Settings){
		// Verified against MiniKdc and MIT: FAST armour needs a ticket we do
		// not have, and gokrb5's attempt breaks the AS exchange.
		client.DisablePAFXFAST(true),
	}
	if opts.Keytab != "" {
		return keytabLogin(ctx, opts, confPath, cfg, now, settings)
	}
	return ccacheLogin(opts, confPath, cfg, now, settings)
}

// Krb5ConfPath resolves the krb5.conf path as Login does.
func Krb5ConfPath(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if v := os.Getenv("KRB5_CONFIG"); v != "" {
		// MIT allows a colon-separated list; the first file is the main one.
		first, _, _ := strings.Cut(v, ":")
		return first
	}
	return DefaultKrb5Conf
}

func loadConfig(explicit string) (string, *config.Config, error) {
	path := Krb5ConfPath(explicit)
	if _, err := os.Stat(path); err != nil {
		return path, nil, authErr(&Error{Kind: KindConfig, Err: err,
			Msg:  "cannot read krb5.conf at " + path,
			Hint: "set KRB5_CONFIG to the cluster's krb5.conf (or install it at /etc/krb5.conf)"})
	}
	cfg, err := config.Load(path)
	var unsupported config.UnsupportedDirective
	if err != nil && !errors.As(err, &unsupported) {
		return path, nil, authErr(&Error{Kind: KindConfig, Err: err,
			Msg: fmt.Sprintf("invalid krb5.conf %s: %v", path, err), Hint: "fix " + path})
	}
	return path, cfg, nil
}

func keytabLogin(ctx context.Context, opts Options, confPath string, cfg *config.Config,
	now func() time.Time, settings []func(*client.Settings)) (*Session, error) {
	if err := CheckKeytabFile(opts.Keytab); err != nil {
		return nil, err
	}
	kt, err := keytab.Load(opts.Keytab)
	if err != nil {
		hint := "check the keytab path and that it is readable by you"
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			hint = "the file is not a keytab; export it again (ktutil or kadmin ktadd)"
		}
		return nil, authErr(&Error{Kind: KindConfig, Err: err, Msg: "cannot read keytab " + opts.Keytab + ": " + err.Error(), Hint: hint})
	}
	user, realm := splitPrincipal(opts.Principal)
	if user == "" {
		if len(kt.Entries) == 0 {
			return nil, authErr(&Error{Kind: KindConfig, Msg: "keytab " + opts.Keytab + " is empty", Hint: "export the principal's keys into it"})
		}
		p := kt.Entries[0].Principal
		user, realm = strings.Join(p.Components, "/"), p.Realm
	}
	if realm == "" {
		realm = cfg.LibDefaults.DefaultRealm
	}
	if realm == "" {
		return nil, authErr(&Error{Kind: KindConfig, Msg: "no realm in principal " + opts.Principal + " and no default_realm in " + confPath,
			Hint: "write the principal as user@REALM"})
	}
	principal := user + "@" + realm
	c := Context{Principal: principal, Realm: realm, Krb5Conf: confPath}
	if !hasKDC(cfg, realm) {
		return nil, MapError(fmt.Errorf("no KDCs defined in configuration for realm %s", realm), c)
	}
	cl := client.NewWithKeytab(user, realm, kt, cfg, settings...)
	done := make(chan error, 1)
	go func() { done <- cl.Login() }()
	select {
	case <-ctx.Done():
		// gokrb5 has no context; its own dial timeouts end the goroutine.
		return nil, ctx.Err()
	case err := <-done:
		if err != nil {
			return nil, MapError(err, c)
		}
	}
	return &Session{Principal: principal, Realm: realm, Source: "keytab:" + opts.Keytab,
		Krb5Conf: confPath, cl: cl, now: now}, nil
}

// splitPrincipal splits "name@REALM" at the last @ (names may hold '@' when
// escaped, realms never do).
func splitPrincipal(p string) (name, realm string) {
	p = strings.TrimSpace(p)
	if i := strings.LastIndexByte(p, '@'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return p, ""
}

func expired(principal, source string, end time.Time) error {
	return authErr(&Error{Kind: KindExpired, EndTime: end,
		Msg:  fmt.Sprintf("the Kerberos ticket of %s in %s expired at %s", principal, source, end.Local().Format(time.RFC3339)),
		Hint: "run kinit"})
}

// SPN returns the HTTP service principal for a URL host ("HTTP/host"), as
// Hadoop's KerberosAuthenticator builds it: the host lowercased, an IP
// address replaced by its reverse-DNS name (the KDC knows HTTP/localhost,
// not HTTP/127.0.0.1).
func SPN(ctx context.Context, hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if net.ParseIP(host) != nil {
		if names, err := net.DefaultResolver.LookupAddr(ctx, host); err == nil && len(names) > 0 {
			host = strings.TrimSuffix(names[0], ".")
		}
	}
	return "HTTP/" + strings.ToLower(host)
}

// SetSPNEGOHeader sets "Authorization: Negotiate ..." on req for spn
// (SPN(req.URL.Host) when ""), getting a service ticket from the KDC if the
// session has none cached. Errors are mapped like Login's.
func (s *Session) SetSPNEGOHeader(ctx context.Context, req *http.Request, spn string) error {
	if err := s.Check(); err != nil {
		return err
	}
	if spn == "" {
		spn = SPN(ctx, req.URL.Host)
	}
	// The exchange runs on a copy: if ctx ends first, the goroutine must not
	// write to a request the caller still owns.
	tmp, err := http.NewRequest(http.MethodGet, req.URL.String(), nil)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- spnego.SetSPNEGOHeader(s.cl, tmp, spn) }()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-done:
		if err != nil {
			return MapError(err, s.context(spn))
		}
	}
	req.Header.Set(spnego.HTTPHeaderAuthRequest, tmp.Header.Get(spnego.HTTPHeaderAuthRequest))
	return nil
}
