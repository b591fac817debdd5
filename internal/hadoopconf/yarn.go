package hadoopconf

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// Default ports from yarn-default.xml; the client has no yarn-default.xml,
// so the defaults Hadoop would read from it are spelled out here.
const (
	defaultRMWebPort       = 8088
	defaultRMWebHTTPSPort  = 8090
	defaultRMSchedulerPort = 8030
	defaultRMHostname      = "0.0.0.0"
)

// RMAddress is one ResourceManager endpoint.
type RMAddress struct {
	ID   string // HA rm-id ("rm1"), "" when HA is off
	Addr string // host:port
	URL  string // scheme://host:port, for web addresses; "" otherwise
}

// RMHAEnabled reports yarn.resourcemanager.ha.enabled.
func (c *Conf) RMHAEnabled() bool { return c.GetBool("yarn.resourcemanager.ha.enabled", false) }

// RMIDs returns the HA rm-ids (yarn.resourcemanager.ha.rm-ids), or nil when
// HA is off.
func (c *Conf) RMIDs() []string {
	if !c.RMHAEnabled() {
		return nil
	}
	return splitList(c.Get("yarn.resourcemanager.ha.rm-ids"))
}

// YARNHTTPS reports whether yarn.http.policy is HTTPS_ONLY (the RM then serves
// its web app and REST API on yarn.resourcemanager.webapp.https.address only).
func (c *Conf) YARNHTTPS() bool {
	return strings.EqualFold(strings.TrimSpace(c.Get("yarn.http.policy")), "HTTPS_ONLY")
}

// RMWebAddresses returns the REST endpoints of every ResourceManager: one
// without HA; with HA, one per rm-id from yarn.resourcemanager.webapp.address.<id>
// (or .webapp.https.address.<id> under HTTPS_ONLY), falling back to
// yarn.resourcemanager.hostname.<id> and the default port, as YARN does.
func (c *Conf) RMWebAddresses() ([]RMAddress, error) {
	key, port, scheme := "yarn.resourcemanager.webapp.address", defaultRMWebPort, "http"
	if c.YARNHTTPS() {
		key, port, scheme = "yarn.resourcemanager.webapp.https.address", defaultRMWebHTTPSPort, "https"
	}
	addrs, err := c.rmAddresses(key, port)
	for i := range addrs {
		addrs[i].URL = scheme + "://" + addrs[i].Addr
	}
	return addrs, err
}

// RMSchedulerAddresses returns yarn.resourcemanager.scheduler.address (per
// rm-id under HA): where an ApplicationMaster registers and heartbeats.
func (c *Conf) RMSchedulerAddresses() ([]RMAddress, error) {
	return c.rmAddresses("yarn.resourcemanager.scheduler.address", defaultRMSchedulerPort)
}

// RMSchedulerAddress returns the scheduler address without HA, or the first
// rm-id's with HA (an AM should try each of RMSchedulerAddresses in turn).
func (c *Conf) RMSchedulerAddress() (string, error) {
	a, err := c.RMSchedulerAddresses()
	if err != nil {
		return "", err
	}
	return a[0].Addr, nil
}

func (c *Conf) rmAddresses(key string, port int) ([]RMAddress, error) {
	if !c.RMHAEnabled() {
		a, err := c.rmAddress(key, "", port)
		if err != nil {
			return nil, err
		}
		return []RMAddress{{Addr: a}}, nil
	}
	ids := c.RMIDs()
	if len(ids) == 0 {
		return nil, fmt.Errorf("hadoopconf: yarn.resourcemanager.ha.enabled is true but yarn.resourcemanager.ha.rm-ids is empty")
	}
	out := make([]RMAddress, 0, len(ids))
	for _, id := range ids {
		a, err := c.rmAddress(key, id, port)
		if err != nil {
			return nil, err
		}
		out = append(out, RMAddress{ID: id, Addr: a})
	}
	return out, nil
}

// rmAddress resolves key (suffixed .<id> under HA); when unset the address is
// the RM hostname with the default port, like yarn-default.xml's
// ${yarn.resourcemanager.hostname}:PORT.
func (c *Conf) rmAddress(key, id string, port int) (string, error) {
	hostKey := "yarn.resourcemanager.hostname"
	if id != "" {
		key += "." + id
		hostKey += "." + id
	}
	host := c.GetDefault(hostKey, defaultRMHostname)
	v := strings.TrimSpace(c.Get(key))
	if v == "" {
		if id != "" && c.Get(hostKey) == "" {
			return "", fmt.Errorf("hadoopconf: RM %s has neither %s nor %s", id, key, hostKey)
		}
		v = net.JoinHostPort(host, strconv.Itoa(port))
	}
	return fixWildcard(v, host, port, c.Source(key))
}

// fixWildcard makes a listen address dialable: a missing or wildcard host
// becomes fallback (itself, if not a wildcard) or, as Hadoop does, this
// machine's host name.
func fixWildcard(v, fallback string, defPort int, src string) (string, error) {
	h, p, err := net.SplitHostPort(v)
	if err != nil {
		// A bare host name: Hadoop's NetUtils accepts it with the default port.
		if !strings.Contains(err.Error(), "missing port") {
			return "", fmt.Errorf("hadoopconf: %s: bad address %q: %v", src, v, err)
		}
		h, p = v, strconv.Itoa(defPort)
	}
	if _, err := strconv.ParseUint(p, 10, 16); err != nil {
		return "", fmt.Errorf("hadoopconf: %s: bad port in %q", src, v)
	}
	if isWildcard(h) {
		h = fallback
		if isWildcard(h) {
			h = localHostname()
		}
	}
	return net.JoinHostPort(h, p), nil
}

func isWildcard(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }

func localHostname() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return strings.ToLower(h)
	}
	return "localhost"
}

// RMPrincipal returns yarn.resourcemanager.principal with _HOST resolved for
// the RM at host (a host or host:port). The rule is Hadoop's
// SecurityUtil.getServerPrincipal: _HOST, in the instance part only, becomes
// the host name lowercased; a wildcard or empty host becomes this machine's
// host name. Clients resolve it with the address they dial, so pass the
// RM's address, not a guess. "" when the key is unset (insecure cluster).
func (c *Conf) RMPrincipal(host string) string {
	return ResolvePrincipal(c.Get("yarn.resourcemanager.principal"), host)
}

// ResolvePrincipal applies the _HOST rule (see RMPrincipal) to principal.
func ResolvePrincipal(principal, host string) string {
	principal = strings.TrimSpace(principal)
	if principal == "" {
		return ""
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	name, realm, hasRealm := strings.Cut(principal, "@")
	parts := strings.Split(name, "/")
	if len(parts) != 2 || parts[1] != "_HOST" {
		return principal
	}
	if isWildcard(host) {
		host = localHostname()
	}
	out := parts[0] + "/" + strings.ToLower(host)
	if hasRealm {
		out += "@" + realm
	}
	return out
}

// PrincipalShortName is the first component of a principal ("yarn" for
// "yarn/host@REALM"): what the default auth_to_local rule maps a service
// principal to, and so the delegation-token renewer the RM accepts.
func PrincipalShortName(principal string) string {
	name, _, _ := strings.Cut(principal, "@")
	first, _, _ := strings.Cut(name, "/")
	return first
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
