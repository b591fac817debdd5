package node

import (
	"fmt"
	"strings"
	"testing"
)

func TestLogRingKeepsWholeRecentLines(t *testing.T) {
	r := NewLogRing(100)
	for i := 0; i < 50; i++ {
		fmt.Fprintf(r, "line %02d\n", i)
	}
	got := string(r.Bytes())
	if len(got) > 100 || !strings.HasPrefix(got, "line ") || !strings.HasSuffix(got, "line 49\n") {
		t.Fatalf("kept %q", got)
	}
}
