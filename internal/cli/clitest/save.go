package clitest

import (
	"context"

	"github.com/mlctl/mlctl/engine/api"
)

// SaveFake is the save and restore part of the fake ClusterAPI.
type SaveFake struct {
	SaveReqs    []api.SaveRequest
	RestoreReqs []api.RestoreRequest
	// SaveJob and RestoreJob are what Save and Restore return (default: a
	// running job "job-1"); SaveErr and RestoreErr fail the call instead.
	SaveJob, RestoreJob *api.Job
	SaveErr, RestoreErr error
}

// Save implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Save(_ context.Context, req api.SaveRequest) (*api.Job, error) {
	c.Saves.SaveReqs = append(c.Saves.SaveReqs, req)
	if c.Saves.SaveErr != nil {
		return nil, c.Saves.SaveErr
	}
	if c.Saves.SaveJob != nil {
		j := *c.Saves.SaveJob
		return &j, nil
	}
	return &api.Job{ID: "job-1", Kind: "save", State: "running", Target: req.Dir}, nil
}

// Restore implements cmdutil.ClusterAPI.
func (c *ClusterAPI) Restore(_ context.Context, req api.RestoreRequest) (*api.Job, error) {
	c.Saves.RestoreReqs = append(c.Saves.RestoreReqs, req)
	if c.Saves.RestoreErr != nil {
		return nil, c.Saves.RestoreErr
	}
	if c.Saves.RestoreJob != nil {
		j := *c.Saves.RestoreJob
		return &j, nil
	}
	return &api.Job{ID: "job-1", Kind: "restore", State: "running", Target: req.Dir}, nil
}
