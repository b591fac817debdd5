package mr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// ErrBadInput is wrapped (or matched with errors.Is) by errors that are
// the user's input to fix, such as learn.BadInput.
var ErrBadInput = errors.New("bad input")

// Error kinds, as they cross the network between nodes.
const (
	KindNotFound  = "not_found"
	KindBadInput  = "bad_input"
	KindCancelled = "cancelled"
	KindInternal  = "internal"
	KindError     = "error"
)

// KindOf classifies an error for the wire.
func KindOf(err error) string {
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		return KindInternal
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, ErrNoFrame):
		return KindNotFound
	case errors.Is(err, ErrBadInput):
		return KindBadInput
	case errors.Is(err, context.Canceled), errors.Is(err, Cancelled):
		return KindCancelled
	}
	return KindError
}

// RemoteError is an error another node answered with. It keeps its kind, so
// errors.Is(err, fs.ErrNotExist), ErrBadInput or Cancelled hold on the
// leader as they did on the node, and names the node.
type RemoteError struct {
	Node int
	Addr string
	Kind string
	Msg  string
}

func (e *RemoteError) Error() string { return fmt.Sprintf("node %d (%s): %s", e.Node, e.Addr, e.Msg) }

// Is matches the sentinel of the error's kind.
func (e *RemoteError) Is(target error) bool {
	switch e.Kind {
	case KindNotFound:
		return target == fs.ErrNotExist || target == ErrNoFrame
	case KindBadInput:
		return target == ErrBadInput
	case KindCancelled:
		return target == Cancelled
	}
	return false
}
