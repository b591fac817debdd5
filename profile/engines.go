package profile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Engine returns the engine version called name; "" means the default. It
// returns (nil, nil) when name is "" and the policy has no default (stage
// this mlctl binary, as without a policy).
func (p *Policy) Engine(name string) (*Engine, error) {
	if name == "" {
		name = p.Engines.Default
		if name == "" {
			return nil, nil
		}
	}
	for i := range p.Engines.Versions {
		if p.Engines.Versions[i].Name == name {
			return &p.Engines.Versions[i], nil
		}
	}
	if len(p.Engines.Versions) == 0 {
		return nil, fmt.Errorf("engine version %q is not defined: the policy defines no engine versions", name)
	}
	return nil, fmt.Errorf("engine version %q is not defined (defined: %s)", name, strings.Join(p.engineNames(), ", "))
}

func (p *Policy) engineNames() []string {
	names := make([]string, len(p.Engines.Versions))
	for i, e := range p.Engines.Versions {
		names[i] = e.Name
	}
	return names
}

// VerifyEngines reads every engine version's binary through open (an HDFS
// reader, given by the caller) and reports each one whose SHA-256 is not the
// one in the policy, or that cannot be read, as a Problem at the engine's
// sha256 (or path) line.
func (p *Policy) VerifyEngines(ctx context.Context, open func(ctx context.Context, path string) (io.ReadCloser, error)) Problems {
	var ps Problems
	for i, e := range p.Engines.Versions {
		at := p.pos.at(fmt.Sprintf("engines.versions[%d].sha256", i))
		problem := func(msg, hint string) {
			ps = append(ps, Problem{File: p.Source, Line: at.line, Col: at.col, Msg: msg, Hint: hint})
		}
		if err := ctx.Err(); err != nil {
			problem(fmt.Sprintf("engine %s: not verified: %v", e.Name, err), "")
			continue
		}
		rc, err := open(ctx, e.Path)
		if err != nil {
			problem(fmt.Sprintf("engine %s: cannot read %s: %v", e.Name, e.Path, err),
				"upload it with: mlctl admin engine upload "+e.Name)
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			problem(fmt.Sprintf("engine %s: reading %s: %v", e.Name, e.Path, err), "")
			continue
		}
		got := hex.EncodeToString(h.Sum(nil))
		if !strings.EqualFold(got, e.SHA256) {
			problem(fmt.Sprintf("engine %s: checksum mismatch: %s has SHA-256 %s, the policy says %s", e.Name, e.Path, got, e.SHA256),
				"if the binary at the path is the intended build, put its checksum in the policy; else upload the right build with: mlctl admin engine upload "+e.Name)
		}
	}
	return ps
}
