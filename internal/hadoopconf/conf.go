package hadoopconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// SiteFiles are the files Load reads, in order: a key set in a later file
// overrides the same key in an earlier one, as Hadoop's client does when it
// adds yarn-site.xml after core-site.xml.
var SiteFiles = []string{"core-site.xml", "hdfs-site.xml", "yarn-site.xml"}

// maxSubst bounds ${var} expansion, like Hadoop's Configuration (MAX_SUBST),
// so a self-referencing value cannot loop.
const maxSubst = 20

// maxExpanded stops expansion of values that reference themselves twice.
const maxExpanded = 1 << 16

// Property is one configuration entry and where it was set.
type Property struct {
	Name  string
	Value string // raw, before ${var} expansion
	File  string // base name of the file that set it last
	Line  int    // line of its <property> element
}

// Conf is a loaded Hadoop configuration. The zero value is empty and usable;
// it is not safe for concurrent mutation (Set, AddXML) alongside reads.
type Conf struct {
	Dir   string // directory it was loaded from, "" if built in memory
	props map[string]Property
}

// New returns an empty configuration, for tests and for callers that build
// one from flags.
func New() *Conf { return &Conf{props: map[string]Property{}} }

// ErrNoConfDir is returned by LoadEnv when no configuration directory can be
// found.
var ErrNoConfDir = errors.New("hadoopconf: no Hadoop configuration directory (set HADOOP_CONF_DIR)")

// LoadEnv loads from $HADOOP_CONF_DIR, else $HADOOP_HOME/etc/hadoop, else
// /etc/hadoop/conf — the places a Hadoop gateway keeps its client config.
func LoadEnv() (*Conf, error) {
	var cands []string
	if d := os.Getenv("HADOOP_CONF_DIR"); d != "" {
		// An explicit setting must exist; falling back would hide a typo.
		return Load(d)
	}
	if h := os.Getenv("HADOOP_HOME"); h != "" {
		cands = append(cands, filepath.Join(h, "etc", "hadoop"))
	}
	cands = append(cands, "/etc/hadoop/conf")
	for _, d := range cands {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return Load(d)
		}
	}
	return nil, ErrNoConfDir
}

// Load reads the SiteFiles found in dir. Missing files are skipped (a
// gateway may have no hdfs-site.xml), but dir itself must exist and hold at
// least one of them. Malformed XML is an error naming file and line.
func Load(dir string) (*Conf, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("hadoopconf: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("hadoopconf: %s is not a directory", dir)
	}
	c := New()
	c.Dir = dir
	found := 0
	for _, name := range SiteFiles {
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("hadoopconf: %w", err)
		}
		if err := c.AddXML(p, data); err != nil {
			return nil, err
		}
		found++
	}
	if found == 0 {
		return nil, fmt.Errorf("hadoopconf: none of %s in %s", strings.Join(SiteFiles, ", "), dir)
	}
	return c, nil
}

// Set sets key to a raw value (expanded on Get), overriding any file.
func (c *Conf) Set(key, value string) {
	if c.props == nil {
		c.props = map[string]Property{}
	}
	c.props[key] = Property{Name: key, Value: value, File: "(set)"}
}

// Lookup returns the expanded value of key and whether it is set. ${name}
// references to other keys are expanded; references that name no key —
// Hadoop's ${env.X} and Java system properties among them — stay as written,
// since a client outside the JVM has no such properties.
func (c *Conf) Lookup(key string) (string, bool) {
	p, ok := c.props[key]
	if !ok {
		return "", false
	}
	return c.expand(p.Value), true
}

// Get returns the expanded value of key, or "" when unset.
func (c *Conf) Get(key string) string {
	v, _ := c.Lookup(key)
	return v
}

// GetDefault returns the value of key, or def when it is unset or blank.
func (c *Conf) GetDefault(key, def string) string {
	if v := strings.TrimSpace(c.Get(key)); v != "" {
		return v
	}
	return def
}

// GetInt returns key parsed as an integer, or def when unset. A value that is
// set but not an integer is an error naming where it was set.
func (c *Conf) GetInt(key string, def int64) (int64, error) {
	v := strings.TrimSpace(c.Get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return def, fmt.Errorf("hadoopconf: %s: %s=%q is not an integer", c.Source(key), key, v)
	}
	return n, nil
}

// GetBool returns key as a boolean ("true"/"false", case-insensitive, as
// Hadoop reads it), or def when unset or unrecognised.
func (c *Conf) GetBool(key string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(c.Get(key))) {
	case "true":
		return true
	case "false":
		return false
	}
	return def
}

// Property returns the raw entry for key, with the file and line that set it.
func (c *Conf) Property(key string) (Property, bool) {
	p, ok := c.props[key]
	return p, ok
}

// Source says where key was set ("yarn-site.xml:12"), for error messages and
// `--verbose` provenance; "" when unset.
func (c *Conf) Source(key string) string {
	p, ok := c.props[key]
	if !ok {
		return ""
	}
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Keys returns all keys, sorted.
func (c *Conf) Keys() []string {
	keys := make([]string, 0, len(c.props))
	for k := range c.props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *Conf) expand(v string) string {
	for i := 0; i < maxSubst; i++ {
		out, changed := c.expandOnce(v)
		if !changed || len(out) > maxExpanded {
			// A value doubling itself each pass stops growing here.
			return out
		}
		v = out
	}
	return v
}

// expandOnce replaces each ${name} whose name is a set key by that key's raw
// value; nested references resolve on the next pass.
func (c *Conf) expandOnce(v string) (string, bool) {
	var b strings.Builder
	changed := false
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			b.WriteString(v)
			return b.String(), changed
		}
		j := strings.IndexByte(v[i+2:], '}')
		if j < 0 {
			b.WriteString(v)
			return b.String(), changed
		}
		name := v[i+2 : i+2+j]
		b.WriteString(v[:i])
		if p, ok := c.props[name]; ok && name != "" {
			b.WriteString(p.Value)
			changed = true
		} else {
			b.WriteString(v[i : i+3+j])
		}
		v = v[i+3+j:]
	}
}
