package am

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/launcher/yarnenv"
	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/nm"
)

// loop heartbeats the RM: it asks for the node containers, starts each one
// granted, notes the ones that end, and returns the final status once every
// node container has ended (the cloud was stopped, or it broke).
func (a *AM) loop(ctx context.Context) (amrm.FinalStatus, string) {
	next := 0    // next node index to place
	asked := -1  // outstanding count last sent to the RM
	running := 0 // node containers started and not yet ended
	var failed []string
	for {
		want := a.cfg.Nodes - next
		req := amrm.AllocateRequest{Progress: a.progress()}
		if want != asked {
			// The ask is the total still wanted; send it only when it
			// changes, or a resent ask brings surplus containers.
			req.Asks = []amrm.ResourceRequest{amrm.Ask(1, amrm.Resource{MemoryMB: a.cfg.MemoryMB, VCores: a.cfg.VCores}, int32(want))}
			asked = want
		}
		resp, err := a.rm.Allocate(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return amrm.StatusKilled, "stopped"
			}
			return amrm.StatusFailed, fmt.Sprintf("heartbeat to the ResourceManager failed: %v", err)
		}
		if resp.AMRMToken != nil {
			if err := a.rm.Reconnect(ctx, resp.AMRMToken); err != nil {
				a.log.Printf("taking the rolled AMRMToken: %v", err)
			} else {
				a.log.Printf("took the rolled AMRMToken")
			}
		}
		a.nm.AddNMTokens(resp.NMTokens...)
		if resp.Command == amrm.AMResync {
			// A restarted or newly active RM lost the registration.
			if err := a.rm.Resync(ctx); err != nil {
				return amrm.StatusFailed, fmt.Sprintf("the ResourceManager asked the AM to register again, which failed: %v", err)
			}
			a.log.Printf("registered again with the ResourceManager at %s", a.rm.Addr())
			asked = -1 // the new RM knows no outstanding ask
			continue
		}
		if resp.Command == amrm.AMShutdown {
			return amrm.StatusFailed, "the ResourceManager told the AM to stop"
		}
		var surplus []amrm.ContainerID
		for _, c := range resp.Allocated {
			if next >= a.cfg.Nodes {
				surplus = append(surplus, c.ID)
				continue
			}
			if err := a.start(ctx, c, next); err != nil {
				a.log.Printf("starting node %d in %s: %v", next, c.ID, err)
				surplus = append(surplus, c.ID)
				asked = -1 // ask again for the one that failed to start
				continue
			}
			next++
			running++
		}
		if len(surplus) > 0 {
			if _, err := a.rm.Allocate(ctx, amrm.AllocateRequest{Releases: surplus, Progress: a.progress()}); err != nil {
				a.log.Printf("releasing surplus containers: %v", err)
			}
		}
		for _, st := range resp.Completed {
			idx, ours := a.ended(st)
			if !ours {
				continue
			}
			running--
			if st.ExitStatus != 0 {
				failed = append(failed, fmt.Sprintf("node %d (%s) exited with %d: %s", idx, st.ID, st.ExitStatus, st.Diagnostics))
			}
		}
		if len(failed) > 0 && running > 0 {
			// A cloud that lost a node has lost that node's chunks: end the
			// application now, naming the node, rather than hold the other
			// containers' resources until someone notices (YARN ends them).
			return amrm.StatusFailed, fmt.Sprintf("%s; the cloud lost that node's data", failed[0])
		}
		if next == a.cfg.Nodes && running == 0 {
			if len(failed) > 0 {
				return amrm.StatusFailed, fmt.Sprintf("%d of %d nodes failed; first: %s", len(failed), a.cfg.Nodes, failed[0])
			}
			return amrm.StatusSucceeded, "the cloud was stopped"
		}
		wait := heartbeat
		if next < a.cfg.Nodes {
			wait = fastHeartbeat
		}
		select {
		case <-ctx.Done():
			return amrm.StatusKilled, "stopped"
		case <-time.After(wait):
		}
	}
}

func (a *AM) progress() float32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.reg.Leader() != nil {
		return 1
	}
	return float32(len(a.status.Containers)) / float32(2*a.cfg.Nodes)
}

