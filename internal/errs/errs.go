// Package errs carries mlctl's exit codes on errors, so that any package can
// say "this is a not-found" or "this is an auth problem" and cmd/mlctl maps it
// to the one exit-code table. It imports only the standard library.
package errs

import (
	"context"
	"errors"
	"io/fs"
)

// Exit codes: the one table, applied in main only.
const (
	OK       = 0
	Error    = 1
	Usage    = 2
	Denied   = 3 // policy denied
	Auth     = 4 // no or expired Kerberos ticket
	Timeout  = 5
	NotFound = 6
	// Integrity: a model artifact is damaged, modified, wrongly signed or
	// of a newer format.
	Integrity = 7
	Pending   = 8 // still pending
	// Interrupted is the shell's code for a command stopped by SIGINT
	// (128 + 2), used when Ctrl-C ends a wait.
	Interrupted = 130
)

// E is an error with an exit code and an optional hint that tells the user
// what to do about it.
type E struct {
	Code int
	Err  error
	Hint string
}

func (e *E) Error() string { return e.Err.Error() }
func (e *E) Unwrap() error { return e.Err }

// New wraps err with code and hint.
func New(code int, err error, hint string) error {
	if err == nil {
		return nil
	}
	return &E{Code: code, Err: err, Hint: hint}
}

// Code returns the exit code for err: the innermost-first E found by
// errors.As, else a code guessed from well-known causes, else Error.
func Code(err error) int {
	if err == nil {
		return OK
	}
	var e *E
	if errors.As(err, &e) {
		return e.Code
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return NotFound
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	}
	return Error
}

// Hint returns the first hint found on err's chain, or "".
func Hint(err error) string {
	for err != nil {
		var e *E
		if !errors.As(err, &e) {
			return ""
		}
		if e.Hint != "" {
			return e.Hint
		}
		err = e.Err
	}
	return ""
}
