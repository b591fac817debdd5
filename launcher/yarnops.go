package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/yarn"
)

// List returns the yarn clusters this gateway launched, states refreshed.
func (y *YARN) List(ctx context.Context) ([]Record, error) {
	return listRecords(y.Home, "yarn", func(name string) (*Record, error) { return y.Get(ctx, name) })
}

// Get reads the gateway's record and refreshes it from YARN and the AM.
func (y *YARN) Get(ctx context.Context, name string) (*Record, error) {
	rec, err := readBackendRecord(y.dir(name), name, "yarn")
	if err != nil {
		return nil, err
	}
	if Ended(rec.State) {
		return rec, nil
	}
	if err := y.setup(ctx); err != nil {
		return nil, err
	}
	app, err := y.rest.Apps().Get(ctx, rec.AppID)
	if err != nil {
		return nil, err
	}
	rec.YARNState, rec.TrackingURL = app.State+"/"+app.FinalStatus, app.TrackingURL
	if yarn.Terminal(app.State) {
		rec.State = endState(app, rec)
		if limits.StateOf(app.Diagnostics) == rec.State {
			rec.StopReason = app.Diagnostics // the leader ended it at a limit
		}
		if rec.Diagnostics == "" { // keep the first cause seen
			rec.Diagnostics = fmt.Sprintf("%s/%s: %s", app.State, app.FinalStatus, app.Diagnostics)
		}
		rec.StoppedAt = app.Finished
		rec.Leader = ""
		writeRecord(rec.Dir, rec)
		return rec, nil
	}
	rec.AM = app.AMRPCAddress
	if rec.Leader == "" {
		if st, err := y.amStatus(ctx, rec); err == nil && st.Leader != "" {
			rec.Leader, rec.State = st.Leader, StateRunning
			writeRecord(rec.Dir, rec)
		}
	}
	return rec, nil
}

// endState names what ended an application mlctl did not stop itself.
func endState(app *yarn.App, rec *Record) string {
	switch {
	case app.State == yarn.StateFailed || app.FinalStatus == "FAILED":
		return StateFailed
	case app.FinalStatus == "SUCCEEDED" && limits.StateOf(app.Diagnostics) != "":
		// The leader ended the cloud at max_idle (stopped) or, saving
		// first, just before the lifetime (expired); the AM unregistered
		// with the reason.
		return limits.StateOf(app.Diagnostics)
	case app.State == yarn.StateKilled && lifetimeEnded(app, rec):
		return StateExpired
	case app.State == yarn.StateKilled:
		return StateKilled
	}
	return StateStopped // the AM unregistered: the leader's idle limit, or a stop
}

// lifetimeEnded: YARN's lifetime monitor kills with "exceeded the lifetime"
// in the diagnostics, at the lifetime the record holds.
func lifetimeEnded(app *yarn.App, rec *Record) bool {
	if strings.Contains(strings.ToLower(app.Diagnostics), "lifetime") {
		return true
	}
	return !rec.EndsAt.IsZero() && !app.Finished.IsZero() && !app.Finished.Before(rec.EndsAt.Add(-2*time.Second))
}

// Client returns an API client for a running yarn cluster.
func (y *YARN) Client(ctx context.Context, name string) (*api.Client, error) {
	rec, err := y.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return leaderClient(rec)
}

// Stop shuts the cloud down through its leader, so the AM unregisters with
// SUCCEEDED; if the application does not end soon, YARN kills it.
func (y *YARN) Stop(ctx context.Context, name string) error {
	rec, err := y.Get(ctx, name)
	if err != nil {
		return err
	}
	if Ended(rec.State) {
		return nil
	}
	// A cloud that lost a node before the stop keeps that as its cause; a
	// leader that does not answer means there is nothing to wait for.
	asked := false
	if rec.Leader != "" {
		if c, err := api.NewClient(rec.Leader, rec.Token, []byte(rec.CACert)); err == nil {
			sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if st, err := c.Cloud(sctx); err == nil && !st.Healthy && st.Problem != "" && rec.Diagnostics == "" {
				rec.Diagnostics = "before the stop: " + st.Problem
			}
			asked = c.Shutdown(sctx) == nil
			cancel()
		}
	}
	wait := 15 * time.Second
	if !asked {
		wait = 0 // kill at once: no leader took the shutdown
	}
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		app, err := y.rest.Apps().Get(ctx, rec.AppID)
		if err == nil && yarn.Terminal(app.State) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	kctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if app, err := y.rest.Apps().Get(kctx, rec.AppID); err != nil || !yarn.Terminal(app.State) {
		if _, err := y.rest.Apps().Kill(kctx, rec.AppID); err != nil {
			return fmt.Errorf("killing %s: %w", rec.AppID, err)
		}
	}
	rec.State, rec.StoppedAt, rec.Leader = StateStopped, y.Now().UTC(), ""
	if app, err := y.rest.Apps().Get(ctx, rec.AppID); err == nil {
		rec.YARNState = app.State + "/" + app.FinalStatus
		if rec.Diagnostics == "" {
			rec.Diagnostics = "stopped with mlctl cluster stop"
		}
	}
	y.web.Delete(ctx, y.recordPath(name), false)
	return writeRecord(rec.Dir, rec)
}

// Delete stops the cluster and removes its records.
func (y *YARN) Delete(ctx context.Context, name string) error {
	if err := y.Stop(ctx, name); err != nil {
		return err
	}
	// Whatever ended the application (its lifetime, a kill, a crash), the
	// cluster's HDFS directory holds the record with its token: remove it,
	// directory and all, in every case.
	if err := y.setup(ctx); err != nil {
		return err
	}
	if err := y.web.Delete(ctx, path.Dir(y.recordPath(name)), true); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the cluster's HDFS directory %s: %w", path.Dir(y.recordPath(name)), err)
	}
	return os.RemoveAll(y.dir(name))
}

// Logs writes a running cluster's node logs, which the nodes keep and the
// leader serves (NodeManager log pages may be off, and container log
// directories are on the nodes' disks).
func (y *YARN) Logs(ctx context.Context, name string, node int, w io.Writer) error {
	rec, err := y.Get(ctx, name)
	if err != nil {
		return err
	}
	c, err := y.Client(ctx, name)
	if err != nil {
		return errs.New(errs.Code(err), err, fmt.Sprintf("logs of ended containers: yarn logs -applicationId %s (with log aggregation)", rec.AppID))
	}
	for i := 0; i < rec.Nodes; i++ {
		if node >= 0 && i != node {
			continue
		}
		b, err := c.Logs(ctx, i)
		if err != nil {
			return err
		}
		if node >= 0 {
			_, err = w.Write(b)
		} else {
			err = prefixLines(w, fmt.Sprintf("[node %d] ", i), b)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
