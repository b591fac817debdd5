package yarn

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/mlctl/mlctl/internal/errs"
)

// RemoteError is an RM answer outside 2xx. When the body is Hadoop's
// RemoteException JSON its fields are decoded; otherwise Message holds the
// start of the body (often an HTML error page).
type RemoteError struct {
	StatusCode    int
	Exception     string // "NotFoundException"
	JavaClassName string // "org.apache.hadoop.yarn.webapp.NotFoundException"
	Message       string // without Java's "java.lang.Exception: " prefix
	Method, Path  string
	Body          []byte // the raw answer
}

func (e *RemoteError) Error() string {
	ex := e.Exception
	if ex == "" {
		ex = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("yarn: %s %s: %s: %s (HTTP %d)", e.Method, e.Path, ex, e.Message, e.StatusCode)
}

// Is maps the RM's failures onto the standard library's: a missing app or
// attempt is fs.ErrNotExist, a refusal fs.ErrPermission.
func (e *RemoteError) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.StatusCode == http.StatusNotFound || e.Exception == "NotFoundException" ||
			e.Exception == "ApplicationNotFoundException" || e.Exception == "ApplicationAttemptNotFoundException"
	case fs.ErrPermission:
		return e.StatusCode == http.StatusForbidden || e.Exception == "AccessControlException" ||
			e.Exception == "AuthorizationException" || e.Exception == "ForbiddenException" ||
			e.Exception == "YarnAccessControlException"
	}
	return false
}

var javaPrefix = regexp.MustCompile(`^(java\.lang\.|org\.apache\.hadoop\.[\w.]+\.)\w*Exception: `)

func remoteError(method, path string, resp *http.Response, data []byte, kerberos bool) error {
	e := &RemoteError{StatusCode: resp.StatusCode, Method: method, Path: path, Body: data}
	var w struct {
		RemoteException struct {
			Exception     string `json:"exception"`
			Message       string `json:"message"`
			JavaClassName string `json:"javaClassName"`
		} `json:"RemoteException"`
	}
	if json.Unmarshal(data, &w) == nil && w.RemoteException.Exception != "" {
		e.Exception = w.RemoteException.Exception
		e.JavaClassName = w.RemoteException.JavaClassName
		e.Message = javaPrefix.ReplaceAllString(w.RemoteException.Message, "")
	} else if m := jsonMessage(data); m != "" {
		// Jetty's own errors (401 before any servlet) come as JSON when
		// JSON was asked for: {"servlet":..,"message":..,"status":..}.
		e.Message = m
	} else {
		e.Message = firstLine(stripTags(data))
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		hint := "run kinit"
		if !kerberos {
			hint = "the ResourceManager wants Kerberos: run kinit and use the cluster's HADOOP_CONF_DIR"
		}
		return errs.New(errs.Auth, e, hint)
	case resp.StatusCode == http.StatusForbidden && strings.Contains(e.Message, "default static user"):
		return errs.New(errs.Auth, e, "the ResourceManager saw no user: it needs SPNEGO (Kerberos) for writes; run kinit")
	}
	return e
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func stripTags(b []byte) []byte {
	return []byte(strings.Join(strings.Fields(tagRE.ReplaceAllString(string(b), " ")), " "))
}

func jsonMessage(data []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	return m.Message
}
