package yarn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Apps is the handle on /ws/v1/cluster/apps.
type Apps struct{ c *Client }

// NewApp is the answer to new-application.
type NewApp struct {
	ID string
	// MaxResource is the largest container the cluster grants
	// (yarn.scheduler.maximum-allocation-mb / -vcores).
	MaxResource Resource
}

func appPath(id string, rest ...string) string {
	p := "/ws/v1/cluster/apps/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

// New asks the RM for an application id.
func (a *Apps) New(ctx context.Context) (*NewApp, error) {
	var w struct {
		ID  string   `json:"application-id"`
		Max Resource `json:"maximum-resource-capability"`
	}
	if err := a.c.do(ctx, http.MethodPost, "/ws/v1/cluster/apps/new-application", nil, nil, &w); err != nil {
		return nil, err
	}
	if w.ID == "" {
		return nil, errors.New("yarn: new-application answered without an application-id")
	}
	return &NewApp{ID: w.ID, MaxResource: w.Max}, nil
}

// Submit submits an application under an id from New. The RM answers 202
// with no body; the app then moves NEW → SUBMITTED → ACCEPTED.
func (a *Apps) Submit(ctx context.Context, r *SubmitRequest) error {
	if r.ID == "" {
		return errors.New("yarn: SubmitRequest.ID is empty (get one from Apps().New)")
	}
	return a.c.do(ctx, http.MethodPost, "/ws/v1/cluster/apps", nil, r.wire(), nil)
}

// Get returns one application; a missing one is an error matching
// fs.ErrNotExist.
func (a *Apps) Get(ctx context.Context, id string) (*App, error) {
	var w struct {
		App *wireApp `json:"app"`
	}
	if err := a.c.do(ctx, http.MethodGet, appPath(id), nil, nil, &w); err != nil {
		return nil, err
	}
	if w.App == nil {
		return nil, fmt.Errorf("yarn: GET %s answered without an app", appPath(id))
	}
	return w.App.app(), nil
}

// ListOptions filter List; zero fields do not filter.
type ListOptions struct {
	User   string
	Tags   []string // apps carrying any of these tags
	States []string // e.g. StateRunning, StateAccepted
	Queue  string
	Types  []string // application types
	Limit  int
}

// List returns the applications matching opts.
func (a *Apps) List(ctx context.Context, opts ListOptions) ([]*App, error) {
	q := url.Values{}
	set := func(k string, v []string) {
		if len(v) > 0 {
			q.Set(k, strings.Join(v, ","))
		}
	}
	set("states", opts.States)
	set("applicationTags", opts.Tags)
	set("applicationTypes", opts.Types)
	if opts.User != "" {
		q.Set("user", opts.User)
	}
	if opts.Queue != "" {
		q.Set("queue", opts.Queue)
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	// No match is {"apps":{}} on 3.4.1 and {"apps":null} in older releases.
	var w struct {
		Apps *struct {
			App []*wireApp `json:"app"`
		} `json:"apps"`
	}
	if err := a.c.do(ctx, http.MethodGet, "/ws/v1/cluster/apps", q, nil, &w); err != nil {
		return nil, err
	}
	var out []*App
	if w.Apps != nil {
		for _, wa := range w.Apps.App {
			out = append(out, wa.app())
		}
	}
	return out, nil
}

// State returns an application's state alone (cheaper than Get).
func (a *Apps) State(ctx context.Context, id string) (string, error) {
	var w struct {
		State string `json:"state"`
	}
	err := a.c.do(ctx, http.MethodGet, appPath(id, "state"), nil, nil, &w)
	return w.State, err
}

// Kill asks the RM to kill an application and waits, bounded by ctx, until
// it is in a terminal state; it returns that state (an app that had already
// finished keeps FINISHED or FAILED). The RM answers 202 while killing.
func (a *Apps) Kill(ctx context.Context, id string) (string, error) {
	var w struct {
		State string `json:"state"`
	}
	if err := a.c.do(ctx, http.MethodPut, appPath(id, "state"), nil, map[string]string{"state": StateKilled}, &w); err != nil {
		return "", err
	}
	state := w.State
	for wait := a.c.cfg.Backoff; !Terminal(state); wait = next(wait) {
		if err := sleep(ctx, wait); err != nil {
			return state, err
		}
		var err error
		if state, err = a.State(ctx, id); err != nil {
			return state, err
		}
	}
	return state, nil
}

// SetLifetime sets the app's LIFETIME timeout to expire at expiry: the RM
// kills it then. While the app is still NEW the RM answers 503 (it is
// renewing the app's tokens); SetLifetime retries with backoff until the RM
// takes it or ctx ends.
func (a *Apps) SetLifetime(ctx context.Context, id string, expiry time.Time) (*Timeout, error) {
	body := map[string]wireTimeout{"timeout": {Type: "LIFETIME", Expiry: expiry.Format(TimeFormat)}}
	var w struct {
		Timeout wireTimeout `json:"timeout"`
	}
	for wait := a.c.cfg.Backoff; ; wait = next(wait) {
		err := a.c.do(ctx, http.MethodPut, appPath(id, "timeout"), nil, body, &w)
		var re *RemoteError
		if err == nil {
			return w.Timeout.timeout(), nil
		}
		if !errors.As(err, &re) || re.StatusCode != http.StatusServiceUnavailable {
			return nil, err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("yarn: setting the lifetime of %s: %w (last answer: %v)", id, serr, err)
		}
	}
}

// Attempts returns the application's attempts, oldest first.
func (a *Apps) Attempts(ctx context.Context, id string) ([]Attempt, error) {
	var w struct {
		AppAttempts struct {
			AppAttempt json.RawMessage `json:"appAttempt"`
		} `json:"appAttempts"`
	}
	if err := a.c.do(ctx, http.MethodGet, appPath(id, "appattempts"), nil, nil, &w); err != nil {
		return nil, err
	}
	ws, err := oneOrMany[wireAttempt](w.AppAttempts.AppAttempt)
	if err != nil {
		return nil, fmt.Errorf("yarn: decoding attempts of %s: %w", id, err)
	}
	out := make([]Attempt, 0, len(ws))
	for _, x := range ws {
		out = append(out, Attempt{ID: x.AppAttemptID, Number: x.ID, State: x.AppAttemptState,
			Started: ms(x.StartTime), Finished: ms(x.FinishedTime), ContainerID: x.ContainerID,
			NodeID: x.NodeID, NodeHTTP: x.NodeHTTPAddress, LogsLink: x.LogsLink})
	}
	return out, nil
}

// Containers returns the running containers of an attempt (attemptID is
// "appattempt_..."). The RM forgets containers once they end.
func (a *Apps) Containers(ctx context.Context, appID, attemptID string) ([]Container, error) {
	var w struct {
		Container json.RawMessage `json:"container"`
	}
	if err := a.c.do(ctx, http.MethodGet, appPath(appID, "appattempts", attemptID, "containers"), nil, nil, &w); err != nil {
		return nil, err
	}
	ws, err := oneOrMany[wireContainer](w.Container)
	if err != nil {
		return nil, fmt.Errorf("yarn: decoding containers of %s: %w", attemptID, err)
	}
	out := make([]Container, 0, len(ws))
	for _, x := range ws {
		node := x.NodeID
		if node == "" {
			node = x.AssignedNodeID
		}
		out = append(out, Container{ID: x.ContainerID, NodeID: node, NodeHTTP: x.NodeHTTPAddress,
			Allocated: Resource{MemoryMB: int64(x.AllocatedMB), VCores: int64(x.AllocatedVCores)},
			State:     x.State, ExitStatus: int(x.ExitStatus), Started: ms(int64(x.StartedTime)),
			Finished: ms(int64(x.FinishedTime)), LogURL: x.LogURL})
	}
	return out, nil
}

func next(d time.Duration) time.Duration {
	if d *= 2; d > 2*time.Second {
		d = 2 * time.Second
	}
	return d
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
