package node

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/source"
)

// Config is what a node needs to start.
type Config struct {
	Cluster    string
	Index      int
	Size       int // nodes expected in the cloud
	Rendezvous cloud.Rendezvous
	Secrets    *cloud.Secrets
	Listen     string // e.g. "127.0.0.1:0"
	Advertise  string // host others dial; "" = the listen host
	Log        *log.Logger
	// Remote reads hdfs:// inputs (YARN backend); nil on the local backend.
	Remote source.FS
	// Logs, when set, holds this process's recent log for the logs API.
	Logs *LogRing
}

// Node is one running engine process.
type Node struct {
	cfg     Config
	store   *Store
	states  *mr.States
	mux     *http.ServeMux
	peer    *cloud.Peer
	self    cloud.Member
	srv     *http.Server
	ln      net.Listener
	log     *log.Logger
	quit    chan struct{}
	quitOne sync.Once

	mu      sync.Mutex
	pending map[string]*pendingImport
	members []cloud.Member

	// OnHeartbeat is set on the leader to receive heartbeats.
	OnHeartbeat func(Heartbeat)
}

// New listens and prepares the internal endpoints; Serve starts serving.
func New(cfg Config) (*Node, error) {
	if cfg.Log == nil {
		cfg.Log = log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if cfg.Advertise != "" {
		host = cfg.Advertise
	}
	hosts := []string{host, "127.0.0.1", "localhost"}
	if hn, err := os.Hostname(); err == nil {
		hosts = append(hosts, hn)
	}
	cert, err := cfg.Secrets.NodeCertificate(hosts)
	if err != nil {
		ln.Close()
		return nil, err
	}
	peer, err := cloud.NewPeer(cfg.Secrets)
	if err != nil {
		ln.Close()
		return nil, err
	}
	n := &Node{
		cfg: cfg, store: newStore(), states: mr.NewStates(), mux: http.NewServeMux(), peer: peer, log: cfg.Log,
		ln: ln, quit: make(chan struct{}), pending: map[string]*pendingImport{},
		self: cloud.Member{Index: cfg.Index, Addr: net.JoinHostPort(host, port), PID: os.Getpid(), Host: host, Started: time.Now().UTC()},
	}
	n.srv = &http.Server{
		Handler:           n.mux,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          cfg.Log,
	}
	n.routes()
	return n, nil
}

// Self is this node as others see it.
func (n *Node) Self() cloud.Member { return n.self }

// Remote is the file system for hdfs:// inputs, or nil.
func (n *Node) Remote() source.FS { return n.cfg.Remote }

// Peer is the authenticated client for calling other members.
func (n *Node) Peer() *cloud.Peer { return n.peer }

// Handle adds an authenticated handler (the leader's API uses this too).
func (n *Node) Handle(pattern string, h http.HandlerFunc) {
	n.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !cloud.Authorized(r, n.cfg.Secrets.Token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mlctl"`)
			http.Error(w, "missing or wrong cluster token", http.StatusUnauthorized)
			return
		}
		h(w, r)
	})
}

// Serve serves until Shutdown is called or ctx ends.
func (n *Node) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- n.srv.ServeTLS(n.ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	case <-n.quit:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n.srv.Shutdown(sctx)
	return nil
}

// Shutdown asks Serve to return.
func (n *Node) Shutdown() { n.quitOne.Do(func() { close(n.quit) }) }

// Done is closed once Shutdown was called.
func (n *Node) Done() <-chan struct{} { return n.quit }

// SetMembers records the cloud's member list once formed.
func (n *Node) SetMembers(ms []cloud.Member) {
	n.mu.Lock()
	n.members = ms
	n.mu.Unlock()
}

// Members returns the member list.
func (n *Node) Members() []cloud.Member {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]cloud.Member(nil), n.members...)
}

// Usage reports this node's frame bytes, heap and chunks.
func (n *Node) Usage() Heartbeat {
	b, c := n.store.usage()
	return Heartbeat{Index: n.cfg.Index, MemBytes: b, HeapBytes: heapInUse(), MemLimit: memLimit(), Chunks: c}
}

func memLimit() int64 {
	l := debug.SetMemoryLimit(-1)
	if l == 1<<63-1 {
		return 0
	}
	return l
}

// httpError answers with a status fitting err.
func httpError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, fs.ErrNotExist) {
		code = http.StatusNotFound
	}
	var pe *mr.PanicError
	if errors.As(err, &pe) {
		log.Printf("task panicked: %v\n%s", pe.Value, pe.Stack)
	}
	w.Header().Set(cloud.ErrorKindHeader, mr.KindOf(err))
	http.Error(w, err.Error(), code)
}
