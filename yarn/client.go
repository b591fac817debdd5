package yarn

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl/internal/hadoopconf"
	"github.com/mlctl/mlctl/internal/krb"
)

// Config configures a Client.
type Config struct {
	// Addresses are the RM web base URLs ("http://rm1:8088"), one per RM in
	// HA order. Required.
	Addresses []string
	// Kerberos authenticates with SPNEGO when the RM asks (401 Negotiate).
	// nil means no Kerberos: an insecure cluster, where User is sent instead.
	Kerberos *krb.Session
	// SPN overrides the HTTP service principal; "" means HTTP/<RM host>,
	// as Hadoop's own clients derive it.
	SPN string
	// User is sent as ?user.name= (Hadoop's pseudo authentication) when
	// Kerberos is nil. Writes from no user are refused by the RM.
	User string
	// Transport carries the requests (TLS trust for HTTPS_ONLY clusters goes
	// here); nil means a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// Backoff is the first wait of a retried call (SetLifetime, Kill); it
	// doubles up to 2 s. 0 means 250 ms.
	Backoff time.Duration
}

// Client talks to a cluster's ResourceManagers. It is safe for concurrent use.
type Client struct {
	cfg Config

	mu     sync.Mutex
	rms    []*rm
	active int // index into rms of the RM that last answered as active
}

// rm is one ResourceManager with its own cookie jar: the hadoop.auth cookie
// is signed by that RM, and cookie jars ignore ports, so RMs sharing a host
// must not share a jar.
type rm struct {
	base *url.URL
	hc   *http.Client
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if len(cfg.Addresses) == 0 {
		return nil, errors.New("yarn: no ResourceManager address")
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 250 * time.Millisecond
	}
	c := &Client{cfg: cfg}
	for _, a := range cfg.Addresses {
		if _, err := c.addRM(a); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// NewFromConf builds a Client for the RMs of a Hadoop configuration
// (RMWebAddresses, HA included). sess may be nil for an insecure cluster, in
// which case user names the caller.
func NewFromConf(conf *hadoopconf.Conf, sess *krb.Session, user string) (*Client, error) {
	addrs, err := conf.RMWebAddresses()
	if err != nil {
		return nil, err
	}
	if conf.SecurityEnabled() && sess == nil {
		return nil, errors.New("yarn: the cluster uses Kerberos (hadoop.security.authentication=kerberos) but no Kerberos session was given")
	}
	cfg := Config{Kerberos: sess, User: user}
	for _, a := range addrs {
		cfg.Addresses = append(cfg.Addresses, a.URL)
	}
	return New(cfg)
}

func (c *Client) addRM(raw string) (int, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return 0, fmt.Errorf("yarn: bad ResourceManager address %q (want http(s)://host:port)", raw)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{
		Transport: c.cfg.Transport,
		Jar:       jar,
		// Redirects are RM HA's business: a standby's 307 names the active
		// RM, which needs its own cookie jar and a fresh SPNEGO exchange.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.rms = append(c.rms, &rm{base: u, hc: hc})
	return len(c.rms) - 1, nil
}

// ActiveAddress returns the base URL of the RM that last answered as active
// (the first configured one before any call).
func (c *Client) ActiveAddress() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rms[c.active].base.String()
}

// order returns RM indexes to try: the remembered active one first.
func (c *Client) order() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []int{c.active}
	for i := range c.rms {
		if i != c.active {
			out = append(out, i)
		}
	}
	return out
}

func (c *Client) setActive(i int) {
	c.mu.Lock()
	c.active = i
	c.mu.Unlock()
}

// rmFor finds the RM serving loc's host:port, adding one for a host the
// configuration did not list (an RM that redirects by its own host name).
func (c *Client) rmFor(loc *url.URL) (int, *rm) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, r := range c.rms {
		if r.base.Scheme == loc.Scheme && strings.EqualFold(r.base.Host, loc.Host) {
			return i, r
		}
	}
	i, _ := c.addRM(loc.Scheme + "://" + loc.Host)
	return i, c.rms[i]
}

// Apps returns the applications handle.
func (c *Client) Apps() *Apps { return &Apps{c: c} }

// Cluster returns the cluster handle (info, metrics).
func (c *Client) Cluster() *Cluster { return &Cluster{c: c} }

// Scheduler returns the scheduler handle (queues).
func (c *Client) Scheduler() *Scheduler { return &Scheduler{c: c} }
