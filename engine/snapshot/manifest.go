package snapshot

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/mlctl/mlctl/engine/frame"
)

// FormatVersion is the version of the save layout this build writes and
// reads.
const FormatVersion = 1

// Format names the manifest's kind.
const Format = "mlctl-cluster-save"

// File names inside a saves directory and a save.
const (
	CurrentFile  = "current.json"
	ManifestFile = "manifest.json"
)

// Manifest lists everything one save holds.
type Manifest struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	MlctlVersion  string    `json:"mlctl_version"`
	Cluster       string    `json:"cluster"`
	Created       time.Time `json:"created"`
	Nodes         int       `json:"nodes"` // the cloud's size when saved
	Frames        []Frame   `json:"frames"`
	Models        []Model   `json:"models"`
	Bytes         int64     `json:"bytes"` // chunk and model files, together
}

// Frame is one saved frame: its schema and its chunk files in frame order.
type Frame struct {
	Name    string         `json:"name"`
	Columns []frame.Column `json:"columns"`
	Source  string         `json:"source"`
	Sources []string       `json:"sources,omitempty"`
	Rows    int64          `json:"rows"`
	Chunks  []ChunkFile    `json:"chunks"`
}

// ChunkFile is one row chunk's file.
type ChunkFile struct {
	Index    int    `json:"index"`
	Rows     int64  `json:"rows"`
	MemBytes int64  `json:"mem_bytes"` // in memory, when saved
	File     string `json:"file"`      // relative to the save
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// Model is one saved model's file.
type Model struct {
	ID     string `json:"id"`
	Algo   string `json:"algo"`
	File   string `json:"file"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Current is current.json: which save is the one to restore.
type Current struct {
	Save           string    `json:"save"`
	ManifestSHA256 string    `json:"manifest_sha256"`
	Written        time.Time `json:"written"`
}

// ChunkPath is the file of a frame's chunk inside a save.
func ChunkPath(frameName string, index int) string {
	return fmt.Sprintf("frames/%s/%06d.chunk", frameName, index)
}

// ModelPath is the file of a model inside a save.
func ModelPath(id string) string { return "models/" + id + ".json" }

var saveName = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}(\.[0-9]+)?Z-[0-9a-f]{8}$`)

// NewSaveName names a new save: the UTC time (so names sort by age) and a
// random suffix (so two saves in one instant do not collide).
func NewSaveName(now time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	return now.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b)
}

// IsSaveName reports whether name is a save directory's name.
func IsSaveName(name string) bool { return saveName.MatchString(name) }

// Check validates a manifest read back from storage.
func (m *Manifest) Check() error {
	if m.Format != Format {
		return fmt.Errorf("not an mlctl cluster save (format %q)", m.Format)
	}
	if m.FormatVersion != FormatVersion {
		return fmt.Errorf("the save has format version %d; this mlctl (%s) reads version %d: restore with the mlctl that saved it (%s)", m.FormatVersion, Version(), FormatVersion, m.MlctlVersion)
	}
	seen := map[string]bool{}
	for _, f := range m.Frames {
		if !frame.ValidName.MatchString(f.Name) || seen[f.Name] {
			return fmt.Errorf("the manifest has a bad or repeated frame name %q", f.Name)
		}
		seen[f.Name] = true
		var rows int64
		for i, c := range f.Chunks {
			if c.Index != i || c.File != ChunkPath(f.Name, i) {
				return fmt.Errorf("frame %s: chunk %d is listed out of order or under another file (%s)", f.Name, i, c.File)
			}
			rows += c.Rows
		}
		if rows != f.Rows {
			return fmt.Errorf("frame %s: its chunks hold %d rows, the manifest says %d", f.Name, rows, f.Rows)
		}
	}
	seen = map[string]bool{}
	for _, md := range m.Models {
		if !frame.ValidName.MatchString(md.ID) || seen[md.ID] || md.File != ModelPath(md.ID) {
			return fmt.Errorf("the manifest has a bad or repeated model %q", md.ID)
		}
		seen[md.ID] = true
	}
	return nil
}

// Encode is the manifest as indented JSON.
func (m *Manifest) Encode() []byte {
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// Version is this build's mlctl version (module version and VCS revision,
// as far as the build recorded them).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
