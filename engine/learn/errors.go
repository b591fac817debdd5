package learn

import "fmt"

// BadInput is a request the data cannot serve: the target is missing or
// constant, a column is all NA, the validation frame differs... It is the
// user's to fix, before any work starts.
type BadInput struct {
	Msg  string
	Hint string
}

func (e *BadInput) Error() string { return e.Msg }

// Bad returns a BadInput with a formatted message.
func Bad(hint, format string, args ...any) error {
	return &BadInput{Msg: fmt.Sprintf(format, args...), Hint: hint}
}
