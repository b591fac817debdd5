package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/mlctl/mlctl/internal/errs"
)

// Client calls one cluster's leader.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// NewClient makes a client for the leader at addr (host:port), trusting only
// the cluster CA caPEM and sending token on every call.
func NewClient(addr, token string, caPEM []byte) (*Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("the cluster record's CA certificate is not valid PEM")
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13},
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
	}
	return &Client{base: "https://" + addr, token: token, http: &http.Client{Transport: tr}}, nil
}

// Error is an error the leader answered with.
type Error struct {
	Status int
	Code   string `json:"code"`
	Msg    string `json:"error"`
	Hint   string `json:"hint"`
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is(err, fs.ErrNotExist) see a not-found answer.
func (e *Error) Unwrap() error {
	if e.Code == "not_found" {
		return fs.ErrNotExist
	}
	return nil
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return errs.New(errs.Timeout, ctx.Err(), "")
		}
		return errs.New(errs.Error, fmt.Errorf("cannot reach the cluster leader at %s: %w", c.base, err),
			"the cluster may have stopped; check with mlctl cluster status")
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if json.Unmarshal(raw, e) != nil || e.Msg == "" {
			e.Msg = fmt.Sprintf("leader answered %s: %s", resp.Status, bytes.TrimSpace(raw))
		}
		code := errs.Error
		switch {
		case e.Code == "not_found":
			code = errs.NotFound
		case resp.StatusCode == http.StatusBadRequest:
			code = errs.Error
		case resp.StatusCode == http.StatusUnauthorized:
			code = errs.Auth
		}
		return errs.New(code, e, e.Hint)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("reading the leader's answer to %s %s: %w", method, path, err)
	}
	return nil
}

// Cloud returns the cloud's status.
func (c *Client) Cloud(ctx context.Context) (*CloudStatus, error) {
	var s CloudStatus
	return orNil(&s, c.do(ctx, http.MethodGet, "/api/v1/cloud", nil, &s))
}

// ImportFrame starts an import job.
func (c *Client) ImportFrame(ctx context.Context, req ImportRequest) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodPost, "/api/v1/frames/import", req, &j))
}

// Job returns a job's state.
func (c *Client) Job(ctx context.Context, id string) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodGet, "/api/v1/jobs/"+url.PathEscape(id), nil, &j))
}

// WaitJob polls a job until it ends, calling progress on each poll, and
// returns the job as it ended. A failed or cancelled job comes with an error
// wrapping *JobError (the job, its message and warnings), so the caller can
// show what the job said.
func (c *Client) WaitJob(ctx context.Context, id string, progress func(*Job)) (*Job, error) {
	delay := 10 * time.Millisecond
	for {
		j, err := c.Job(ctx, id)
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(j)
		}
		switch j.State {
		case "done":
			return j, nil
		case "failed", "cancelled":
			return j, errs.New(errs.Error, &JobError{Job: j}, "")
		}
		select {
		case <-ctx.Done():
			return j, errs.New(errs.Timeout, fmt.Errorf("gave up waiting for job %s: %w", id, ctx.Err()), "the job goes on in the cluster")
		case <-time.After(delay):
		}
		// Poll briskly: a user waits on the job's end, and a long step
		// would add up to its length to every short job.
		if delay < 100*time.Millisecond {
			delay *= 2
		}
	}
}

// Frames lists the frames.
func (c *Client) Frames(ctx context.Context) ([]FrameInfo, error) {
	var fs []FrameInfo
	return fs, c.do(ctx, http.MethodGet, "/api/v1/frames", nil, &fs)
}

// Frame describes one frame.
func (c *Client) Frame(ctx context.Context, name string) (*FrameInfo, error) {
	var f FrameInfo
	return orNil(&f, c.do(ctx, http.MethodGet, "/api/v1/frames/"+url.PathEscape(name), nil, &f))
}

// Summary computes a frame's column summary.
func (c *Client) Summary(ctx context.Context, name string) (*Summary, error) {
	var s Summary
	return orNil(&s, c.do(ctx, http.MethodGet, "/api/v1/frames/"+url.PathEscape(name)+"/summary", nil, &s))
}

