package cloud

import (
	"context"
	"net/http"
	"sort"
	"sync"
)

// Registry is the server side of a rendezvous kept in memory: on YARN the
// ApplicationMaster runs one, and the nodes reach it with HTTPRendezvous.
type Registry struct {
	mu      sync.Mutex
	members map[int]Member
	leader  *Member
	// OnJoin, when set, is told of every member that joins.
	OnJoin func(Member)
	// OnLeader, when set, is told of the leader once it is published.
	OnLeader func(Member)
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{members: map[int]Member{}} }

// Rendezvous endpoints (gob bodies, bearer token).
const (
	PathJoin    = "/rendezvous/join"
	PathMembers = "/rendezvous/members"
	PathLeader  = "/rendezvous/leader"
)

// Join records m; a node that restarts under the same index replaces itself.
func (r *Registry) Join(_ context.Context, m Member) error {
	r.mu.Lock()
	r.members[m.Index] = m
	cb := r.OnJoin
	r.mu.Unlock()
	if cb != nil {
		cb(m)
	}
	return nil
}

// Members lists the members by index.
func (r *Registry) Members(_ context.Context) ([]Member, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Member, 0, len(r.members))
	for _, m := range r.members {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out, nil
}

// PublishLeader records the leader.
func (r *Registry) PublishLeader(_ context.Context, m Member) error {
	r.mu.Lock()
	r.leader = &m
	cb := r.OnLeader
	r.mu.Unlock()
	if cb != nil {
		cb(m)
	}
	return nil
}

// Leader returns the published leader, or nil.
func (r *Registry) Leader() *Member {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.leader == nil {
		return nil
	}
	m := *r.leader
	return &m
}

// Handler serves the rendezvous endpoints; token guards every call.
func (r *Registry) Handler(token string) http.Handler {
	mux := http.NewServeMux()
	guard := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			if !Authorized(req, token) {
				http.Error(w, "missing or wrong cluster token", http.StatusUnauthorized)
				return
			}
			h(w, req)
		}
	}
	mux.HandleFunc("POST "+PathJoin, guard(func(w http.ResponseWriter, req *http.Request) {
		var m Member
		if err := ReadGob(req, &m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Join(req.Context(), m)
		WriteGob(w, struct{}{})
	}))
	mux.HandleFunc("POST "+PathMembers, guard(func(w http.ResponseWriter, req *http.Request) {
		ms, _ := r.Members(req.Context())
		WriteGob(w, ms)
	}))
	mux.HandleFunc("POST "+PathLeader, guard(func(w http.ResponseWriter, req *http.Request) {
		var m Member
		if err := ReadGob(req, &m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.PublishLeader(req.Context(), m)
		WriteGob(w, struct{}{})
	}))
	return mux
}

// HTTPRendezvous is a Rendezvous served by a Registry at Addr.
type HTTPRendezvous struct {
	Addr string
	Peer *Peer
}

func (h HTTPRendezvous) Join(ctx context.Context, m Member) error {
	return h.Peer.Call(ctx, h.Addr, PathJoin, m, nil)
}

func (h HTTPRendezvous) Members(ctx context.Context) ([]Member, error) {
	var ms []Member
	err := h.Peer.Call(ctx, h.Addr, PathMembers, struct{}{}, &ms)
	return ms, err
}

func (h HTTPRendezvous) PublishLeader(ctx context.Context, m Member) error {
	return h.Peer.Call(ctx, h.Addr, PathLeader, m, nil)
}
