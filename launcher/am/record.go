package am

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
)

// Record is the cluster record the AM writes to the user's HDFS home (mode
// 0600) once the cloud formed, so any gateway session can find the cluster.
// It carries the same names as the local record, and what a later AM
// attempt needs to adopt the running nodes: which container each node runs
// in, and the members and leader the nodes formed their cloud with (they
// never ask the AM again).
type Record struct {
	Name       string            `json:"name"`
	Backend    string            `json:"backend"`
	AppID      string            `json:"app_id"`
	Attempt    string            `json:"attempt"` // the AM attempt that wrote it
	Leader     string            `json:"leader"`
	AM         string            `json:"am"`
	Token      string            `json:"token"`
	CACert     string            `json:"ca_cert"`
	Nodes      int               `json:"nodes"`
	Containers []RecordContainer `json:"containers"`
	Members    []cloud.Member    `json:"members"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	Owner      string            `json:"owner"`
}

// RecordContainer is the container one node runs in.
type RecordContainer struct {
	Index    int    `json:"index"`
	ID       string `json:"id"`
	Node     string `json:"node"`      // NodeManager host:port
	NodeHTTP string `json:"node_http"` // NodeManager web address
}

// recordTries bounds the attempts at writing (and reading) the record: a
// later AM attempt cannot adopt the nodes without it.
const recordTries = 6

// maxRecord bounds what is read back: a record is a few KB.
const maxRecord = 1 << 20

// writeRecord writes the cluster record, retrying with backoff until it is
// written, ctx ends or recordTries failed.
func (a *AM) writeRecord(ctx context.Context) {
	if a.cfg.RecordPath == "" {
		return
	}
	c, err := a.env.WebHDFSClient()
	if err != nil {
		a.log.Printf("cluster record not written: %v", err)
		return
	}
	b, _ := json.MarshalIndent(a.recordNow(), "", "  ")
	wait := 500 * time.Millisecond
	for try := 1; ; try++ {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = c.WriteFileAtomic(wctx, a.cfg.RecordPath, b, 0o600)
		cancel()
		if err == nil {
			a.log.Printf("cluster record written to %s", a.cfg.RecordPath)
			return
		}
		a.log.Printf("writing the cluster record %s (try %d): %v", a.cfg.RecordPath, try, err)
		if try == recordTries {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// recordNow is the record as this attempt knows the cluster.
func (a *AM) recordNow() Record {
	a.mu.Lock()
	defer a.mu.Unlock()
	rec := Record{Name: a.env.Cluster, Backend: "yarn", AppID: a.app, Attempt: a.status.Attempt, AM: a.addr,
		Token: a.env.Secrets.Token, CACert: string(a.env.Secrets.CACertPEM), Nodes: a.cfg.Nodes,
		CreatedAt: a.created, UpdatedAt: time.Now().UTC(), Owner: a.env.User}
	if l := a.reg.Leader(); l != nil {
		rec.Leader = l.Addr
	}
	rec.Members, _ = a.reg.Members(context.Background())
	for _, c := range a.status.Containers {
		if c.State == "running" {
			rec.Containers = append(rec.Containers, RecordContainer{Index: c.Index, ID: c.ID, Node: c.Node, NodeHTTP: c.NodeHTTP})
		}
	}
	return rec
}

// readRecord reads the record an earlier attempt wrote, retrying errors
// other than its absence (fs.ErrNotExist, returned as is).
func (a *AM) readRecord(ctx context.Context) (*Record, error) {
	if a.cfg.RecordPath == "" {
		return nil, fmt.Errorf("no record path (%s): %w", EnvRecord, fs.ErrNotExist)
	}
	c, err := a.env.WebHDFSClient()
	if err != nil {
		return nil, err
	}
	wait := 500 * time.Millisecond
	for try := 1; ; try++ {
		b, err := func() ([]byte, error) {
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			rc, err := c.Open(rctx, a.cfg.RecordPath, 0, -1)
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(io.LimitReader(rc, maxRecord))
		}()
		if err == nil {
			var rec Record
			if err := json.Unmarshal(b, &rec); err != nil {
				return nil, fmt.Errorf("cluster record %s: %w", a.cfg.RecordPath, err)
			}
			return &rec, nil
		}
		if errors.Is(err, fs.ErrNotExist) || try == recordTries || ctx.Err() != nil {
			return nil, err
		}
		a.log.Printf("reading the cluster record %s (try %d): %v", a.cfg.RecordPath, try, err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}