// start launches `mlctl engine node` for node idx in container c.
func (a *AM) start(ctx context.Context, c amrm.Container, idx int) error {
	bin, err := nm.FileResource(a.cfg.BinaryURL, a.cfg.BinarySize, a.cfg.BinaryTime)
	if err != nil {
		return err
	}
	cmd := fmt.Sprintf("./mlctl engine node --rendezvous %s --index %d --size %d --cluster %s 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr",
		a.addr, idx, a.cfg.Nodes, a.env.Cluster)
	launch := nm.LaunchContext{
		LocalResources: map[string]nm.LocalResource{"mlctl": bin},
		Tokens:         nm.WorkerTokens(a.env.Creds),
		Environment: map[string]string{
			yarnenv.EnvWebHDFS: strings.Join(a.env.WebHDFS, ","), yarnenv.EnvCluster: a.env.Cluster, yarnenv.EnvUser: a.env.User,
			yarnenv.EnvHDFSAuthorities: strings.Join(a.env.Authorities, ","),
			"GOMEMLIMIT":               fmt.Sprint(a.cfg.MemoryMB * 1 << 20 * 9 / 10), // leave room below YARN's limit
		},
		Commands: []string{cmd},
	}
	res, err := a.nm.StartContainers(ctx, c.Node, nm.StartRequest{Container: c, Launch: launch})
	if err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		return res.Failed[0]
	}
	a.mu.Lock()
	a.byID[c.ID.String()] = idx
	a.status.Containers = append(a.status.Containers, ContainerInfo{
		Index: idx, ID: c.ID.String(), Node: c.Node.String(), NodeHTTP: c.NodeHTTPAddress, State: "running", ExitStatus: -1000,
	})
	a.mu.Unlock()
	a.log.Printf("node %d started in %s on %s", idx, c.ID, c.Node)
	return nil
}

// ended records a completed container; false if it was not a node's.
func (a *AM) ended(st amrm.ContainerStatus) (int, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	idx, ok := a.byID[st.ID.String()]
	if !ok {
		return 0, false
	}
	for i := range a.status.Containers {
		if a.status.Containers[i].ID == st.ID.String() {
			a.status.Containers[i].State = "exited"
			a.status.Containers[i].ExitStatus = st.ExitStatus
			a.status.Containers[i].Diagnostics = st.Diagnostics
		}
	}
	if st.ExitStatus != 0 && a.status.Problem == "" {
		a.status.Problem = fmt.Sprintf("node %d's container %s exited with %d: %s", idx, st.ID, st.ExitStatus, st.Diagnostics)
	}
	a.log.Printf("node %d's container %s ended: exit %d %s", idx, st.ID, st.ExitStatus, st.Diagnostics)
	return idx, true
}

// Record is the cluster record the AM writes to the user's HDFS home (mode
// 0600) once the leader is known, so any gateway session can find the
// cluster. It carries the same names as the local record.
type Record struct {
	Name      string    `json:"name"`
	Backend   string    `json:"backend"`
	AppID     string    `json:"app_id"`
	Leader    string    `json:"leader"`
	AM        string    `json:"am"`
	Token     string    `json:"token"`
	CACert    string    `json:"ca_cert"`
	Nodes     int       `json:"nodes"`
	CreatedAt time.Time `json:"created_at"`
	Owner     string    `json:"owner"`
}

// writeRecord writes the cluster record once (the gateway keeps its own copy
// too, so one try is enough).
func (a *AM) writeRecord(ctx context.Context, l cloud.Member) {
	if a.cfg.RecordPath == "" {
		return
	}
	c, err := a.env.WebHDFSClient()
	if err != nil {
		a.log.Printf("cluster record not written: %v", err)
		return
	}
	app := ""
	if id, err := amrm.ParseContainerID(a.env.ContainerID); err == nil {
		app = id.Attempt.App.String()
	}
	rec := Record{Name: a.env.Cluster, Backend: "yarn", AppID: app, Leader: l.Addr, AM: a.addr, Token: a.env.Secrets.Token,
		CACert: string(a.env.Secrets.CACertPEM), Nodes: a.cfg.Nodes, CreatedAt: a.status.Started, Owner: a.env.User}
	b, _ := json.MarshalIndent(rec, "", "  ")
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.WriteFileAtomic(wctx, a.cfg.RecordPath, b, 0o600); err != nil {
		a.log.Printf("writing the cluster record %s: %v", a.cfg.RecordPath, err)
		return
	}
	a.log.Printf("cluster record written to %s", a.cfg.RecordPath)
}
