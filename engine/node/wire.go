package node

import (
	"github.com/mlctl/mlctl/engine/frame"
	"github.com/mlctl/mlctl/engine/mr"
	"github.com/mlctl/mlctl/engine/parse"
)

// Internal endpoints, called by the leader (gob bodies, bearer token).
const (
	PathPing      = "/internal/ping"
	PathHeartbeat = "/internal/heartbeat" // served by the leader
	PathParse     = "/internal/parse"
	PathCommit    = "/internal/commit"
	PathAbort     = "/internal/abort"
	PathMR        = "/internal/mr"
	PathDelete    = "/internal/delete"
	PathShutdown  = "/internal/shutdown"
	PathLogs      = "/internal/logs"
	PathRename    = "/internal/rename"
	PathDropState = "/internal/dropstate"
)

// Unit kinds: one byte range of a text file, a whole gzip file, one parquet
// row group.
const (
	UnitCSV     = "csv"
	UnitGzip    = "gzip"
	UnitParquet = "parquet"
)

// Unit is one piece of input a node parses.
type Unit struct {
	ID            int
	Kind          string
	File          string
	Start, End    int64
	AtRecordStart bool
	SkipHeader    bool
	RowGroup      int
	// Perm, for a file whose header has the frame's columns in another
	// order: Perm[i] is the frame column of the file's column i.
	Perm []int
}

// ParseRequest asks a node to parse units with one setup. The parsed rows stay
// on the node, keyed by Import and unit ID, until CommitRequest or Abort.
type ParseRequest struct {
	Import    string
	Setup     parse.Setup
	Units     []Unit
	RangeSize int // for splitting a decompressed gzip file
}

// SubResult is what the leader needs to know of one parsed piece: offsets and
// line counts for the chain check and line numbers, mismatches, and the local
// categorical domains to unify.
type SubResult struct {
	Start, End int64
	Rows       int
	Lines      int
	Mismatches []parse.Mismatch
	Domains    [][]string // per column; nil for non-categorical
}

// UnitResult is one unit's outcome. A unit that failed has Err set. For a
// parse error, ParseMsg is the message without its place and Line the line
// relative to the unit's first record, so the leader can make it absolute.
type UnitResult struct {
	ID       int
	Subs     []SubResult
	Err      string
	ParseMsg string
	Line     int
}

// ParseResponse lists results in request order.
type ParseResponse struct{ Units []UnitResult }

// Placement turns one parsed piece into frame chunk Index, remapping
// categorical codes: Remap[col][localCode] = global code (nil: not categorical).
type Placement struct {
	Unit, Sub int
	Index     int
	Remap     [][]int32
}

// CommitRequest turns an import's parsed pieces into the frame's chunks.
type CommitRequest struct {
	Import string
	Frame  frame.Frame // columns with final domains; Chunks may be empty
	Place  []Placement
}

// ChunkInfo reports a stored chunk.
type ChunkInfo struct {
	Index int
	Rows  int64
	Bytes int64
}

// CommitResponse reports the chunks made.
type CommitResponse struct{ Chunks []ChunkInfo }

// AbortRequest drops an import's parsed pieces.
type AbortRequest struct{ Import string }

// MRRequest runs a registered task over local chunks of a frame.
type MRRequest = mr.Request

// MRResponse carries the partials and the chunks emitted.
type MRResponse = mr.Response

// DropStateRequest drops a job's node state and working frames.
type DropStateRequest struct {
	Job    string
	Frames []string
}

// MetaRequest installs the leader's map of a frame on a node.
type MetaRequest struct{ Frame frame.Frame }

// DeleteRequest drops a frame.
type DeleteRequest struct{ Name string }

// Heartbeat is what a node tells the leader every second.
type Heartbeat struct {
	Index     int
	MemBytes  int64
	HeapBytes int64
	MemLimit  int64
	Chunks    int
}

// LogsResponse is a node's recent log.
type LogsResponse struct{ Log []byte }

// RenameRequest renames a frame, replacing any frame called To: an import
// commits under a temporary name and renames once every node has its part,
// so a failed import never loses the frame it was replacing.
type RenameRequest struct{ From, To string }
