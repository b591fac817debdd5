package launcher

import (
	"testing"
	"time"

	"github.com/mlctl/mlctl/yarn"
)

// Each way a YARN application ends has its own state.
func TestEndStates(t *testing.T) {
	ends := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	rec := &Record{EndsAt: ends}
	for _, tc := range []struct {
		app  yarn.App
		want string
	}{
		{yarn.App{State: yarn.StateFinished, FinalStatus: "SUCCEEDED"}, StateStopped},
		{yarn.App{State: yarn.StateFinished, FinalStatus: "KILLED"}, StateStopped},
		{yarn.App{State: yarn.StateFinished, FinalStatus: "FAILED", Diagnostics: "node 1 lost"}, StateFailed},
		{yarn.App{State: yarn.StateFailed, FinalStatus: "FAILED"}, StateFailed},
		{yarn.App{State: yarn.StateKilled, FinalStatus: "KILLED", Diagnostics: "Application is killed by ResourceManager as it has exceeded the lifetime period."}, StateExpired},
		{yarn.App{State: yarn.StateKilled, FinalStatus: "KILLED", Finished: ends.Add(time.Second)}, StateExpired},
		{yarn.App{State: yarn.StateKilled, FinalStatus: "KILLED", Diagnostics: "Application killed by user.", Finished: ends.Add(-time.Hour)}, StateKilled},
	} {
		if got := endState(&tc.app, rec); got != tc.want || !Ended(got) {
			t.Errorf("%s/%s %q: %s, want %s", tc.app.State, tc.app.FinalStatus, tc.app.Diagnostics, got, tc.want)
		}
	}
	if Ended(StateRunning) || Ended(StateStarting) {
		t.Error("a live state counts as ended")
	}
}
