package limits

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEnvRoundTrip(t *testing.T) {
	l := Limits{MaxIdle: 30 * time.Minute, EndsAt: time.Date(2026, 12, 2, 8, 0, 0, 5, time.UTC), MaxUptime: 8 * time.Hour,
		Profile: "intern", SaveOnStop: true, SaveDir: "hdfs:///user/u/.mlctl/clusters/c/saves", UptimeByRM: true}
	env := l.Env()
	got, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !got.EndsAt.Equal(l.EndsAt) {
		t.Errorf("EndsAt %s, want %s", got.EndsAt, l.EndsAt)
	}
	got.EndsAt = l.EndsAt
	if got != l {
		t.Errorf("round trip: %+v, want %+v", got, l)
	}
	if (Limits{}).Any() || len((Limits{}).Env()) != 0 {
		t.Error("the zero Limits enforce something")
	}
	for k := range env {
		if !strings.HasPrefix(k, "MLCTL_") || !slices.Contains(Names, k) {
			t.Errorf("%s is not one of mlctl's own names, or missing from Names", k)
		}
	}
}

func TestFromEnvNamesABadVariable(t *testing.T) {
	for name, val := range map[string]string{EnvMaxIdle: "soon", EnvEndsAt: "tomorrow", EnvMaxUptime: "-1h"} {
		_, err := FromEnv(func(k string) string {
			if k == name {
				return val
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, val, err)
		}
	}
}

func TestReasonsNameTheirState(t *testing.T) {
	l := Limits{MaxIdle: 30 * time.Minute, MaxUptime: 8 * time.Hour, EndsAt: time.Now(), Profile: "intern"}
	if r := l.IdleReason(31 * time.Minute); StateOf(r) != StateStopped || r != "idle for 31m0s (max_idle 30m0s of profile intern)" {
		t.Errorf("idle reason %q (%q)", r, StateOf(r))
	}
	if r := l.UptimeReason(false); StateOf(r) != StateExpired || !strings.HasPrefix(r, "max_uptime 8h0m0s of profile intern reached at ") {
		t.Errorf("uptime reason %q", r)
	}
	if r := l.UptimeReason(true); StateOf(r) != StateExpired || !strings.Contains(r, "ahead of YARN's lifetime to save first") {
		t.Errorf("uptime reason ahead of YARN %q", r)
	}
	if StateOf("the cloud was stopped") != "" {
		t.Error("an ordinary stop reads as a limit")
	}
}

func TestEndFile(t *testing.T) {
	dir := t.TempDir()
	if e, err := ReadEnd(dir); e != nil || err != nil {
		t.Fatalf("no end file: %v %v", e, err)
	}
	want := End{State: StateStopped, Reason: "idle for 1s (max_idle 1s)", At: time.Now().UTC().Truncate(time.Millisecond), Saved: dir}
	if err := WriteEnd(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadEnd(dir)
	if err != nil || got == nil || !got.At.Equal(want.At) || got.Reason != want.Reason || got.Saved != dir {
		t.Fatalf("read back %+v %v", got, err)
	}
	if st, _ := os.Stat(dir + "/" + EndFile); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %s", st.Mode())
	}
	os.WriteFile(dir+"/"+EndFile, []byte("{"), 0o600)
	if _, err := ReadEnd(dir); err == nil || !strings.Contains(err.Error(), EndFile) {
		t.Errorf("a damaged end file: %v", err)
	}
}
