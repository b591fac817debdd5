package score

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/internal/errs"
)

// fakeHDFS answers as a NameNode and a DataNode in one server, in the
// shapes of the WebHDFS REST API documentation (FileStatus, RemoteException
// JSON, CREATE in two steps with noredirect). It serves the error paths of
// score's HDFS code; the secure test cluster serves the real thing.
type fakeHDFS struct {
	mu    sync.Mutex
	files map[string][]byte
	dirs  map[string]bool
	ops   []string // "OP path" in order
	// Failures to inject.
	failUpload bool // the DataNode refuses the data after reading some
	failRename bool
	srv        *httptest.Server
}

func newFakeHDFS(t *testing.T) (*fakeHDFS, fakeClient) {
	f := &fakeHDFS{files: map[string][]byte{}, dirs: map[string]bool{"/": true, "/data": true, "/out": true}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f, fakeClient{&hdfs.WebHDFS{Bases: []string{f.srv.URL}, HTTP: f.srv.Client(), User: "alice"}}
}

// fakeClient is the WebHDFS client whose default file system is the
// fake's, named "nn".
type fakeClient struct{ *hdfs.WebHDFS }

func (fakeClient) CheckAuthority(a string) error {
	if a != "" && a != "nn" {
		return errors.New("hdfs://" + a + " is not the default file system")
	}
	return nil
}

func (f *fakeHDFS) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := strings.TrimPrefix(r.URL.Path, "/webhdfs/v1")
	dn := strings.HasPrefix(p, "/dn")
	p = strings.TrimPrefix(p, "/dn")
	remote := func(code int, exc, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, `{"RemoteException":{"exception":"`+exc+`","javaClassName":"org.apache.hadoop.`+exc+`","message":"`+msg+`"}}`)
	}
	op := q.Get("op")
	if dn && op == "CREATE" {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.ops = append(f.ops, "DATA "+p)
		if f.failUpload {
			remote(http.StatusInternalServerError, "IOException", "disk full")
			return
		}
		f.files[p] = body
		w.WriteHeader(http.StatusCreated)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op+" "+p)
	switch op {
	case "GETFILESTATUS":
		if f.dirs[p] {
			io.WriteString(w, `{"FileStatus":{"type":"DIRECTORY","length":0,"permission":"755"}}`)
			return
		}
		b, ok := f.files[p]
		if !ok {
			remote(http.StatusNotFound, "FileNotFoundException", "File does not exist: "+p)
			return
		}
		io.WriteString(w, `{"FileStatus":{"type":"FILE","length":`+strconv.Itoa(len(b))+`,"permission":"644"}}`)
	case "OPEN":
		b, ok := f.files[p]
		if !ok {
			remote(http.StatusNotFound, "FileNotFoundException", "File does not exist: "+p)
			return
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		end := len(b)
		if l := q.Get("length"); l != "" {
			n, _ := strconv.Atoi(l)
			end = min(end, off+n)
		}
		w.Write(b[min(off, len(b)):end])
	case "CREATE":
		if _, ok := f.files[p]; ok && q.Get("overwrite") != "true" {
			remote(http.StatusForbidden, "FileAlreadyExistsException", p+" already exists")
			return
		}
		io.WriteString(w, `{"Location":"`+f.srv.URL+`/webhdfs/v1/dn`+p+`?op=CREATE"}`)
	case "RENAME":
		dst := q.Get("destination")
		if _, ok := f.files[p]; !ok || f.failRename {
			io.WriteString(w, `{"boolean":false}`)
			return
		}
		f.files[dst] = f.files[p]
		delete(f.files, p)
		io.WriteString(w, `{"boolean":true}`)
	case "DELETE":
		_, ok := f.files[p]
		delete(f.files, p)
		io.WriteString(w, `{"boolean":`+strconv.FormatBool(ok)+`}`)
	default:
		remote(http.StatusBadRequest, "IllegalArgumentException", "unsupported op "+op)
	}
}

