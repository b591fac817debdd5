package launcher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/internal/errs"
	"github.com/mlctl/mlctl/launcher/am"
	"github.com/mlctl/mlctl/launcher/yarnenv"
	"github.com/mlctl/mlctl/yarn"
)

// amMemoryMB is the AM container's size: the Go AM needs a few MB.
const amMemoryMB = 128

// AM restart: a failed AM (killed, crashed, its host lost) gets one more
// attempt, which adopts the node containers YARN keeps running
// (keep-containers-across-application-attempts) and the cloud carries on
// with its frames. Only failures within amAttemptWindow count, so a
// cluster that runs for days survives one AM failure an hour, while an AM
// that fails again at once ends the application. A failure the AM itself
// recognises (a lost node, a request the scheduler cannot meet) ends it
// unregistered FAILED, which YARN does not retry. The RM's
// yarn.resourcemanager.am.max-attempts caps amAttempts.
const amAttempts = 2

var amAttemptWindow = time.Hour // a variable so a test can shorten it

// Launch submits the cluster as a YARN application.
func (y *YARN) Launch(ctx context.Context, spec Spec, wait bool, progress func(Progress)) (*Record, error) {
	return y.launch(ctx, spec, wait, progress, nil)
}

// launch submits spec; prev is the record of the ended cluster being
// started again (nil for a new one), whose gateway directory is reused.
func (y *YARN) launch(ctx context.Context, spec Spec, wait bool, progress func(Progress), prev *Record) (*Record, error) {
	if err := ValidateName(spec.Name); err != nil {
		return nil, errs.New(errs.Usage, err, "")
	}
	if err := checkEnv(spec.Env); err != nil {
		return nil, err
	}
	if spec.MaxUptime < 0 || spec.MaxIdle < 0 {
		return nil, errs.New(errs.Usage, errors.New("max_uptime and max_idle must not be negative"), "give a positive duration, or 0 for no limit")
	}
	if spec.Nodes < 1 {
		return nil, errs.New(errs.Usage, fmt.Errorf("--nodes must be at least 1, got %d", spec.Nodes), "")
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	if err := y.setup(ctx); err != nil {
		return nil, err
	}
	memMB := spec.MemoryBytes >> 20
	if memMB <= 0 {
		memMB = 1024
	}
	vcores := int64(max(spec.VCores, 1))
	progress(Progress{Phase: "checking the queue and limits", Wanted: spec.Nodes})
	if err := y.rest.Preflight(ctx, yarn.Request{Queue: spec.Queue, Nodes: spec.Nodes, MemoryMB: memMB, VCores: vcores,
		AM: yarn.Resource{MemoryMB: amMemoryMB, VCores: 1}}); err != nil {
		return nil, errs.New(errs.Error, err, "ask for less (--nodes, --memory, --vcores) or another --queue")
	}
	if err := y.checkWebHDFS(ctx); err != nil {
		return nil, err
	}
	if prev != nil {
		// The ended application's HDFS record (left by a limit stop or a
		// kill) must not be taken by the new application's AM for its own.
		if err := y.web.Delete(ctx, y.recordPath(spec.Name), false); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("removing the ended application's record %s: %w", y.recordPath(spec.Name), err)
		}
	} else {
		if err := os.MkdirAll(y.dir(""), 0o700); err != nil {
			return nil, err
		}
		if err := os.Mkdir(y.dir(spec.Name), 0o700); err != nil {
			if errors.Is(err, os.ErrExist) {
				return nil, exists(spec.Name)
			}
			return nil, err
		}
	}
	rec, err := y.submit(ctx, spec, memMB, vcores, progress, prev)
	if err != nil {
		if prev == nil {
			os.RemoveAll(y.dir(spec.Name))
		}
		return nil, err
	}
	if !wait {
		return rec, nil
	}
	if err := y.await(ctx, rec, progress); err != nil {
		return rec, err
	}
	return rec, nil
}

