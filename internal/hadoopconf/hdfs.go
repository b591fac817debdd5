package hadoopconf

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Default NameNode ports of Hadoop 3 (hdfs-default.xml).
const (
	defaultNNRPCPort   = 8020
	defaultNNHTTPPort  = 9870
	defaultNNHTTPSPort = 9871
)

// NameNode is one NameNode of a (possibly HA) nameservice.
type NameNode struct {
	Nameservice string // "" for a plain host:port fs.defaultFS
	ID          string // HA namenode id ("nn1"), "" without HA
	RPCAddress  string // host:port of ClientProtocol
	HTTPAddress string // host:port of the web server (WebHDFS)
	HTTPURL     string // scheme://host:port per dfs.http.policy
}

// DefaultFS returns fs.defaultFS (or the deprecated fs.default.name), or
// "file:///" as Hadoop does when neither is set.
func (c *Conf) DefaultFS() string {
	if v := c.Get("fs.defaultFS"); strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return c.GetDefault("fs.default.name", "file:///")
}

// SecurityEnabled reports hadoop.security.authentication=kerberos.
func (c *Conf) SecurityEnabled() bool {
	return strings.EqualFold(strings.TrimSpace(c.Get("hadoop.security.authentication")), "kerberos")
}

// RPCProtection returns the SASL quality-of-protection levels of
// hadoop.rpc.protection, lowercased, in the order given (a server may list
// several, e.g. "privacy,authentication"); ["authentication"] when unset.
func (c *Conf) RPCProtection() []string {
	levels := splitList(strings.ToLower(c.Get("hadoop.rpc.protection")))
	if len(levels) == 0 {
		return []string{"authentication"}
	}
	return levels
}

// HDFSHTTPS reports whether dfs.http.policy is HTTPS_ONLY. Under
// HTTP_AND_HTTPS plain HTTP is still served and is what NameNodes returns.
func (c *Conf) HDFSHTTPS() bool {
	return strings.EqualFold(strings.TrimSpace(c.Get("dfs.http.policy")), "HTTPS_ONLY")
}

// Nameservices returns dfs.nameservices.
func (c *Conf) Nameservices() []string { return splitList(c.Get("dfs.nameservices")) }

// NameNodePrincipal returns dfs.namenode.kerberos.principal with _HOST
// resolved for host (see RMPrincipal).
func (c *Conf) NameNodePrincipal(host string) string {
	return ResolvePrincipal(c.Get("dfs.namenode.kerberos.principal"), host)
}

// NameNodes returns the NameNodes of nameservice, or of fs.defaultFS's
// authority when nameservice is "". An HA nameservice
// (dfs.ha.namenodes.<ns>) yields one entry per namenode id from
// dfs.namenode.rpc-address.<ns>.<nn> and dfs.namenode.http(s)-address.<ns>.<nn>;
// a plain host:port yields one entry whose web address comes from
// dfs.namenode.http(s)-address, its host defaulting to the RPC host.
func (c *Conf) NameNodes(nameservice string) ([]NameNode, error) {
	if nameservice == "" {
		fsURL := c.DefaultFS()
		u, err := url.Parse(fsURL)
		if err != nil || u.Scheme != "hdfs" || u.Host == "" {
			return nil, fmt.Errorf("hadoopconf: fs.defaultFS=%q is not an hdfs://host URL (set it in core-site.xml)", fsURL)
		}
		nameservice = u.Host
	}
	if ids := splitList(c.Get("dfs.ha.namenodes." + nameservice)); len(ids) > 0 {
		out := make([]NameNode, 0, len(ids))
		for _, id := range ids {
			nn, err := c.nameNode(nameservice, id, "."+nameservice+"."+id)
			if err != nil {
				return nil, err
			}
			out = append(out, nn)
		}
		return out, nil
	}
	if c.Get("dfs.namenode.rpc-address."+nameservice) != "" {
		nn, err := c.nameNode(nameservice, "", "."+nameservice)
		if err != nil {
			return nil, err
		}
		return []NameNode{nn}, nil
	}
	if contains(c.Nameservices(), nameservice) {
		return nil, fmt.Errorf("hadoopconf: nameservice %q has neither dfs.ha.namenodes.%s nor dfs.namenode.rpc-address.%s", nameservice, nameservice, nameservice)
	}
	// A plain authority: host[:port].
	rpc, err := fixWildcard(nameservice, "", defaultNNRPCPort, "fs.defaultFS")
	if err != nil {
		return nil, err
	}
	nn, err := c.withHTTP(NameNode{RPCAddress: rpc}, "")
	if err != nil {
		return nil, err
	}
	return []NameNode{nn}, nil
}

func (c *Conf) nameNode(ns, id, suffix string) (NameNode, error) {
	key := "dfs.namenode.rpc-address" + suffix
	v := strings.TrimSpace(c.Get(key))
	if v == "" {
		return NameNode{}, fmt.Errorf("hadoopconf: NameNode %s of %s: %s is not set", id, ns, key)
	}
	rpc, err := fixWildcard(v, "", defaultNNRPCPort, c.Source(key))
	if err != nil {
		return NameNode{}, err
	}
	return c.withHTTP(NameNode{Nameservice: ns, ID: id, RPCAddress: rpc}, suffix)
}

// withHTTP fills the web address: the key for the policy with suffix, else
// without it, else the RPC host and the default port.
func (c *Conf) withHTTP(nn NameNode, suffix string) (NameNode, error) {
	key, port, scheme := "dfs.namenode.http-address", defaultNNHTTPPort, "http"
	if c.HDFSHTTPS() {
		key, port, scheme = "dfs.namenode.https-address", defaultNNHTTPSPort, "https"
	}
	rpcHost, _, _ := net.SplitHostPort(nn.RPCAddress)
	v, src := "", ""
	if suffix != "" {
		v, src = strings.TrimSpace(c.Get(key+suffix)), c.Source(key+suffix)
	}
	// The unsuffixed key names one server: only a non-HA NameNode may use it.
	if v == "" && nn.ID == "" {
		v, src = strings.TrimSpace(c.Get(key)), c.Source(key)
	}
	if v == "" {
		v = net.JoinHostPort(rpcHost, strconv.Itoa(port))
	}
	addr, err := fixWildcard(v, rpcHost, port, src)
	if err != nil {
		return NameNode{}, err
	}
	nn.HTTPAddress = addr
	nn.HTTPURL = scheme + "://" + addr
	return nn, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// DefaultFSAuthorities lists the authorities that name the default file
// system in an hdfs:// URL: fs.defaultFS's own (a nameservice or
// host:port) and the RPC address of each of its NameNodes, lower case. An
// hdfs:// URL whose authority is none of these (and not empty) names
// another file system.
func (c *Conf) DefaultFSAuthorities() ([]string, error) {
	u, err := url.Parse(c.DefaultFS())
	if err != nil || u.Scheme != "hdfs" || u.Host == "" {
		return nil, fmt.Errorf("hadoopconf: fs.defaultFS=%q is not an hdfs://host URL (set it in core-site.xml)", c.DefaultFS())
	}
	out := []string{strings.ToLower(u.Host)}
	nns, err := c.NameNodes("")
	if err != nil {
		return nil, err
	}
	for _, nn := range nns {
		if a := strings.ToLower(nn.RPCAddress); !contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}
