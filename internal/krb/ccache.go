package krb

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/types"
)

// unsupportedTypes are credential-cache types gokrb5 cannot read (its issue
// #427): it reads the FILE format only.
var unsupportedTypes = []string{"KCM", "KEYRING", "DIR", "MEMORY", "MSLSA", "API"}

// CCachePath resolves the ticket cache as Login does and returns it as a
// file path, or an *Error for a cache type that is not a file. confPath is
// the krb5.conf whose default_ccache_name applies when KRB5CCNAME is unset.
func CCachePath(explicit, confPath string) (string, error) {
	name, from := explicit, "the ticket cache option"
	if name == "" {
		name, from = os.Getenv("KRB5CCNAME"), "KRB5CCNAME"
	}
	if name == "" {
		name, from = defaultCCacheName(confPath), "default_ccache_name in "+confPath
	}
	if name == "" {
		return "/tmp/krb5cc_" + strconv.Itoa(os.Getuid()), nil
	}
	if typ, rest, ok := strings.Cut(name, ":"); ok && !strings.Contains(typ, "/") {
		switch {
		case strings.EqualFold(typ, "FILE"):
			return rest, nil
		case isUnsupported(typ):
			return "", authErr(&Error{Kind: KindUnsupportedCCache,
				Msg:  fmt.Sprintf("the ticket cache %s (from %s) is of type %s, which mlctl cannot read; it reads FILE caches", name, from, strings.ToUpper(typ)),
				Hint: "get a ticket in a FILE cache: " + fixedCCache})
		}
	}
	return name, nil
}

func isUnsupported(typ string) bool {
	for _, t := range unsupportedTypes {
		if strings.EqualFold(typ, t) {
			return true
		}
	}
	return false
}

// defaultCCacheName reads default_ccache_name from [libdefaults], which
// gokrb5 does not parse, expanding the %{uid}/%{USERID}/%{TEMP} tokens MIT
// documents. "" when unset.
func defaultCCacheName(confPath string) string {
	f, err := os.Open(confPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[] ")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section != "libdefaults" || strings.TrimSpace(k) != "default_ccache_name" {
			continue
		}
		uid := strconv.Itoa(os.Getuid())
		r := strings.NewReplacer("%{uid}", uid, "%{USERID}", uid, "%{euid}", strconv.Itoa(os.Geteuid()), "%{TEMP}", os.TempDir())
		return r.Replace(strings.TrimSpace(v))
	}
	return ""
}

// loadCCache reads a FILE cache.
func loadCCache(path string) (*credentials.CCache, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseCCache(data)
}

// parseCCache checks the file's structure first (validateCCache) and still
// recovers from a panic in gokrb5's parser, which indexes without checks.
func parseCCache(data []byte) (cc *credentials.CCache, err error) {
	if err := validateCCache(data); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			cc, err = nil, fmt.Errorf("malformed ticket cache: %v", r)
		}
	}()
	cc = new(credentials.CCache)
	if err := cc.Unmarshal(data); err != nil {
		return nil, err
	}
	return cc, nil
}

func ccacheLogin(opts Options, confPath string, cfg *config.Config, now func() time.Time,
	settings []func(*client.Settings)) (*Session, error) {
	path, err := CCachePath(opts.CCache, confPath)
	if err != nil {
		return nil, err
	}
	source := "FILE:" + path
	cc, err := loadCCache(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, authErr(&Error{Kind: KindNoCCache, Err: err,
			Msg:  "no Kerberos ticket: there is no ticket cache at " + path,
			Hint: "run kinit (or give a keytab and principal)"})
	case err != nil:
		return nil, authErr(&Error{Kind: KindNoCCache, Err: err,
			Msg:  fmt.Sprintf("cannot read the ticket cache %s: %v", path, err),
			Hint: "run kinit to write a fresh one"})
	}
	realm := cc.DefaultPrincipal.Realm
	principal := cc.DefaultPrincipal.PrincipalName.PrincipalNameString() + "@" + realm
	tgtName := types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", realm}}
	tgt, ok := cc.GetEntry(tgtName)
	if !ok {
		return nil, authErr(&Error{Kind: KindNoCCache,
			Msg:  fmt.Sprintf("the ticket cache %s holds no ticket-granting ticket for %s", path, realm),
			Hint: "run kinit"})
	}
	if !now().Before(tgt.EndTime) {
		return nil, expired(principal, source, tgt.EndTime)
	}
	c := Context{Principal: principal, Realm: realm, Krb5Conf: confPath}
	cl, err := client.NewFromCCache(cc, cfg, settings...)
	if err != nil {
		return nil, MapError(err, c)
	}
	if !hasKDC(cfg, realm) {
		return nil, MapError(fmt.Errorf("no KDCs defined in configuration for realm %s", realm), c)
	}
	return &Session{Principal: principal, Realm: realm, Source: source, EndTime: tgt.EndTime,
		Krb5Conf: confPath, cl: cl, now: now}, nil
}

// hasKDC reports whether krb5.conf can find a KDC for realm. gokrb5's own
// IsConfigured passes a realm missing from [realms]; the failure would then
// surface only at the first service ticket, far from its cause.
func hasKDC(cfg *config.Config, realm string) bool {
	if cfg.LibDefaults.DNSLookupKDC {
		return true // SRV records may name it; asking DNS here would be I/O
	}
	for _, r := range cfg.Realms {
		if r.Realm == realm && len(r.KDC) > 0 {
			return true
		}
	}
	return false
}