func (y *YARN) submit(ctx context.Context, spec Spec, memMB, vcores int64, progress func(Progress), prev *Record) (*Record, error) {
	var bin *staged
	var err error
	if spec.Engine != nil {
		progress(Progress{Phase: "checking engine " + spec.Engine.Version, Wanted: spec.Nodes})
		bin, err = y.yarnEngine(ctx, spec.Engine)
	} else {
		progress(Progress{Phase: "staging mlctl to HDFS", Wanted: spec.Nodes})
		bin, err = y.stageBinary(ctx)
	}
	if err != nil {
		return nil, y.trustFailure(err)
	}
	hdfsCA, err := y.containerRoots(ctx, bin.Path)
	if err != nil {
		return nil, err
	}
	dt, err := y.delegationToken(ctx)
	if err != nil {
		return nil, err
	}
	secrets, err := cloud.MintSecrets(spec.Name, 90*24*time.Hour)
	if err != nil {
		return nil, err
	}
	app, err := y.rest.Apps().New(ctx)
	if err != nil {
		return nil, err
	}
	scheds, err := y.conf.RMSchedulerAddresses()
	if err != nil {
		return nil, err
	}
	addrs := make([]string, 0, len(scheds))
	for _, s := range scheds {
		addrs = append(addrs, s.Addr)
	}
	sched := strings.Join(addrs, ",") // the AM fails over between them under RM HA
	rec := &Record{
		Name: spec.Name, Backend: "yarn", State: StateStarting, Nodes: spec.Nodes, MemoryBytes: memMB << 20, VCores: int(vcores),
		Queue: spec.Queue, CreatedAt: y.Now().UTC(), Token: secrets.Token, CACert: string(secrets.CACertPEM), AppID: app.ID,
		Dir: y.dir(spec.Name), Owner: y.user, Binary: bin.Path,
	}
	recordSpec(rec, spec)
	if spec.MaxUptime > 0 {
		rec.EndsAt = rec.CreatedAt.Add(spec.MaxUptime)
	}
	if prev != nil {
		rec.Restarts = prev.Restarts + 1
	}
	lim := nodeLimits(rec)
	lim.UptimeByRM = true // YARN's lifetime ends it; the leader acts before only to save
	nodeEnvText, err := am.EncodeNodeEnv(nodeEnv(rec, lim))
	if err != nil {
		return nil, err
	}
	appName := "mlctl-" + spec.Name
	if spec.AppName != "" {
		appName = spec.AppName
	}
	req := &yarn.SubmitRequest{
		ID: app.ID, Name: appName, Type: "MLCTL", Queue: spec.Queue,
		MaxAppAttempts: amAttempts, KeepContainers: true, AttemptFailuresValidity: amAttemptWindow,
		Tags:       []string{"mlctl", "mlctl-cluster-" + spec.Name},
		AMResource: yarn.Resource{MemoryMB: amMemoryMB, VCores: 1},
		AM: yarn.ContainerSpec{
			LocalResources: map[string]yarn.LocalResource{"mlctl": {URL: bin.URL, Type: "FILE", Visibility: "APPLICATION", Size: bin.Size, Timestamp: bin.Timestamp}},
			Environment: map[string]string{
				am.EnvScheduler: sched, am.EnvBinaryURL: bin.URL, am.EnvBinarySize: fmt.Sprint(bin.Size),
				am.EnvBinaryTime: fmt.Sprint(bin.Timestamp), am.EnvRecord: y.recordPath(spec.Name),
				am.EnvQOP: y.conf.RPCProtection()[0], yarnenv.EnvWebHDFS: strings.Join(y.web.Bases, ","),
				yarnenv.EnvCluster: spec.Name, yarnenv.EnvUser: y.user, yarnenv.EnvHDFSAuthorities: strings.Join(y.authorities, ","),
				am.EnvNodeEnv: nodeEnvText,
			},
			Commands: []string{fmt.Sprintf("./mlctl engine am --nodes %d --memory-mb %d --vcores %d 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr",
				spec.Nodes, memMB, vcores)},
			Secrets: map[string][]byte{
				yarnenv.SecretCACert: secrets.CACertPEM, yarnenv.SecretCAKey: secrets.CAKeyPEM, yarnenv.SecretToken: []byte(secrets.Token),
			},
		},
	}
	if dt != "" {
		req.AM.Tokens = map[string]string{"hdfs-dt": dt}
	}
	if len(hdfsCA) > 0 {
		req.AM.Secrets[yarnenv.SecretHDFSCA] = hdfsCA
	}
	progress(Progress{Phase: "submitting " + app.ID, Wanted: spec.Nodes})
	if err := y.rest.Apps().Submit(ctx, req); err != nil {
		return nil, err
	}
	if err := writeRecord(rec.Dir, rec); err != nil {
		y.rest.Apps().Kill(context.Background(), app.ID)
		return nil, err
	}
	if spec.MaxUptime > 0 {
		// 3.4.1 ignores application-timeouts in the submission; set the
		// lifetime afterwards (the RM answers 503 while the app is NEW).
		if _, err := y.rest.Apps().SetLifetime(ctx, app.ID, y.Now().Add(spec.MaxUptime)); err != nil {
			y.rest.Apps().Kill(context.Background(), app.ID)
			return nil, fmt.Errorf("setting the lifetime of %s: %w", app.ID, err)
		}
	}
	return rec, nil
}

