package usage

import (
	"math"
	"sort"
	"time"

	"github.com/mlctl/mlctl/internal/audit"
)

// Row is one user's usage. JSON names are stable API.
type Row struct {
	User      string  `json:"user"`
	Clusters  int     `json:"clusters"`
	NodeHours float64 `json:"node_hours"`
	GiBHours  float64 `json:"gib_hours"`
	Denials   int     `json:"denials"`
}

// session is one run of a cluster, from a launch or start to its end.
type session struct {
	user          string
	start, end    time.Time
	nodes         int
	memBytes      int64
	maxUptime     time.Duration
	cluster, back string
}

// Compute sums records (in any order) into per-user rows for the window
// [from, to]. A cluster runs from a successful launch or start until a stop
// or reap of it, the next launch or start of the same name (it must have
// ended before), the lifetime it was launched with, or to, whichever comes
// first; only the part inside the window counts.
func Compute(recs []audit.Record, from, to time.Time) []Row {
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
	rows := map[string]*Row{}
	row := func(u string) *Row {
		if rows[u] == nil {
			rows[u] = &Row{User: u}
		}
		return rows[u]
	}
	open := map[string]*session{}
	var done []*session
	closeAt := func(k string, t time.Time) {
		if s := open[k]; s != nil {
			s.end = t
			done = append(done, s)
			delete(open, k)
		}
	}
	for _, r := range recs {
		// A cluster name is the owner's: stops by an admin (reap) end the
		// owner's cluster, so the key leaves the user out.
		k := r.Backend + "/" + r.Cluster
		inWindow := !r.Time.Before(from) && !r.Time.After(to)
		switch {
		case r.Outcome == audit.OutcomeDenied:
			if inWindow {
				row(r.User).Denials++
			}
		case r.Outcome != audit.OutcomeOK:
		case r.Action == audit.ActionLaunch || r.Action == audit.ActionStart:
			closeAt(k, r.Time)
			open[k] = &session{user: r.User, start: r.Time, nodes: r.Nodes, memBytes: r.MemoryBytes,
				maxUptime: time.Duration(r.MaxUptime), cluster: r.Cluster, back: r.Backend}
		case r.Action == audit.ActionStop || r.Action == audit.ActionReap:
			closeAt(k, r.Time)
		}
	}
	for k := range open {
		closeAt(k, to)
	}
	for _, s := range done {
		end := s.end
		if s.maxUptime > 0 && s.start.Add(s.maxUptime).Before(end) {
			end = s.start.Add(s.maxUptime)
		}
		if s.start.After(to) || end.Before(from) {
			continue // ran entirely outside the window
		}
		start := s.start
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		h := 0.0
		if end.After(start) {
			h = end.Sub(start).Hours()
		}
		r := row(s.user)
		r.Clusters++
		r.NodeHours += h * float64(s.nodes)
		r.GiBHours += h * float64(s.nodes) * float64(s.memBytes) / (1 << 30)
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		r.NodeHours, r.GiBHours = round2(r.NodeHours), round2(r.GiBHours)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User < out[j].User })
	return out
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
