package krb

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// CheckKeytabFile refuses a keytab that someone else could read or that
// belongs to another user, as ssh refuses such a private key: a keytab is a
// password in a file, and one others can read is no longer the user's own.
// A file that cannot be stat'ed passes: keytab.Load reports that better.
func CheckKeytabFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return authErr(&Error{Kind: KindConfig,
			Msg:  fmt.Sprintf("keytab %s is readable by others (mode %04o): refusing to use it", path, perm),
			Hint: "make it readable by you only: chmod 600 " + path})
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
		owner := strconv.Itoa(int(sys.Uid))
		if u, err := user.LookupId(owner); err == nil {
			owner = u.Username
		}
		return authErr(&Error{Kind: KindConfig,
			Msg:  fmt.Sprintf("keytab %s belongs to %s, not to you: refusing to use it", path, owner),
			Hint: "use a keytab exported for you (kadmin ktadd), or copy it: install -m 600 " + path + " ~/my.keytab"})
	}
	return nil
}
