package audit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as a writer process for the cross-process test.
func TestMain(m *testing.M) {
	if path := os.Getenv("AUDIT_TEST_WRITER"); path != "" {
		id := os.Getenv("AUDIT_TEST_ID")
		n, _ := strconv.Atoi(os.Getenv("AUDIT_TEST_N"))
		l := &Log{Path: path}
		for i := 0; i < n; i++ {
			if err := l.Append(record(id, i)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// record makes a record large enough (several KiB) that unlocked,
// unbuffered writers would interleave.
func record(writer string, i int) Record {
	return Record{User: "u" + writer, Action: ActionLaunch, Cluster: fmt.Sprintf("c-%s-%d", writer, i),
		Backend: "local", Nodes: i, Outcome: OutcomeOK, Reason: strings.Repeat(writer, 3000)}
}

// checkLog parses every line and checks that each writer's records are all
// there, whole.
func checkLog(t *testing.T, path string, writers, per int) {
	t.Helper()
	recs, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != writers*per {
		t.Fatalf("%d records, want %d", len(recs), writers*per)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		w := strings.TrimPrefix(r.User, "u")
		if r.Reason != strings.Repeat(w, 3000) || r.Cluster != fmt.Sprintf("c-%s-%d", w, r.Nodes) {
			t.Fatalf("damaged record %q", r.Cluster)
		}
		seen[r.Cluster] = true
	}
	if len(seen) != writers*per {
		t.Errorf("%d distinct records, want %d", len(seen), writers*per)
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	const writers, per = 16, 50
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			l := &Log{Path: path, Perm: LocalPerm}
			for i := 0; i < per; i++ {
				if err := l.Append(record(fmt.Sprintf("g%02d", w), i)); err != nil {
					errc <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	checkLog(t, path, writers, per)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != LocalPerm {
		t.Errorf("mode %v, want %v", st.Mode().Perm(), LocalPerm)
	}
}

func TestConcurrentProcesses(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sub", "audit.log") // the directory is made too
	const writers, per = 6, 40
	var cmds []*exec.Cmd
	for w := 0; w < writers; w++ {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), "AUDIT_TEST_WRITER="+path, fmt.Sprintf("AUDIT_TEST_ID=p%d", w), fmt.Sprintf("AUDIT_TEST_N=%d", per))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	checkLog(t, path, writers, per)
	st, _ := os.Stat(path)
	if st.Mode().Perm() != DefaultPerm {
		t.Errorf("mode %v, want %v", st.Mode().Perm(), DefaultPerm)
	}
}

func TestRecordJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := &Log{Path: path}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	if err := l.Append(Record{Time: when, User: "bob", Action: ActionLaunch, Cluster: "c", Backend: "yarn", Profile: "intern",
		Nodes: 2, MemoryBytes: 1 << 30, VCores: 1, Queue: "q", Outcome: OutcomeOK, MaxUptime: Duration(8 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := `{"time":"2026-01-02T02:04:05Z","user":"bob","action":"launch","cluster":"c","backend":"yarn","profile":"intern","nodes":2,"memory_bytes":1073741824,"vcores":1,"queue":"q","outcome":"ok","reason":"","max_uptime":"8h0m0s"}` + "\n"
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	recs, err := ReadFile(path)
	if err != nil || len(recs) != 1 || time.Duration(recs[0].MaxUptime) != 8*time.Hour || !recs[0].Time.Equal(when) {
		t.Fatalf("%v %+v", err, recs)
	}
}

func TestReadNamesBadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	os.WriteFile(path, []byte(`{"user":"a"}`+"\n\nnot json\n"), 0o600)
	_, err := ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "audit.log:3:") {
		t.Fatalf("got %v", err)
	}
}

func TestUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	l := &Log{Path: filepath.Join(dir, "audit.log")}
	if err := l.Check(); err == nil {
		t.Fatal("Check passed on a read-only directory")
	}
	if err := l.Append(Record{User: "x"}); err == nil || !strings.Contains(err.Error(), "audit.log") {
		t.Fatalf("got %v", err)
	}
}

func TestExpandPath(t *testing.T) {
	if got := ExpandPath("$MLCTL_HOME/audit.log", "/h"); got != "/h/audit.log" {
		t.Error(got)
	}
	if got := ExpandPath("/var/log/mlctl/audit.log", "/h"); got != "/var/log/mlctl/audit.log" {
		t.Error(got)
	}
}
