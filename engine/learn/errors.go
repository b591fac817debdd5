package learn

import (
	"fmt"

	"github.com/mlctl/mlctl/engine/mr"
)

// BadInput is a request the data cannot serve: the target is missing or
// constant, a column is all NA, the validation frame differs... It is the
// user's to fix, before any work starts.
type BadInput struct {
	Msg  string
	Hint string
}

func (e *BadInput) Error() string { return e.Msg }

// Is makes a BadInput match mr.ErrBadInput, also after it crossed the
// network as an mr.RemoteError.
func (e *BadInput) Is(target error) bool { return target == mr.ErrBadInput }

// Bad returns a BadInput with a formatted message.
func Bad(hint, format string, args ...any) error {
	return &BadInput{Msg: fmt.Sprintf(format, args...), Hint: hint}
}
