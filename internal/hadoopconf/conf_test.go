package hadoopconf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func site(props ...string) string {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\"?>\n<configuration>\n")
	for i := 0; i+1 < len(props); i += 2 {
		b.WriteString("  <property><name>" + props[i] + "</name><value>" + props[i+1] + "</value></property>\n")
	}
	b.WriteString("</configuration>\n")
	return b.String()
}

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadOverrideAndSource(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"core-site.xml": site("a", "core", "b", "only-core"),
		"yarn-site.xml": site("a", "yarn"),
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Get("a"); got != "yarn" {
		t.Errorf("a = %q, want yarn (yarn-site.xml overrides core-site.xml)", got)
	}
	if got := c.Get("b"); got != "only-core" {
		t.Errorf("b = %q", got)
	}
	if got := c.Source("a"); got != "yarn-site.xml:3" {
		t.Errorf("Source(a) = %q, want yarn-site.xml:3", got)
	}
	if _, ok := c.Lookup("missing"); ok {
		t.Error("missing key found")
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "core-site.xml") {
		t.Errorf("empty dir: err = %v", err)
	}
	t.Setenv("HADOOP_CONF_DIR", filepath.Join(t.TempDir(), "nope"))
	if _, err := LoadEnv(); err == nil {
		t.Error("LoadEnv with a missing HADOOP_CONF_DIR succeeded")
	}
}

func TestMalformedXMLNamesFileAndLine(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"unclosed", "<configuration>\n<property>\n<name>x</name>\n<value>1</valu>\n</property>\n</configuration>", "yarn-site.xml:4:"},
		{"wrong root", "<conf>\n</conf>", "yarn-site.xml:1: top-level element is <conf>"},
		{"no name", "<configuration>\n\n<property><value>1</value></property>\n</configuration>", "yarn-site.xml:3: <property> without a <name>"},
		{"empty", "", "no <configuration> element"},
		{"include", "<configuration xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n<xi:include href=\"x.xml\"/>\n</configuration>", "yarn-site.xml:2:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"yarn-site.xml": tc.body})
			_, err := Load(dir)
			var xe *XMLError
			if !errors.As(err, &xe) {
				t.Fatalf("err = %v, want *XMLError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	c := New()
	err := c.AddXML("x/core-site.xml", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>
<configuration>
  <property name="attr.key" value="attr-value"/>
  <property>
    <name> spaced.key </name>
    <value>
      trimmed
    </value>
    <final>true</final>
    <description>ignored</description>
  </property>
</configuration>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Get("attr.key"); got != "attr-value" {
		t.Errorf("attr.key = %q", got)
	}
	if got := c.Get("spaced.key"); got != "trimmed" {
		t.Errorf("spaced.key = %q", got)
	}
	// final is ignored: a later file still overrides.
	if err := c.AddXML("yarn-site.xml", []byte(site("spaced.key", "later"))); err != nil {
		t.Fatal(err)
	}
	if got := c.Get("spaced.key"); got != "later" {
		t.Errorf("after override spaced.key = %q", got)
	}
}

func TestExpansion(t *testing.T) {
	c := New()
	c.Set("host", "rm.example.com")
	c.Set("addr", "${host}:${port}")
	c.Set("port", "8088")
	c.Set("nested", "http://${addr}/ws")
	c.Set("env", "${env.HOME}/x")
	c.Set("sys", "${user.name}")
	c.Set("loop", "a${loop}")
	c.Set("unterminated", "${host")
	cases := map[string]string{
		"addr":         "rm.example.com:8088",
		"nested":       "http://rm.example.com:8088/ws",
		"env":          "${env.HOME}/x",
		"sys":          "${user.name}",
		"unterminated": "${host",
	}
	for k, want := range cases {
		if got := c.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if got := c.Get("loop"); !strings.HasPrefix(got, "aaaa") {
		t.Errorf("loop = %q, want bounded expansion", got)
	}
}

func TestTypedGetters(t *testing.T) {
	c := New()
	c.Set("n", "42")
	c.Set("bad", "4x")
	c.Set("b", "TRUE")
	if n, err := c.GetInt("n", 0); err != nil || n != 42 {
		t.Errorf("GetInt(n) = %d, %v", n, err)
	}
	if n, err := c.GetInt("unset", 7); err != nil || n != 7 {
		t.Errorf("GetInt(unset) = %d, %v", n, err)
	}
	if _, err := c.GetInt("bad", 0); err == nil || !strings.Contains(err.Error(), "(set)") {
		t.Errorf("GetInt(bad) err = %v", err)
	}
	if !c.GetBool("b", false) || c.GetBool("unset", false) {
		t.Error("GetBool")
	}
	if !reflect.DeepEqual(c.Keys(), []string{"b", "bad", "n"}) {
		t.Errorf("Keys = %v", c.Keys())
	}
}

func TestSecurity(t *testing.T) {
	c := New()
	if c.SecurityEnabled() {
		t.Error("empty conf is secure")
	}
	if got := c.RPCProtection(); !reflect.DeepEqual(got, []string{"authentication"}) {
		t.Errorf("default RPCProtection = %v", got)
	}
	c.Set("hadoop.security.authentication", "Kerberos")
	c.Set("hadoop.rpc.protection", "Privacy, authentication")
	if !c.SecurityEnabled() {
		t.Error("kerberos not detected")
	}
	if got := c.RPCProtection(); !reflect.DeepEqual(got, []string{"privacy", "authentication"}) {
		t.Errorf("RPCProtection = %v", got)
	}
}

func FuzzAddXML(f *testing.F) {
	f.Add([]byte(site("a", "b", "c", "${a}")))
	f.Add([]byte(`<configuration><property name="x" value="y"/></configuration>`))
	f.Add([]byte("<configuration><property><name>a</name><value>${a}${a}</value></property></configuration>"))
	f.Add([]byte("<configuration>\n<property>\n<name>x</"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := New()
		err := c.AddXML("fuzz-site.xml", data)
		if err != nil {
			var xe *XMLError
			if !errors.As(err, &xe) || xe.Line < 1 {
				t.Fatalf("error %v is not an *XMLError with a line", err)
			}
			return
		}
		for _, k := range c.Keys() {
			_ = c.Get(k) // expansion must terminate
		}
		_, _ = c.RMWebAddresses()
		_, _ = c.NameNodes("")
	})
}
