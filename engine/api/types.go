package api

import "time"

// JSON field names here are stable API: snake_case, documented in docs/api.md.

// CloudStatus is the leader's view of the cloud.
type CloudStatus struct {
	Cluster  string       `json:"cluster"`
	Healthy  bool         `json:"healthy"`
	Leader   int          `json:"leader"`
	Size     int          `json:"size"`      // nodes expected
	Formed   bool         `json:"formed"`    // every expected node joined
	Problem  string       `json:"problem"`   // why unhealthy, "" when healthy
	Started  time.Time    `json:"started"`   // leader start
	LastWork time.Time    `json:"last_work"` // last API call that did work (idle = now - last_work)
	Nodes    []NodeStatus `json:"nodes"`
}

// NodeStatus is one member of the cloud.
type NodeStatus struct {
	Index         int       `json:"index"`
	Addr          string    `json:"addr"`
	PID           int       `json:"pid"`
	Healthy       bool      `json:"healthy"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
	MemBytes      int64     `json:"mem_bytes"`  // frame data held
	HeapBytes     int64     `json:"heap_bytes"` // Go heap in use
	MemLimit      int64     `json:"mem_limit"`  // GOMEMLIMIT, 0 = none
	Chunks        int       `json:"chunks"`
}

// ImportRequest asks the cloud to parse files into a new frame.
type ImportRequest struct {
	Paths     []string          `json:"paths"`      // files (globs already expanded by the client for local paths)
	Name      string            `json:"name"`       // destination frame
	ColTypes  map[string]string `json:"col_types"`  // column name -> numeric|categorical|string|time
	Sep       string            `json:"sep"`        // "" = guess
	Header    string            `json:"header"`     // "auto" | "yes" | "no"
	NAStrings []string          `json:"na_strings"` // extra NA tokens
	Replace   bool              `json:"replace"`    // overwrite an existing frame of that name
}

// Job is long-running work on the cloud.
type Job struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`     // import, train, predict
	State    string    `json:"state"`    // running | done | failed | cancelled
	Progress float64   `json:"progress"` // 0..1
	Message  string    `json:"message"`
	Error    string    `json:"error"`
	Warnings []string  `json:"warnings"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Result   string    `json:"result"` // the frame or model made
	Target   string    `json:"target"` // what the job works on (frame or model id)
}

// FrameInfo is one line of `frame list`.
type FrameInfo struct {
	Name     string `json:"name"`
	Rows     int64  `json:"rows"`
	Columns  int    `json:"columns"`
	Chunks   int    `json:"chunks"`
	MemBytes int64  `json:"mem_bytes"`
	Source   string `json:"source"`
}

// Summary is `frame summary --output json`. Numbers that JSON cannot hold
// are the strings "Infinity", "-Infinity", "NaN" (see Number). Numeric
// fields are null where they do not apply (min/max/mean/sd of a categorical or string column,
// cardinality of a numeric one, or a numeric column that is all NA).
type Summary struct {
	Name    string          `json:"name"`
	Rows    int64           `json:"rows"`
	Columns []ColumnSummary `json:"columns"`
}

// ColumnSummary is one column of a Summary.
type ColumnSummary struct {
	Name        string  `json:"name"`
	Type        string  `json:"type"`
	NACount     int64   `json:"na_count"`
	Min         *Number `json:"min"`
	Max         *Number `json:"max"`
	Mean        *Number `json:"mean"`
	SD          *Number `json:"sd"`
	Cardinality *int64  `json:"cardinality"`
}

// SplitRequest splits a frame by row into len(Ratios) frames named
// <frame>_0, <frame>_1, ... (or Dest when given).
type SplitRequest struct {
	Frame  string    `json:"frame"`
	Ratios []float64 `json:"ratios"` // sum to 1 (a missing last part is implied)
	Seed   int64     `json:"seed"`
	Dest   []string  `json:"dest"`
}
