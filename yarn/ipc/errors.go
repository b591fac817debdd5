package ipc

import (
	"errors"
	"fmt"
	"strings"
)

// RemoteError is a call the server answered with status ERROR: the
// exception it threw. The connection stays usable.
type RemoteError struct {
	Class       string // Java class, e.g. org.apache.hadoop.yarn.exceptions.InvalidApplicationMasterRequestException
	Message     string // often with a stack trace
	ErrorDetail int    // RpcErrorCodeProto
	Method      string
}

func (e *RemoteError) Error() string {
	msg := e.Message
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Sprintf("ipc: %s: %s: %s", e.Method, e.ShortClass(), msg)
}

// ShortClass is the class name without its package.
func (e *RemoteError) ShortClass() string {
	return e.Class[strings.LastIndexByte(e.Class, '.')+1:]
}

// IsRemote reports whether err is a RemoteError or FatalError whose Java
// class, with or without its package, is class.
func IsRemote(err error, class string) bool {
	var re *RemoteError
	if errors.As(err, &re) {
		return re.Class == class || re.ShortClass() == class
	}
	var fe *FatalError
	if errors.As(err, &fe) {
		return fe.Class == class || fe.Class[strings.LastIndexByte(fe.Class, '.')+1:] == class
	}
	return false
}

// FatalError is a FATAL response: the server closed the connection. SASL
// failures (e.g. an InvalidToken after an AMRMToken roll) arrive this way.
type FatalError struct {
	Class       string
	Message     string
	ErrorDetail int
}

func (e *FatalError) Error() string {
	return fmt.Sprintf("ipc: fatal: %s: %s", e.Class, e.Message)
}

// ErrClosed is returned by calls on a closed or broken connection.
var ErrClosed = errors.New("ipc: connection closed")
