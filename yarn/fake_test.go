package yarn

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeRM replays RM answers per "METHOD /path" and records requests.
type fakeRM struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request, body []byte)
	hits   map[string]int
	bodies map[string][]byte
	reqs   []*http.Request
}

func newFakeRM(t *testing.T) *fakeRM {
	f := &fakeRM{t: t, routes: map[string]func(http.ResponseWriter, *http.Request, []byte){},
		hits: map[string]int{}, bodies: map[string][]byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key := r.Method + " " + r.URL.Path
		f.mu.Lock()
		f.hits[key]++
		f.bodies[key] = body
		f.reqs = append(f.reqs, r)
		h := f.routes[key]
		f.mu.Unlock()
		if h == nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"RemoteException":{"exception":"NotFoundException","message":"java.lang.Exception: no route `+key+`","javaClassName":"org.apache.hadoop.yarn.webapp.NotFoundException"}}`)
			return
		}
		h(w, r, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRM) on(key string, h func(w http.ResponseWriter, r *http.Request, body []byte)) {
	f.mu.Lock()
	f.routes[key] = h
	f.mu.Unlock()
}

// json answers with status and a literal body.
func (f *fakeRM) json(key string, status int, body string) {
	f.on(key, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

// fixture answers 200 with testdata/name.
func (f *fakeRM) fixture(key, name string) {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.t.Fatal(err)
	}
	f.json(key, http.StatusOK, string(data))
}

func (f *fakeRM) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func (f *fakeRM) body(key string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bodies[key]
}

func newTestClient(t *testing.T, addrs ...string) *Client {
	t.Helper()
	c, err := New(Config{Addresses: addrs, User: "alice", Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
