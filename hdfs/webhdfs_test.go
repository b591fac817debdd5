package hdfs

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeNN answers like a NameNode and a DataNode in one server; response
// shapes follow the WebHDFS REST API documentation.
type fakeNN struct {
	mu      sync.Mutex
	files   map[string]string
	standby bool
	srv     *httptest.Server
	lastQ   map[string]string
}

func newFake(t *testing.T) *fakeNN {
	f := &fakeNN{files: map[string]string{"/data/a.csv": "0123456789"}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNN) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	f.lastQ = map[string]string{"delegation": q.Get("delegation"), "user.name": q.Get("user.name")}
	p := strings.TrimPrefix(r.URL.Path, "/webhdfs/v1")
	remote := func(code int, exc, msg string) {
		w.WriteHeader(code)
		io.WriteString(w, `{"RemoteException":{"exception":"`+exc+`","javaClassName":"x.`+exc+`","message":"`+msg+`"}}`)
	}
	if f.standby {
		remote(http.StatusForbidden, "StandbyException", "Operation category READ is not supported in state standby")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/datanode") {
		body := f.files[strings.TrimPrefix(r.URL.Path, "/datanode")]
		off, _ := strconv.Atoi(q.Get("offset"))
		n, _ := strconv.Atoi(q.Get("length"))
		io.WriteString(w, body[off:min(len(body), off+n)])
		return
	}
	switch q.Get("op") {
	case "GETFILESTATUS":
		body, ok := f.files[p]
		if !ok {
			remote(http.StatusNotFound, "FileNotFoundException", "File does not exist: "+p)
			return
		}
		io.WriteString(w, `{"FileStatus":{"type":"FILE","length":`+strconv.Itoa(len(body))+`,"permission":"600","modificationTime":1700000000123}}`)
	case "OPEN":
		http.Redirect(w, r, "/datanode"+p+"?"+r.URL.RawQuery+"&dn=1", http.StatusTemporaryRedirect)
	case "CREATE":
		if q.Get("dn") == "1" {
			b, _ := io.ReadAll(r.Body)
			f.files[strings.TrimPrefix(p, "/datanode")] = string(b)
			w.WriteHeader(http.StatusCreated)
			return
		}
		io.WriteString(w, `{"Location":"`+f.srv.URL+`/webhdfs/v1/datanode`+p+`?op=CREATE&dn=1"}`)
	case "RENAME":
		dst := q.Get("destination")
		f.files[dst] = f.files[p]
		delete(f.files, p)
		io.WriteString(w, `{"boolean":true}`)
	case "DELETE":
		delete(f.files, p)
		io.WriteString(w, `{"boolean":true}`)
	case "GETDELEGATIONTOKEN":
		io.WriteString(w, `{"Token":{"urlString":"KAAKSm9i"}}`)
	default:
		remote(http.StatusBadRequest, "IllegalArgumentException", "bad op")
	}
}

func TestWebHDFSReadsWithTokenAndFailsOver(t *testing.T) {
	standby, active := newFake(t), newFake(t)
	standby.standby = true
	c := &WebHDFS{Bases: []string{standby.srv.URL, active.srv.URL}, HTTP: http.DefaultClient, Delegation: "TOKEN"}
	st, err := c.Stat(context.Background(), "/data/a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if st.Length != 10 || st.ModificationTime != 1700000000123 || st.Permission != "600" {
		t.Fatalf("status %+v", st)
	}
	buf := make([]byte, 4)
	n, err := c.ReadAt(context.Background(), "/data/a.csv", buf, 3)
	if err != nil || string(buf[:n]) != "3456" {
		t.Fatalf("ReadAt: %q %v", buf[:n], err)
	}
	if active.lastQ["delegation"] != "TOKEN" {
		t.Fatalf("delegation not sent: %v", active.lastQ)
	}
	_, err = c.Stat(context.Background(), "/nope")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "/nope") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestWebHDFSWriteFileAtomic(t *testing.T) {
	f := newFake(t)
	c := &WebHDFS{Bases: []string{f.srv.URL}, HTTP: http.DefaultClient, User: "alice"}
	if err := c.WriteFileAtomic(context.Background(), "/user/alice/rec.json", []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := f.files["/user/alice/rec.json"]; got != `{"a":1}` {
		t.Fatalf("file = %q (files %v)", got, f.files)
	}
	if len(f.files) != 2 {
		t.Fatalf("temporary file left behind: %v", f.files)
	}
	if f.lastQ["user.name"] != "alice" {
		t.Fatalf("user.name not sent: %v", f.lastQ)
	}
	tok, err := c.GetDelegationToken(context.Background(), "yarn")
	if err != nil || tok != "KAAKSm9i" {
		t.Fatalf("token %q %v", tok, err)
	}
}
