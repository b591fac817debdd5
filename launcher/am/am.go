package am

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl/engine/cloud"
	"github.com/mlctl/mlctl/engine/limits"
	"github.com/mlctl/mlctl/launcher/yarnenv"
	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/nm"
	"github.com/mlctl/mlctl/yarn/sasl"
	"github.com/mlctl/mlctl/yarn/token"
)

// AM is one run of the ApplicationMaster.
type AM struct {
	cfg  Config
	env  *yarnenv.ContainerEnv
	log  *log.Logger
	reg  *cloud.Registry
	addr string // host:port of our HTTPS server (registry + status)

	rm *amrm.Client
	nm *nm.Client

	app     string // our application id, from CONTAINER_ID
	attempt int32  // our attempt number (1, 2, ...)
	wake    chan struct{}
	// recordCtx bounds the record's writing; finish cancels it if the
	// write has not ended soon.
	recordCtx  context.Context
	stopRecord context.CancelFunc

	mu      sync.Mutex
	status  Status
	created time.Time      // when the cluster was first started (attempt 1)
	byID    map[string]int // container id -> node index
	record  sync.WaitGroup // the cluster record being written
	end     *limits.End    // set when the leader ended the cloud by a limit (PathEnd)
}

// heartbeat is the allocate interval once every node runs; while asking
// for containers the AM polls faster, since grants follow NM heartbeats.
// (Variables so tests against a fake RM need not wait.)
var (
	heartbeat     = time.Second
	fastHeartbeat = 200 * time.Millisecond
)

// Run runs the AM until every node container has ended or ctx ends.
func Run(ctx context.Context, cfg Config, logger *log.Logger) error {
	env, err := yarnenv.Read()
	if err != nil {
		return err
	}
	a := &AM{cfg: cfg, env: env, log: logger, reg: cloud.NewRegistry(), byID: map[string]int{}, wake: make(chan struct{}, 1)}
	a.status = Status{Cluster: env.Cluster, Wanted: cfg.Nodes, Started: time.Now().UTC()}
	a.created = a.status.Started
	a.recordCtx, a.stopRecord = context.WithCancel(ctx)
	defer a.stopRecord()
	// The loop writes the record once the leader is known: wake it then.
	a.reg.OnLeader = func(cloud.Member) { a.poke() }
	if id, err := amrm.ParseContainerID(env.ContainerID); err == nil {
		a.status.Attempt, a.app, a.attempt = id.Attempt.String(), id.Attempt.App.String(), id.Attempt.Attempt
	}
	if err := a.serve(ctx); err != nil {
		return err
	}
	_, amrmTok, ok := env.Creds.FindKind(token.KindAMRM)
	if !ok {
		return errors.New("no AMRMToken in the container's credentials")
	}
	qop := sasl.QOPAuth
	if cfg.QOP != "" {
		if qop, err = sasl.ParseQOP(cfg.QOP); err != nil {
			return err
		}
	}
	if a.rm, err = amrm.DialHA(ctx, strings.Split(cfg.Scheduler, ","), amrmTok, qop); err != nil {
		return fmt.Errorf("connecting to the ResourceManager at %s: %w", cfg.Scheduler, err)
	}
	defer a.rm.Close()
	a.nm = nm.NewClient(qop)
	defer a.nm.Close()
	host, port, _ := net.SplitHostPort(a.addr)
	p, _ := strconv.Atoi(port)
	reg, err := a.rm.Register(ctx, host, int32(p), "")
	if err != nil {
		return fmt.Errorf("registering with the ResourceManager: %w", err)
	}
	logger.Printf("registered as %s; serving the rendezvous at %s; %d containers from earlier attempts", a.status.Attempt, a.addr,
		len(reg.ContainersFromPreviousAttempts))
	a.nm.AddNMTokens(reg.NMTokensFromPreviousAttempts...)
	// Failures that another attempt would meet again end the application
	// here: the AM unregisters FAILED, so YARN starts no further attempt.
	if max := reg.MaximumCapability; int64(max.MemoryMB) < cfg.MemoryMB || max.VCores < cfg.VCores {
		diag := fmt.Sprintf("a node asks for %d MB and %d vcores; the scheduler allows at most %d MB and %d vcores per container",
			cfg.MemoryMB, cfg.VCores, max.MemoryMB, max.VCores)
		a.finish(amrm.StatusFailed, diag)
		return errors.New(diag)
	}
	var from start
	if a.attempt > 1 {
		if from, err = a.adopt(ctx, reg.ContainersFromPreviousAttempts); err != nil {
			diag := fmt.Sprintf("attempt %s could not take over the running nodes: %v", a.status.Attempt, err)
			a.finish(amrm.StatusFailed, diag)
			return errors.New(diag)
		}
	}
	status, diag := a.loop(ctx, from)
	if ctx.Err() != nil {
		// A signal: YARN is ending the application (a kill, its lifetime),
		// or the NodeManager is ending this container (over its memory, say).
		// Unregistering would end the application in the second case; not
		// unregistering lets YARN start another attempt, which adopts the
		// nodes, and changes nothing in the first.
		logger.Printf("signalled; leaving the application to YARN without unregistering")
		a.record.Wait()
		return context.Cause(ctx)
	}
	a.finish(status, a.endDiagnostics(status, diag))
	return nil
}

