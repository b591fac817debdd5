package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Member is one engine node as the others see it.
type Member struct {
	Index   int       `json:"index"`
	Addr    string    `json:"addr"` // host:port of its HTTPS server
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
}

// Rendezvous is how nodes find each other. The local backend uses a
// directory (DirRendezvous); on YARN the ApplicationMaster hands out the list.
type Rendezvous interface {
	// Join announces this member.
	Join(ctx context.Context, m Member) error
	// Members lists the members announced so far, by index.
	Members(ctx context.Context) ([]Member, error)
	// PublishLeader records where clients find the leader API.
	PublishLeader(ctx context.Context, m Member) error
}

// Cluster directory layout, shared by the launcher and the nodes.
const (
	SecretsDir = "secrets"
	MembersDir = "members"
	LogsDir    = "logs"
	LeaderFile = "leader.json"
	caCertFile = "ca.pem"
	caKeyFile  = "ca-key.pem"
	tokenFile  = "token"
	memberGlob = "node-*.json"
	memberFmt  = "node-%d.json"
)

// SaveSecrets writes s under dir/secrets, every file mode 0600.
func SaveSecrets(dir string, s *Secrets) error {
	sd := filepath.Join(dir, SecretsDir)
	if err := os.MkdirAll(sd, 0o700); err != nil {
		return err
	}
	for name, data := range map[string][]byte{caCertFile: s.CACertPEM, caKeyFile: s.CAKeyPEM, tokenFile: []byte(s.Token)} {
		if err := WriteFileAtomic(filepath.Join(sd, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// LoadSecrets reads what SaveSecrets wrote.
func LoadSecrets(dir string) (*Secrets, error) {
	sd := filepath.Join(dir, SecretsDir)
	var s Secrets
	var err error
	if s.CACertPEM, err = os.ReadFile(filepath.Join(sd, caCertFile)); err != nil {
		return nil, fmt.Errorf("cluster secrets: %w", err)
	}
	if s.CAKeyPEM, err = os.ReadFile(filepath.Join(sd, caKeyFile)); err != nil {
		return nil, fmt.Errorf("cluster secrets: %w", err)
	}
	tok, err := os.ReadFile(filepath.Join(sd, tokenFile))
	if err != nil {
		return nil, fmt.Errorf("cluster secrets: %w", err)
	}
	s.Token = strings.TrimSpace(string(tok))
	return &s, nil
}

// DirRendezvous is a Rendezvous in a directory every node can read.
type DirRendezvous struct{ Dir string }

func (d DirRendezvous) Join(_ context.Context, m Member) error {
	md := filepath.Join(d.Dir, MembersDir)
	if err := os.MkdirAll(md, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(md, fmt.Sprintf(memberFmt, m.Index)), b, 0o600)
}

func (d DirRendezvous) Members(_ context.Context) ([]Member, error) {
	paths, err := filepath.Glob(filepath.Join(d.Dir, MembersDir, memberGlob))
	if err != nil {
		return nil, err
	}
	var ms []Member
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var m Member
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Index < ms[j].Index })
	return ms, nil
}

func (d DirRendezvous) PublishLeader(_ context.Context, m Member) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(d.Dir, LeaderFile), b, 0o600)
}

// ReadLeader returns the leader a DirRendezvous published, fs.ErrNotExist
// when none has been yet.
func ReadLeader(dir string) (*Member, error) {
	b, err := os.ReadFile(filepath.Join(dir, LeaderFile))
	if err != nil {
		return nil, err
	}
	var m Member
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", LeaderFile, err)
	}
	return &m, nil
}

// AwaitMembers polls r until size members have joined or ctx ends.
func AwaitMembers(ctx context.Context, r Rendezvous, size int, poll time.Duration) ([]Member, error) {
	for {
		ms, err := r.Members(ctx)
		if err != nil {
			return nil, err
		}
		if len(ms) >= size {
			return ms[:size], nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for nodes: %d of %d joined: %w", len(ms), size, context.Cause(ctx))
		case <-time.After(poll):
		}
	}
}

// Gone reports whether the cluster directory was removed: the cluster was
// deleted (or a test finished) and its nodes should exit.
func (d DirRendezvous) Gone() bool {
	_, err := os.Stat(d.Dir)
	return errors.Is(err, fs.ErrNotExist)
}
