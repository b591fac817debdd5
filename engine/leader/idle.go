package leader

import (
	"context"
	"errors"
	"time"

	"github.com/mlctl/mlctl/engine/limits"
)

// LimitHooks connect the leader's limit stops to the backend and to saving.
type LimitHooks struct {
	// Save saves the cloud's frames and models to dir before a limit stops
	// it (the profile's cluster_save, when limits.Limits.SaveOnStop is set);
	// engine/proc passes the leader's Save.
	// nil means this engine cannot save: an idle stop is then put off (the
	// data stays in memory), an uptime stop goes on, saying why.
	Save func(ctx context.Context, dir string) error
	// Ended is told how the cloud ends, before the nodes stop: the local
	// backend writes limits.EndFile to the cluster directory, on YARN the
	// node tells the AM, which unregisters with the reason.
	Ended func(ctx context.Context, e limits.End) error
	// Poll is how often the limits are checked (0: from the limits, between
	// 20ms and 5s).
	Poll time.Duration
	Now  func() time.Time
}

// saveLead is how long before a lifetime YARN enforces the leader starts a
// save, so the save ends before YARN kills the application.
func saveLead(lim limits.Limits) time.Duration {
	d := lim.MaxUptime / 20
	return min(max(d, 10*time.Second), 5*time.Minute)
}

// Idle is how long the cloud has had no API activity; a running job is
// activity, so a long training job is never idle time.
func (l *Leader) Idle(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.jobs.Running() > 0 {
		return 0
	}
	return now.Sub(l.lastWork)
}

// EnforceLimits ends the cloud by itself when lim says so, until ctx ends:
// after lim.MaxIdle without API activity (end state stopped), or at
// lim.EndsAt (expired). With lim.SaveOnStop it saves to lim.SaveDir first.
// An idle stop whose save failed is put off by another MaxIdle (the frames
// stay in memory rather than be lost); an uptime stop goes on regardless.
// When lim.UptimeByRM, YARN ends the application at EndsAt itself, and the
// leader acts before that only to save.
func (l *Leader) EnforceLimits(ctx context.Context, lim limits.Limits, h LimitHooks) {
	if !lim.Any() {
		return
	}
	now := h.Now
	if now == nil {
		now = time.Now
	}
	poll := h.Poll
	if poll == 0 {
		poll = time.Second
		if lim.MaxIdle > 0 {
			poll = min(max(lim.MaxIdle/20, 20*time.Millisecond), 5*time.Second)
		}
		if !lim.EndsAt.IsZero() {
			poll = min(poll, max(time.Until(lim.EndsAt)/20, 20*time.Millisecond))
		}
	}
	expireAt := lim.EndsAt
	if lim.UptimeByRM {
		expireAt = time.Time{}
		if lim.SaveOnStop && !lim.EndsAt.IsZero() {
			expireAt = lim.EndsAt.Add(-saveLead(lim))
		}
	}
	var idleAgain time.Time // a failed save puts the next idle stop off until then
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.self.Done():
			return
		case <-t.C:
		}
		at := now()
		if !expireAt.IsZero() && !at.Before(expireAt) {
			l.stopForLimit(ctx, lim, h, limits.End{State: limits.StateExpired, Reason: lim.UptimeReason(lim.UptimeByRM), At: at.UTC()}, true, time.Time{})
			return
		}
		if lim.MaxIdle <= 0 || at.Before(idleAgain) {
			continue
		}
		if idle := l.Idle(at); idle >= lim.MaxIdle {
			e := limits.End{State: limits.StateStopped, Reason: lim.IdleReason(idle), At: at.UTC()}
			if l.stopForLimit(ctx, lim, h, e, false, at.Add(-idle)) {
				return
			}
			idleAgain = at.Add(lim.MaxIdle)
		}
	}
}

// workSince reports whether API work came in after t, or a job runs.
func (l *Leader) workSince(t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.jobs.Running() > 0 || l.lastWork.After(t)
}

// errNoSave is the save error of an engine built without saving.
var errNoSave = errors.New("this engine build cannot save clusters")

// stopForLimit saves (when asked), tells the backend and shuts the cloud
// down. An idle stop (must false) stops nothing and returns false when the
// save failed, or when API work came in since lastWork, the last work the
// idle time was counted from (someone started using the cluster during
// the save: it stays up, and its save is a good one).
func (l *Leader) stopForLimit(ctx context.Context, lim limits.Limits, h LimitHooks, e limits.End, must bool, lastWork time.Time) bool {
	if lim.SaveOnStop {
		err := errNoSave
		if h.Save != nil {
			l.log.Printf("%s: saving frames and models to %s before stopping", e.Reason, lim.SaveDir)
			err = h.Save(ctx, lim.SaveDir)
		}
		if err != nil {
			l.log.Printf("%s: the save to %s failed: %v", e.Reason, lim.SaveDir, err)
			if !must {
				l.log.Printf("not stopping: the frames stay in memory; trying again in %s", lim.MaxIdle)
				return false
			}
			e.SaveError = err.Error()
		} else {
			e.Saved = lim.SaveDir
		}
	}
	if !must && l.workSince(lastWork) {
		l.log.Printf("not stopping (%s): the cluster is in use again", e.Reason)
		return false
	}
	l.log.Printf("stopping the cloud: %s", e.Text())
	if h.Ended != nil {
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if err := h.Ended(ectx, e); err != nil {
			l.log.Printf("recording the end (%s): %v", e.Reason, err)
		}
		cancel()
	}
	l.Shutdown()
	return true
}
