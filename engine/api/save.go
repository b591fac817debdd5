package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/errs"
)

// SaveRequest is POST /api/v1/cluster/save: write every frame and model of
// the cluster into the saves directory Dir (an absolute local path on the
// local backend, hdfs:///user/USER/.mlctl/clusters/NAME/saves on yarn; see
// launcher.SaveDir). The job's Result is the new save's location and its
// final Message says what it holds and its size; a cluster with nothing in
// it writes no save (Result "", Message says so), so the previous save
// stays the one to restore.
type SaveRequest struct {
	Dir string `json:"dir"`
}

// RestoreRequest is POST /api/v1/cluster/restore: load the save that
// Dir/current.json points at into this cluster (of any node count). The
// job's Result is the save's location.
type RestoreRequest struct {
	Dir string `json:"dir"`
}

// SaveResult describes one save (the leader's Go API returns it).
type SaveResult struct {
	Dir      string    `json:"dir"`      // the saves directory
	Save     string    `json:"save"`     // the save's name in it
	Location string    `json:"location"` // Dir/Save, as a path or hdfs:// URL
	Frames   int       `json:"frames"`
	Models   int       `json:"models"`
	Chunks   int       `json:"chunks"`
	Bytes    int64     `json:"bytes"` // the files' total size
	Created  time.Time `json:"created"`
	Nodes    int       `json:"nodes"`            // the cloud's size when saved
	Pruned   []string  `json:"pruned,omitempty"` // older saves removed
	// Skipped, when set, says why nothing was written (a cluster with no
	// frames and no models does not replace the previous save); Save and
	// Location are then empty.
	Skipped string `json:"skipped,omitempty"`
}

// RestoreResult describes a restore (the leader's Go API returns it).
type RestoreResult struct {
	SaveResult
	// Nodes (in SaveResult) is the size of the cloud that saved; Into is
	// this one's.
	Into int `json:"into"`
}

// IntegrityText starts the message of every failed integrity check of a
// save (a file whose size or SHA-256 is not the recorded one).
const IntegrityText = "integrity check failed:"

// Save starts a save job.
func (c *Client) Save(ctx context.Context, req SaveRequest) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodPost, "/api/v1/cluster/save", req, &j))
}

// Restore starts a restore job.
func (c *Client) Restore(ctx context.Context, req RestoreRequest) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodPost, "/api/v1/cluster/restore", req, &j))
}

// SaveJobError gives the error of a failed save or restore job (from
// WaitJob, or a waiter that kept only the job's message) its exit code:
// integrity (7) when a saved file's checksum or size did not match, not
// found (6) when there is no save; other errors are returned as they are.
func SaveJobError(err error) error {
	if err == nil {
		return nil
	}
	switch msg := err.Error(); {
	case strings.Contains(msg, IntegrityText):
		return errs.New(errs.Integrity, err, "the save is damaged: remove it (its directory is named in the message) and current.json to start empty, or point current.json at an older save")
	case strings.Contains(msg, NoSaveText):
		return errs.New(errs.NotFound, err, "save the cluster first with mlctl cluster stop NAME --save")
	}
	return err
}

// NoSaveText is in the message of a restore from a directory with no save.
const NoSaveText = "no save in"
