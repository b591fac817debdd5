package hdfs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// Doer sends HTTP requests: a plain *http.Client, or one that adds SPNEGO.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// WebHDFS is a client of the WebHDFS REST API.
type WebHDFS struct {
	// Bases are the NameNodes' HTTP(S) addresses ("https://host:port"); with
	// HA, each is tried until one is active.
	Bases []string
	HTTP  Doer
	// Delegation, when set, authenticates every call (inside containers).
	Delegation string
	// User is sent as user.name on an insecure cluster.
	User string
}

// FileStatus is WebHDFS's FileStatus.
type FileStatus struct {
	PathSuffix       string `json:"pathSuffix"`
	Type             string `json:"type"` // FILE | DIRECTORY | SYMLINK
	Length           int64  `json:"length"`
	Owner            string `json:"owner"`
	Group            string `json:"group"`
	Permission       string `json:"permission"` // octal, e.g. "600"
	ModificationTime int64  `json:"modificationTime"`
	Replication      int    `json:"replication"`
}

// RemoteError is a WebHDFS RemoteException.
type RemoteError struct {
	Status        int
	Exception     string `json:"exception"`
	JavaClassName string `json:"javaClassName"`
	Message       string `json:"message"`
}

func (e *RemoteError) Error() string {
	if e.Exception == "" {
		return fmt.Sprintf("webhdfs: HTTP %d: %s", e.Status, e.Message)
	}
	return fmt.Sprintf("webhdfs: %s: %s", e.Exception, e.Message)
}

// Unwrap maps Hadoop's exceptions to the standard library's errors.
func (e *RemoteError) Unwrap() error {
	switch e.Exception {
	case "FileNotFoundException":
		return fs.ErrNotExist
	case "AccessControlException", "SecurityException":
		return fs.ErrPermission
	case "FileAlreadyExistsException":
		return fs.ErrExist
	}
	if e.Status == http.StatusNotFound {
		return fs.ErrNotExist
	}
	return nil
}

func (c *WebHDFS) url(base, p, op string, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	q.Set("op", op)
	if c.Delegation != "" {
		q.Set("delegation", c.Delegation)
	} else if c.User != "" {
		q.Set("user.name", c.User)
	}
	return strings.TrimRight(base, "/") + "/webhdfs/v1" + (&url.URL{Path: path.Clean("/" + p)}).EscapedPath() + "?" + q.Encode()
}

