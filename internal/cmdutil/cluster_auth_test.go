package cmdutil

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

// No ticket cache is an authentication failure (exit 4), never "no such
// cluster" (exit 6), though the cache is a file that does not exist.
func TestNoTicketIsNotNotFound(t *testing.T) {
	noTicket := errs.New(errs.Auth, fmt.Errorf("kerberos: no ticket cache at /tmp/krb5cc_0: %w", fs.ErrNotExist), "run kinit")
	for _, err := range []error{ClusterError("x", noTicket), FrameError("x", "f", noTicket), ModelError("x", "m", noTicket)} {
		if errs.Code(err) != errs.Auth || errs.Hint(err) != "run kinit" {
			t.Errorf("code %d hint %q for %v", errs.Code(err), errs.Hint(err), err)
		}
	}
	if errs.Code(ClusterError("x", fmt.Errorf("record: %w", fs.ErrNotExist))) != errs.NotFound {
		t.Error("a missing record is no longer not found")
	}
}