// await follows the application until its cloud forms, reporting YARN's
// state, the containers the AM got and the nodes that joined.
func (y *YARN) await(ctx context.Context, rec *Record, progress func(Progress)) error {
	last := ""
	for {
		app, err := y.rest.Apps().Get(ctx, rec.AppID)
		if err != nil && ctx.Err() == nil {
			return err
		}
		if app != nil {
			if yarn.Terminal(app.State) {
				rec.State, rec.Diagnostics = StateFailed, app.Diagnostics
				writeRecord(rec.Dir, rec)
				return errs.New(errs.Error, fmt.Errorf("application %s ended %s/%s before the cloud formed: %s", rec.AppID, app.State, app.FinalStatus, app.Diagnostics),
					fmt.Sprintf("see mlctl cluster logs %s", rec.Name))
			}
			phase := "YARN: " + app.State
			if app.AMRPCAddress != "" && app.State == yarn.StateRunning {
				rec.AM = app.AMRPCAddress
				if st, err := y.amStatus(ctx, rec); err == nil {
					phase = fmt.Sprintf("YARN: RUNNING, %d of %d containers", len(st.Containers), rec.Nodes)
					if st.Leader != "" {
						rec.Leader = st.Leader
						if c, err := api.NewClient(rec.Leader, rec.Token, []byte(rec.CACert)); err == nil {
							if cs, err := c.Cloud(ctx); err == nil && cs.Formed {
								rec.State = StateRunning
								progress(Progress{Phase: "cloud formed", Joined: rec.Nodes, Wanted: rec.Nodes})
								return writeRecord(rec.Dir, rec)
							}
						}
					}
					if phase != last {
						progress(Progress{Phase: phase, Joined: st.Joined, Wanted: rec.Nodes})
					}
				}
			} else if phase != last {
				progress(Progress{Phase: phase, Wanted: rec.Nodes})
			}
			last = phase
		}
		select {
		case <-ctx.Done():
			return errs.New(errs.Timeout, fmt.Errorf("cloud of %s not formed in time (%s)", rec.AppID, last),
				fmt.Sprintf("it may still come up: mlctl cluster status %s; or raise --timeout", rec.Name))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// amStatus asks the AM what it knows.
func (y *YARN) amStatus(ctx context.Context, rec *Record) (*am.Status, error) {
	if rec.AM == "" {
		return nil, errNoAM
	}
	pool, err := cloud.CAPool([]byte(rec.CACert))
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tlsConfig(pool)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+rec.AM+"/api/v1/am", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+rec.Token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("AM answered %s", resp.Status)
	}
	var st am.Status
	return &st, json.NewDecoder(resp.Body).Decode(&st)
}