// call sends one request to the first NameNode that is not in standby.
func (c *WebHDFS) call(ctx context.Context, method, p, op string, q url.Values, body func() io.Reader) (*http.Response, error) {
	if len(c.Bases) == 0 {
		return nil, errors.New("webhdfs: no NameNode address configured")
	}
	var lastErr error
	for _, base := range c.Bases {
		var b io.Reader
		if body != nil {
			b = body()
		}
		req, err := http.NewRequestWithContext(ctx, method, c.url(base, p, op, q), b)
		if err != nil {
			return nil, err
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		if resp.StatusCode < 300 || resp.StatusCode == http.StatusTemporaryRedirect {
			return resp, nil
		}
		rerr := readRemote(resp)
		if rerr.Exception == "StandbyException" || rerr.Exception == "RetriableException" {
			lastErr = rerr
			continue
		}
		return nil, rerr
	}
	return nil, lastErr
}

func readRemote(resp *http.Response) *RemoteError {
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var wrap struct {
		RemoteException RemoteError `json:"RemoteException"`
	}
	e := &RemoteError{Status: resp.StatusCode}
	if json.Unmarshal(raw, &wrap) == nil && wrap.RemoteException.Message != "" {
		*e = wrap.RemoteException
		e.Status = resp.StatusCode
		return e
	}
	e.Message = strings.TrimSpace(string(raw))
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	return e
}

func decode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// Stat returns a path's status.
func (c *WebHDFS) Stat(ctx context.Context, p string) (*FileStatus, error) {
	resp, err := c.call(ctx, http.MethodGet, p, "GETFILESTATUS", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", p, err)
	}
	var out struct{ FileStatus FileStatus }
	if err := decode(resp, &out); err != nil {
		return nil, fmt.Errorf("stat %s: %w", p, err)
	}
	return &out.FileStatus, nil
}

// List returns a directory's entries.
func (c *WebHDFS) List(ctx context.Context, p string) ([]FileStatus, error) {
	resp, err := c.call(ctx, http.MethodGet, p, "LISTSTATUS", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", p, err)
	}
	var out struct {
		FileStatuses struct{ FileStatus []FileStatus }
	}
	if err := decode(resp, &out); err != nil {
		return nil, fmt.Errorf("list %s: %w", p, err)
	}
	return out.FileStatuses.FileStatus, nil
}

// Open reads length bytes of a file from offset (length < 0: to the end).
// WebHDFS redirects the read to a DataNode; the client follows it.
func (c *WebHDFS) Open(ctx context.Context, p string, offset, length int64) (io.ReadCloser, error) {
	q := url.Values{"offset": {strconv.FormatInt(offset, 10)}}
	if length >= 0 {
		q.Set("length", strconv.FormatInt(length, 10))
	}
	resp, err := c.call(ctx, http.MethodGet, p, "OPEN", q, nil)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	return resp.Body, nil
}

// ReadAt reads len(buf) bytes at offset (fewer at the end of the file).
func (c *WebHDFS) ReadAt(ctx context.Context, p string, buf []byte, offset int64) (int, error) {
	rc, err := c.Open(ctx, p, offset, int64(len(buf)))
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.ReadFull(rc, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return n, err
}

// Mkdirs makes a directory and its parents with mode perm.
func (c *WebHDFS) Mkdirs(ctx context.Context, p string, perm os.FileMode) error {
	q := url.Values{"permission": {strconv.FormatUint(uint64(perm.Perm()), 8)}}
	resp, err := c.call(ctx, http.MethodPut, p, "MKDIRS", q, nil)
	if err != nil {
		return fmt.Errorf("mkdir %s: %w", p, err)
	}
	return drain(resp)
}

// Create writes data as a new file with mode perm (replacing one when
// overwrite). WebHDFS answers the NameNode step with the DataNode to send the
// data to; we ask for it as JSON (noredirect) so the body is sent once.
func (c *WebHDFS) Create(ctx context.Context, p string, data func() io.Reader, perm os.FileMode, overwrite bool) error {
	q := url.Values{
		"permission": {strconv.FormatUint(uint64(perm.Perm()), 8)},
		"overwrite":  {strconv.FormatBool(overwrite)},
		"noredirect": {"true"},
	}
	resp, err := c.call(ctx, http.MethodPut, p, "CREATE", q, nil)
	if err != nil {
		return fmt.Errorf("create %s: %w", p, err)
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusTemporaryRedirect {
		var out struct{ Location string }
		if err := decode(resp, &out); err != nil {
			return fmt.Errorf("create %s: %w", p, err)
		}
		loc = out.Location
	} else {
		resp.Body.Close()
	}
	if loc == "" {
		return fmt.Errorf("create %s: the NameNode named no DataNode", p)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, loc, data())
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	dresp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("create %s: %w", p, err)
	}
	if dresp.StatusCode >= 300 {
		return fmt.Errorf("create %s: %w", p, readRemote(dresp))
	}
	return drain(dresp)
}

// Rename moves src to dst (within one file system).
func (c *WebHDFS) Rename(ctx context.Context, src, dst string) error {
	resp, err := c.call(ctx, http.MethodPut, src, "RENAME", url.Values{"destination": {dst}}, nil)
	if err != nil {
		return fmt.Errorf("rename %s: %w", src, err)
	}
	var out struct{ Boolean bool }
	if err := decode(resp, &out); err != nil {
		return err
	}
	if !out.Boolean {
		return fmt.Errorf("rename %s to %s: refused by the NameNode", src, dst)
	}
	return nil
}

// Delete removes a path (recursively when asked).
func (c *WebHDFS) Delete(ctx context.Context, p string, recursive bool) error {
	resp, err := c.call(ctx, http.MethodDelete, p, "DELETE", url.Values{"recursive": {strconv.FormatBool(recursive)}}, nil)
	if err != nil {
		return fmt.Errorf("delete %s: %w", p, err)
	}
	return drain(resp)
}

// WriteFileAtomic writes data to p with mode perm through a temporary file
// and a rename, so readers never see half a record.
func (c *WebHDFS) WriteFileAtomic(ctx context.Context, p string, data []byte, perm os.FileMode) error {
	tmp := fmt.Sprintf("%s/.%s.tmp-%d", path.Dir(p), path.Base(p), time.Now().UnixNano())
	if err := c.Create(ctx, tmp, func() io.Reader { return bytes.NewReader(data) }, perm, true); err != nil {
		return err
	}
	c.Delete(ctx, p, false)
	if err := c.Rename(ctx, tmp, p); err != nil {
		c.Delete(ctx, tmp, false)
		return err
	}
	return nil
}

func drain(resp *http.Response) error {
	defer resp.Body.Close()
	_, err := io.Copy(io.Discard, resp.Body)
	return err
}

// GetDelegationToken asks the NameNode for a delegation token that renewer
// (the ResourceManager's short name, e.g. "yarn") may renew, in Hadoop's URL
// string form. The caller must authenticate (SPNEGO); a token cannot fetch a
// token.
func (c *WebHDFS) GetDelegationToken(ctx context.Context, renewer string) (string, error) {
	resp, err := c.call(ctx, http.MethodGet, "/", "GETDELEGATIONTOKEN", url.Values{"renewer": {renewer}}, nil)
	if err != nil {
		return "", fmt.Errorf("getting an HDFS delegation token: %w", err)
	}
	var out struct {
		Token struct {
			URLString string `json:"urlString"`
		}
	}
	if err := decode(resp, &out); err != nil {
		return "", fmt.Errorf("getting an HDFS delegation token: %w", err)
	}
	if out.Token.URLString == "" {
		return "", errors.New("getting an HDFS delegation token: the NameNode returned none (is security on?)")
	}
	return out.Token.URLString, nil
}
