package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
)

// ErrNoSave is returned by ReadCurrent for a saves directory with no save.
var ErrNoSave = errors.New("no save")

// ReadCurrent reads current.json. When it is missing it reads
// current.json.next, which exists complete only in the instant an HDFS
// Replace has removed the old pointer and not yet renamed the new one.
func ReadCurrent(ctx context.Context, s Storage) (*Current, error) {
	data, err := s.ReadFile(ctx, CurrentFile)
	where := s.Where(CurrentFile)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = s.ReadFile(ctx, CurrentFile+nextSuffix)
		where = s.Where(CurrentFile + nextSuffix)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s (there is no %s)", ErrNoSave, s.Where(""), CurrentFile)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", where, err)
	}
	var c Current
	if err := json.Unmarshal(data, &c); err != nil || !IsSaveName(c.Save) || len(c.ManifestSHA256) != 64 {
		return nil, &IntegrityError{File: where, Want: "a save's name and its manifest's sha256", Got: "something else (" + clip(string(data)) + ")"}
	}
	return &c, nil
}

// WriteCurrent points current.json at a save, atomically.
func WriteCurrent(ctx context.Context, s Storage, c *Current) error {
	b, _ := json.MarshalIndent(c, "", "  ")
	return s.Replace(ctx, CurrentFile, append(b, '\n'))
}

// ReadManifest reads and checks the manifest current.json points at.
func ReadManifest(ctx context.Context, s Storage, c *Current) (*Manifest, error) {
	rel := c.Save + "/" + ManifestFile
	data, err := s.ReadFile(ctx, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s points at save %s, but %s is missing: %w", CurrentFile, c.Save, s.Where(rel), err)
	}
	if err != nil {
		return nil, err
	}
	if got := Sum(data); got != c.ManifestSHA256 {
		return nil, &IntegrityError{File: s.Where(rel), Want: "sha256 " + c.ManifestSHA256, Got: "sha256 " + got}
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Where(rel), err)
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Where(rel), err)
	}
	return &m, nil
}

// Prune removes every save but keep (the names to keep; others that are
// not saves are left alone), oldest first. It returns what it removed.
func Prune(ctx context.Context, s Storage, keep ...string) ([]string, error) {
	names, err := s.List(ctx, "")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	var removed []string
	for _, n := range names {
		if !IsSaveName(n) || kept[n] {
			continue
		}
		if err := s.RemoveAll(ctx, n); err != nil {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