// Split splits a frame by rows.
func (c *Client) Split(ctx context.Context, req SplitRequest) ([]FrameInfo, error) {
	var fs []FrameInfo
	return fs, c.do(ctx, http.MethodPost, "/api/v1/frames/"+url.PathEscape(req.Frame)+"/split", req, &fs)
}

// DeleteFrame deletes a frame.
func (c *Client) DeleteFrame(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/frames/"+url.PathEscape(name), nil, nil)
}

// Shutdown asks the leader to stop every node.
func (c *Client) Shutdown(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/api/v1/shutdown", struct{}{}, nil)
}

// Logs returns node's recent log as the node kept it.
func (c *Client) Logs(ctx context.Context, node int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/logs/%d", c.base, node), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, errs.New(errs.Error, fmt.Errorf("cannot reach the cluster leader at %s: %w", c.base, err), "")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var e Error
		if json.Unmarshal(b, &e) == nil && e.Msg != "" {
			code := errs.Error
			if e.Code == "not_found" {
				code = errs.NotFound
			}
			return nil, errs.New(code, &e, e.Hint)
		}
		return nil, fmt.Errorf("leader answered %s", resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// Jobs lists the leader's jobs, newest first.
func (c *Client) Jobs(ctx context.Context) ([]Job, error) {
	var js []Job
	return js, c.do(ctx, http.MethodGet, "/api/v1/jobs", nil, &js)
}

// CancelJob asks a running job to stop; it ends in state "cancelled".
func (c *Client) CancelJob(ctx context.Context, id string) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodPost, "/api/v1/jobs/"+url.PathEscape(id)+"/cancel", struct{}{}, &j))
}

// Train starts a training job.
func (c *Client) Train(ctx context.Context, req TrainRequest) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodPost, "/api/v1/train", req, &j))
}

// Predict starts a job scoring a frame into a new frame.
func (c *Client) Predict(ctx context.Context, req PredictRequest) (*Job, error) {
	var j Job
	return orNil(&j, c.do(ctx, http.MethodPost, "/api/v1/predict", req, &j))
}

// Models lists the models.
func (c *Client) Models(ctx context.Context) ([]ModelInfo, error) {
	var ms []ModelInfo
	return ms, c.do(ctx, http.MethodGet, "/api/v1/models", nil, &ms)
}

// Model describes one model.
func (c *Client) Model(ctx context.Context, id string) (*Model, error) {
	var m Model
	return orNil(&m, c.do(ctx, http.MethodGet, "/api/v1/models/"+url.PathEscape(id), nil, &m))
}

// ModelExport returns what the gateway needs to write the model's artifact.
func (c *Client) ModelExport(ctx context.Context, id string) (*ModelExport, error) {
	var out ModelExport
	return orNil(&out, c.do(ctx, http.MethodGet, "/api/v1/models/"+url.PathEscape(id)+"/export", nil, &out))
}

// ModelBody returns the model's scoring form as JSON (the scoring package's
// GLM or GBM value).
func (c *Client) ModelBody(ctx context.Context, id string) ([]byte, error) {
	var raw json.RawMessage
	return raw, c.do(ctx, http.MethodGet, "/api/v1/models/"+url.PathEscape(id)+"/scoring", nil, &raw)
}

// DeleteModel deletes a model.
func (c *Client) DeleteModel(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/models/"+url.PathEscape(id), nil, nil)
}

// JobError is a job that ended failed or cancelled.
type JobError struct{ Job *Job }

func (e *JobError) Error() string {
	if e.Job.State == "cancelled" {
		return fmt.Sprintf("%s job %s was cancelled", e.Job.Kind, e.Job.ID)
	}
	return fmt.Sprintf("%s failed: %s", e.Job.Kind, e.Job.Error)
}

// orNil returns v, or nil with the error: a failed call never hands back a
// zero value that looks like an answer (an empty cloud of 0/0 nodes).
func orNil[T any](v *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