// endDiagnostics is the diagnostics to unregister with: the leader's reason
// when it ended the cloud by a limit (launcher/yarnops.go reads the end
// state from it), else diag.
func (a *AM) endDiagnostics(status amrm.FinalStatus, diag string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if status == amrm.StatusSucceeded && a.end != nil {
		return a.end.Text()
	}
	return diag
}

// poke wakes the heartbeat loop early.
func (a *AM) poke() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// serve starts the HTTPS server: the nodes' rendezvous and the status the
// gateway reads. It listens on the NodeManager's host, where YARN put us.
func (a *AM) serve(ctx context.Context) error {
	host := a.env.NMHost
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return err
	}
	cert, err := a.env.Secrets.NodeCertificate([]string{host, "127.0.0.1", "localhost"})
	if err != nil {
		ln.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/rendezvous/", a.reg.Handler(a.env.Secrets.Token))
	mux.HandleFunc("GET /api/v1/am", func(w http.ResponseWriter, r *http.Request) {
		if !cloud.Authorized(r, a.env.Secrets.Token) {
			http.Error(w, "missing or wrong cluster token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a.snapshot())
	})
	mux.HandleFunc("POST "+PathEnd, func(w http.ResponseWriter, r *http.Request) {
		if !cloud.Authorized(r, a.env.Secrets.Token) {
			http.Error(w, "missing or wrong cluster token", http.StatusUnauthorized)
			return
		}
		var e limits.End
		if err := cloud.ReadGob(r, &e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.end = &e
		a.mu.Unlock()
		a.log.Printf("the leader is ending the cloud: %s", e.Text())
		cloud.WriteGob(w, struct{}{})
	})
	srv := &http.Server{Handler: mux, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}, ReadHeaderTimeout: 10 * time.Second}
	go srv.ServeTLS(ln, "", "")
	go func() { <-ctx.Done(); srv.Close() }()
	a.addr = ln.Addr().String()
	return nil
}

func (a *AM) snapshot() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.status
	s.Containers = append([]ContainerInfo(nil), s.Containers...)
	if l := a.reg.Leader(); l != nil {
		s.Leader = l.Addr
	}
	ms, _ := a.reg.Members(context.Background())
	s.Joined = len(ms)
	return s
}

// finish unregisters; the RM then ends the application with status.
func (a *AM) finish(status amrm.FinalStatus, diag string) {
	t := time.AfterFunc(10*time.Second, a.stopRecord)
	a.record.Wait()
	t.Stop()
	a.log.Printf("unregistering: status %d: %s", status, diag)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.rm.Finish(ctx, status, diag, ""); err != nil {
		a.log.Printf("unregister: %v", err)
	}
}
