package token

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
)

// Magic starts every Hadoop token-storage file.
const Magic = "HDTS"

// HDTS format bytes.
const (
	FormatWritable = 0
	FormatProtobuf = 1
)

// maxFile bounds what ReadFile accepts; a real token file is a few KiB.
const maxFile = 16 << 20

// Credentials is Hadoop's Credentials: tokens and secrets by alias. The
// AM's own AMRMToken has the empty alias.
type Credentials struct {
	Tokens  map[string]*Token
	Secrets map[string][]byte
}

// NewCredentials returns empty credentials.
func NewCredentials() *Credentials {
	return &Credentials{Tokens: map[string]*Token{}, Secrets: map[string][]byte{}}
}

// FindKind returns the first token (by alias order) of the given kind.
func (c *Credentials) FindKind(kind string) (alias string, t *Token, ok bool) {
	for _, a := range sortedKeys(c.Tokens) {
		if c.Tokens[a].Kind == kind {
			return a, c.Tokens[a], true
		}
	}
	return "", nil, false
}

// Without returns a copy that keeps the tokens whose kind is not one of
// kinds, and every secret. Worker containers get the AM's credentials
// without the AMRMToken this way.
func (c *Credentials) Without(kinds ...string) *Credentials {
	out := NewCredentials()
	for a, t := range c.Tokens {
		drop := false
		for _, k := range kinds {
			drop = drop || t.Kind == k
		}
		if !drop {
			out.Tokens[a] = t.Clone()
		}
	}
	for a, s := range c.Secrets {
		out.Secrets[a] = append([]byte(nil), s...)
	}
	return out
}

// MarshalHDTS encodes the credentials as Hadoop writes them by default:
// "HDTS", format 0, then the Writable Credentials (vint token count,
// (Text alias, token)…, vint secret count, (Text alias, vint-length
// bytes)…). Aliases are sorted so the bytes are reproducible.
func (c *Credentials) MarshalHDTS() []byte {
	b := append([]byte(Magic), FormatWritable)
	b = AppendVInt(b, int32(len(c.Tokens)))
	for _, a := range sortedKeys(c.Tokens) {
		b = appendText(b, a)
		b = c.Tokens[a].AppendWritable(b)
	}
	b = AppendVInt(b, int32(len(c.Secrets)))
	for _, a := range sortedKeys(c.Secrets) {
		b = appendText(b, a)
		b = appendBytes(b, c.Secrets[a])
	}
	return b
}

// ParseHDTS decodes a token-storage file in either format.
func ParseHDTS(b []byte) (*Credentials, error) {
	if len(b) < len(Magic)+1 || !bytes.Equal(b[:len(Magic)], []byte(Magic)) {
		return nil, errors.New("token: not a token storage file (no HDTS magic)")
	}
	switch b[len(Magic)] {
	case FormatWritable:
		return parseWritableCredentials(b[len(Magic)+1:])
	case FormatProtobuf:
		return parseProtoCredentials(b[len(Magic)+1:])
	default:
		return nil, fmt.Errorf("token: unknown token storage format %d", b[len(Magic)])
	}
}

func parseWritableCredentials(b []byte) (*Credentials, error) {
	c := NewCredentials()
	d := decoder{b: b}
	n, err := d.count()
	if err != nil {
		return nil, fmt.Errorf("token count: %w", err)
	}
	for i := 0; i < n; i++ {
		alias, err := d.text()
		if err != nil {
			return nil, fmt.Errorf("token %d alias: %w", i, err)
		}
		t, err := d.token()
		if err != nil {
			return nil, fmt.Errorf("token %d (%q): %w", i, alias, err)
		}
		c.Tokens[alias] = t
	}
	if n, err = d.count(); err != nil {
		return nil, fmt.Errorf("secret count: %w", err)
	}
	for i := 0; i < n; i++ {
		alias, err := d.text()
		if err != nil {
			return nil, fmt.Errorf("secret %d alias: %w", i, err)
		}
		s, err := d.bytes()
		if err != nil {
			return nil, fmt.Errorf("secret %d (%q): %w", i, alias, err)
		}
		c.Secrets[alias] = s
	}
	if d.off != len(b) {
		return nil, fmt.Errorf("token: %d bytes after the credentials", len(b)-d.off)
	}
	return c, nil
}

// ReadFile reads a token-storage file, e.g. $HADOOP_TOKEN_FILE_LOCATION.
func ReadFile(path string) (*Credentials, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxFile {
		return nil, fmt.Errorf("token: %s is %d bytes, too big for a token file", path, fi.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseHDTS(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// WriteFile writes the credentials in format 0 with mode 0600.
func (c *Credentials) WriteFile(path string) error {
	return os.WriteFile(path, c.MarshalHDTS(), 0o600)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
