package mr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// An error keeps its kind across the network: classified on the node,
// rebuilt on the leader, matched with errors.Is there.
func TestRemoteErrorKeepsItsKind(t *testing.T) {
	cases := []struct {
		err    error
		kind   string
		target error
	}{
		{fmt.Errorf("frame %q: %w", "x", fs.ErrNotExist), KindNotFound, fs.ErrNotExist},
		{fmt.Errorf("check: %w", ErrBadInput), KindBadInput, ErrBadInput},
		{fmt.Errorf("stopped: %w", context.Canceled), KindCancelled, Cancelled},
		{&PanicError{Value: "boom"}, KindInternal, nil},
		{errors.New("disk full"), KindError, nil},
	}
	for _, tc := range cases {
		k := KindOf(tc.err)
		if k != tc.kind {
			t.Errorf("%v: kind %s, want %s", tc.err, k, tc.kind)
		}
		re := &RemoteError{Node: 2, Addr: "h:1", Kind: k, Msg: tc.err.Error()}
		if tc.target != nil && !errors.Is(re, tc.target) {
			t.Errorf("%v: the remote error does not match %v", tc.err, tc.target)
		}
		if errors.Is(re, fs.ErrPermission) {
			t.Errorf("%v: matches an unrelated sentinel", tc.err)
		}
		if want := "node 2 (h:1): " + tc.err.Error(); re.Error() != want {
			t.Errorf("message %q, want %q", re.Error(), want)
		}
	}
}
