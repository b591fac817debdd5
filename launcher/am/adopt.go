package am

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/yarn/amrm"
)

// start is where the heartbeat loop begins: from nothing on a first
// attempt, from what an earlier attempt left on a later one.
type start struct {
	next    int                // next node index to place
	running int                // node containers running (adopted ones included)
	missing map[string]int     // container id -> node index: in the record, not handed over
	release []amrm.ContainerID // handed over, but no node of ours: give back
}

// inherited is what a later attempt takes over, as planAdoption works it out.
type inherited struct {
	running []ContainerInfo // the nodes whose containers YARN kept, by index
	missing []ContainerInfo // the nodes whose containers YARN did not hand over
	release []amrm.ContainerID
	leader  cloud.Member
	members []cloud.Member
	created time.Time
}

// planAdoption matches the containers YARN kept across the AM restart with
// the nodes the earlier attempt's record names. An error says why the
// record cannot be used.
func planAdoption(rec *Record, app string, nodes int, prev []amrm.Container) (*inherited, error) {
	switch {
	case rec.AppID != app:
		return nil, fmt.Errorf("the record is of %s, not %s", rec.AppID, app)
	case rec.Leader == "":
		return nil, errors.New("the record names no leader")
	case len(rec.Containers) != nodes:
		return nil, fmt.Errorf("the record names %d node containers, not %d", len(rec.Containers), nodes)
	}
	byID := map[string]RecordContainer{}
	seen := make([]bool, nodes)
	for _, c := range rec.Containers {
		if c.Index < 0 || c.Index >= nodes || seen[c.Index] {
			return nil, fmt.Errorf("the record's node index %d is out of range or repeated", c.Index)
		}
		if _, dup := byID[c.ID]; dup || c.ID == "" {
			return nil, fmt.Errorf("the record's container id %q is empty or repeated", c.ID)
		}
		seen[c.Index] = true
		byID[c.ID] = c
	}
	in := &inherited{members: rec.Members, created: rec.CreatedAt, leader: cloud.Member{Index: -1, Addr: rec.Leader}}
	for _, m := range rec.Members {
		if m.Addr == rec.Leader {
			in.leader = m
		}
	}
	kept := map[string]bool{}
	for _, p := range prev {
		id := p.ID.String()
		c, ours := byID[id]
		if !ours {
			in.release = append(in.release, p.ID)
			continue
		}
		kept[id] = true
		in.running = append(in.running, ContainerInfo{Index: c.Index, ID: id, Node: p.Node.String(), NodeHTTP: p.NodeHTTPAddress,
			State: "running", ExitStatus: -1000})
	}
	for _, c := range rec.Containers {
		if !kept[c.ID] {
			in.missing = append(in.missing, ContainerInfo{Index: c.Index, ID: c.ID, Node: c.Node, NodeHTTP: c.NodeHTTP,
				State: "running", ExitStatus: -1000})
		}
	}
	sort.Slice(in.running, func(i, j int) bool { return in.running[i].Index < in.running[j].Index })
	sort.Slice(in.missing, func(i, j int) bool { return in.missing[i].Index < in.missing[j].Index })
	return in, nil
}

// adopt takes over from an earlier attempt. The node containers YARN kept
// running (keep-containers-across-application-attempts) are adopted: the
// record the earlier attempt wrote says which node each one is, and gives
// the registry back its members and leader, so the status reads as before.
// The nodes themselves never notice: after the cloud formed they talk only
// to each other. With no record (the earlier attempt died before the cloud
// formed) there is nothing worth keeping: what it left is released and a
// fresh cloud starts. An error (the record could not be read) ends the
// application.
func (a *AM) adopt(ctx context.Context, prev []amrm.Container) (start, error) {
	fresh := func(why string) (start, error) {
		s := start{}
		for _, p := range prev {
			s.release = append(s.release, p.ID)
		}
		a.log.Printf("attempt %s: %s; releasing the %d containers left and starting a fresh cloud", a.status.Attempt, why, len(prev))
		return s, nil
	}
	rec, err := a.readRecord(ctx)
	if errors.Is(err, fs.ErrNotExist) {
		return fresh(fmt.Sprintf("no cluster record (the earlier attempt ended before the cloud formed): %v", err))
	}
	if err != nil {
		return start{}, fmt.Errorf("reading the cluster record %s: %w", a.cfg.RecordPath, err)
	}
	in, err := planAdoption(rec, a.app, a.cfg.Nodes, prev)
	if err != nil {
		return fresh(fmt.Sprintf("the cluster record cannot be used: %v", err))
	}
	s := a.take(ctx, in)
	a.log.Printf("attempt %s adopted %d of %d nodes from %s (leader %s); %d not handed over, %d containers to release",
		a.status.Attempt, len(in.running), a.cfg.Nodes, rec.Attempt, rec.Leader, len(in.missing), len(in.release))
	return s, nil
}

// take makes the inherited nodes this attempt's: its containers, the
// registry's members and leader, and the loop's start.
func (a *AM) take(ctx context.Context, in *inherited) start {
	s := start{next: a.cfg.Nodes, release: in.release, missing: map[string]int{}}
	a.mu.Lock()
	a.created = in.created
	a.status.Adopted = len(in.running)
	for _, c := range append(append([]ContainerInfo(nil), in.running...), in.missing...) {
		a.byID[c.ID] = c.Index
		a.status.Containers = append(a.status.Containers, c)
		s.running++
	}
	for _, c := range in.missing {
		s.missing[c.ID] = c.Index
	}
	sort.Slice(a.status.Containers, func(i, j int) bool { return a.status.Containers[i].Index < a.status.Containers[j].Index })
	a.mu.Unlock()
	for _, m := range in.members {
		a.reg.Join(ctx, m)
	}
	a.reg.PublishLeader(ctx, in.leader)
	return s
}
