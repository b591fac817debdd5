// Package proctest starts clouds of engine processes inside a test, for
// tests of algorithms and the API against real nodes (HTTPS, gob, the
// leader) without child processes.
package proctest

import (
	"context"
	"io"
	"log"
	"testing"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/leader"
	"github.com/mlctl/mlctl/engine/node"
	"github.com/mlctl/mlctl/engine/proc"
	"github.com/mlctl/mlctl/engine/source"
)

// Cloud is a cloud of nodes in the test process.
type Cloud struct {
	Client  *api.Client
	Cancels []context.CancelFunc
	dir     string
	done    []chan error
}

// Start starts n nodes with parse ranges of rangeSize bytes (small ranges
// make many chunks) and waits for the cloud to form; it stops with the test.
func Start(t testing.TB, n, rangeSize int) *Cloud {
	t.Helper()
	return StartRemote(t, n, rangeSize, nil)
}

// StartRemote is Start with nodes that read and write hdfs:// paths
// through remote, as nodes in YARN containers do.
func StartRemote(t testing.TB, n, rangeSize int, remote source.FS) *Cloud {
	t.Helper()
	dir := t.TempDir()
	s, err := cloud.MintSecrets("test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := cloud.SaveSecrets(dir, s); err != nil {
		t.Fatal(err)
	}
	c := &Cloud{dir: dir}
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		c.Cancels = append(c.Cancels, cancel)
		c.done = append(c.done, done)
		cfg := proc.Config{
			Node: node.Config{Cluster: "test", Index: i, Size: n, Rendezvous: cloud.DirRendezvous{Dir: dir}, Secrets: s,
				Log: log.New(io.Discard, "", 0), Remote: remote},
			Heartbeat: 200 * time.Millisecond,
			Leader:    leader.Options{HeartbeatTimeout: time.Second, RangeSize: rangeSize},
		}
		go func() { done <- proc.Run(ctx, cfg) }()
	}
	t.Cleanup(func() {
		for i, cancel := range c.Cancels {
			cancel()
			<-c.done[i]
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := cloud.ReadLeader(dir)
		if err == nil {
			c.Client, err = api.NewClient(m.Addr, s.Token, s.CACertPEM)
			if err != nil {
				t.Fatal(err)
			}
			st, err := c.Client.Cloud(context.Background())
			if err == nil && st.Formed {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("cloud of %d did not form", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Import imports a frame and waits for it.
func (c *Cloud) Import(t testing.TB, req api.ImportRequest) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := c.Client.ImportFrame(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Client.WaitJob(ctx, j.ID, nil); err != nil {
		t.Fatal(err)
	}
}

// Train trains a model and returns it.
func (c *Cloud) Train(t testing.TB, req api.TrainRequest, timeout time.Duration) *api.Model {
	t.Helper()
	m, _ := c.TrainBody(t, req, timeout)
	return m
}

// TrainBody trains a model and returns it with its scoring form (JSON).
func (c *Cloud) TrainBody(t testing.TB, req api.TrainRequest, timeout time.Duration) (*api.Model, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	j, err := c.Client.Train(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	j, err = c.Client.WaitJob(ctx, j.ID, nil)
	if err != nil {
		t.Fatalf("train %s: %v", req.ModelID, err)
	}
	m, err := c.Client.Model(ctx, j.Result)
	if err != nil {
		t.Fatal(err)
	}
	body, err := c.Client.ModelBody(ctx, j.Result)
	if err != nil {
		t.Fatal(err)
	}
	return m, body
}
