package am

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/launcher/yarnenv"
	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/nm"
)

// missingGrace is how many heartbeats a later attempt waits for the
// completion of a node container the record names but YARN did not hand
// over (it ended while no AM ran: the RM passes such completions on to the
// new attempt) before counting the node as lost.
const missingGrace = 3

// loop heartbeats the RM: it asks for the node containers, starts each one
// granted, notes the ones that end, and returns the final status once every
// node container has ended (the cloud was stopped, or it broke). from is
// what an earlier attempt left (zero on the first attempt).
func (a *AM) loop(ctx context.Context, from start) (amrm.FinalStatus, string) {
	next := from.next       // next node index to place
	running := from.running // node containers started (or adopted) and not yet ended
	missing := from.missing
	release := from.release
	grace := missingGrace
	asked := -1 // outstanding count last sent to the RM
	recorded := false
	var failed []string
	for {
		want := a.cfg.Nodes - next
		req := amrm.AllocateRequest{Progress: a.progress(), Releases: release}
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
		release = nil
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
			delete(missing, st.ID.String())
			running--
			if st.ExitStatus != 0 {
				failed = append(failed, fmt.Sprintf("node %d (%s) exited with %d: %s", idx, st.ID, st.ExitStatus, st.Diagnostics))
			}
		}
		if len(missing) > 0 {
			if grace--; grace <= 0 {
				for id, idx := range missing {
					diag := fmt.Sprintf("not running when attempt %s registered: it ended while no ApplicationMaster ran", a.status.Attempt)
					a.lost(id, diag)
					failed = append(failed, fmt.Sprintf("node %d (%s) was %s", idx, id, diag))
					running--
				}
				missing = nil
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
		if !recorded && next == a.cfg.Nodes && a.reg.Leader() != nil {
			// Every node runs and the cloud formed (or was adopted): write
			// the record, which a later attempt adopts the nodes from. finish
			// waits for it, so it is never written after the application ended.
			recorded = true
			a.record.Add(1)
			go func() {
				defer a.record.Done()
				a.writeRecord(a.recordCtx)
			}()
		}
		wait := heartbeat
		if next < a.cfg.Nodes {
			wait = fastHeartbeat
		}
		select {
		case <-ctx.Done():
			return amrm.StatusKilled, "stopped"
		case <-a.wake:
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
	env := map[string]string{}
	for k, v := range a.cfg.NodeEnv { // the profile's env and the limits; mlctl's own below win
		env[k] = v
	}
	for k, v := range map[string]string{
		yarnenv.EnvWebHDFS: strings.Join(a.env.WebHDFS, ","), yarnenv.EnvCluster: a.env.Cluster, yarnenv.EnvUser: a.env.User,
		yarnenv.EnvHDFSAuthorities: strings.Join(a.env.Authorities, ","),
		"GOMEMLIMIT":               fmt.Sprint(a.cfg.MemoryMB * 1 << 20 * 9 / 10), // leave room below YARN's limit
	} {
		env[k] = v
	}
	launch := nm.LaunchContext{
		LocalResources: map[string]nm.LocalResource{"mlctl": bin},
		Tokens:         nm.WorkerTokens(a.env.Creds),
		Environment:    env,
		Commands:       []string{cmd},
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

// lost records a node container the RM no longer knows (see missingGrace).
func (a *AM) lost(id, diag string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.status.Containers {
		if c := &a.status.Containers[i]; c.ID == id {
			c.State, c.Diagnostics = "lost", diag
			if a.status.Problem == "" {
				a.status.Problem = fmt.Sprintf("node %d's container %s was %s", c.Index, id, diag)
			}
		}
	}
	a.log.Printf("container %s was %s", id, diag)
}