func (f *fakeHDFS) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n := range f.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// hdfs:// MODEL, INPUT and OUTPUT: not found is 6, a directory is 2, and
// an upload or rename that fails leaves no temporary file on HDFS and no
// OUTPUT.
func TestScoreHDFSErrors(t *testing.T) {
	f, c := newFakeHDFS(t)
	mb, err := os.ReadFile(writeModel(t, testGBM(1, "bernoulli", "no", "yes"), 0.5))
	if err != nil {
		t.Fatal(err)
	}
	data := genCSV(500, 1, ",", "\n")
	f.files["/data/m.mlz"] = mb
	f.files["/data/in.csv"] = data
	e := env{hdfs: c, tune: func(o *ScoreOptions) { o.BlockSize = 1000 }}

	// The path works against the fake (so the failures below are the
	// injected ones).
	if _, _, err := e.run(t, "hdfs:///data/m.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///out/s.csv"); err != nil {
		t.Fatal(err)
	}
	if got := f.names(); strings.Join(got, " ") != "/data/in.csv /data/m.mlz /out/s.csv" {
		t.Fatalf("files %v", got)
	}
	if !bytes.HasPrefix(f.files["/out/s.csv"], []byte("predict,p_no,p_yes\n")) || bytes.Count(f.files["/out/s.csv"], []byte("\n")) != 501 {
		t.Fatalf("output %.100q", f.files["/out/s.csv"])
	}
	delete(f.files, "/out/s.csv")

	for _, tc := range []struct {
		name   string
		args   []string
		inject func()
		code   int
		msg    string
	}{
		{"no model", []string{"hdfs:///data/nope.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///out/s.csv"}, nil, errs.NotFound, "nope.mlz"},
		{"no input", []string{"hdfs:///data/m.mlz", "hdfs:///data/nope.csv", "-o", "hdfs:///out/s.csv"}, nil, errs.NotFound, "hdfs:///data/nope.csv: no such file"},
		{"input is a directory", []string{"hdfs:///data/m.mlz", "hdfs:///data", "-o", "hdfs:///out/s.csv"}, nil, errs.Usage, "is a directory"},
		{"no output directory", []string{"hdfs:///data/m.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///nodir/s.csv"}, nil, errs.NotFound, "directory /nodir does not exist"},
		{"output is a directory", []string{"hdfs:///data/m.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///out"}, nil, errs.Usage, "is a directory"},
		{"not an HDFS path", []string{"hdfs://nn/data/m.mlz", "hdfs://nn", "-o", "-"}, nil, errs.Usage, "not an HDFS path"},
		{"another file system", []string{"hdfs:///data/m.mlz", "hdfs://other/data/in.csv", "-o", "-"}, nil, errs.Usage, "not the default file system"},
		{"upload fails", []string{"hdfs:///data/m.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///out/s.csv"}, func() { f.failUpload = true }, errs.Error, "disk full"},
		{"rename fails", []string{"hdfs:///data/m.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///out/s.csv"}, func() { f.failRename = true }, errs.Error, "refused by the NameNode"},
		{"strict", []string{"hdfs:///data/m.mlz", "hdfs:///data/in.csv", "-o", "hdfs:///out/s.csv", "--strict"}, nil, errs.Usage, `level "zz"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.mu.Lock()
			f.failUpload, f.failRename, f.ops = false, false, nil
			if tc.inject != nil {
				tc.inject()
			}
			f.mu.Unlock()
			_, _, err := e.run(t, tc.args...)
			if errs.Code(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("code %d, %v; want %d and %q", errs.Code(err), err, tc.code, tc.msg)
			}
			if got := f.names(); strings.Join(got, " ") != "/data/in.csv /data/m.mlz" {
				t.Fatalf("files left: %v (operations %v)", got, f.ops)
			}
		})
	}
}
