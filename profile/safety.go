package profile

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/internal/errs"
)

// CheckFileSafety refuses a policy that someone other than root or an
// admin could have changed, as sshd's StrictModes does for authorized_keys:
// the file must be a regular file, owned by root or by one of admins (user
// names), not writable by group or others, in a directory not writable by
// others and owned by root, an admin or the file's owner (anyone else who
// owns the directory could put their own file in its place). The error (exit code 2) names the file, what is wrong and the
// command that fixes it.
func CheckFileSafety(path string, admins []string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return errs.New(errs.Usage, fmt.Errorf("policy %s: %w", path, err), "")
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return errs.New(errs.Usage, fmt.Errorf("policy %s: its directory: %w", path, err), "")
	}
	return checkSafety(path, fi, dir, admins)
}

func checkSafety(path string, fi, dir fs.FileInfo, admins []string) error {
	var why, fixes []string
	if !fi.Mode().IsRegular() {
		return errs.New(errs.Usage, fmt.Errorf("policy %s is not a regular file (%s)", path, fi.Mode().Type()),
			"point --policy or "+EnvPolicy+" at the policy file itself")
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		who := "group and others"
		switch {
		case perm&0o020 == 0:
			who = "others"
		case perm&0o002 == 0:
			who = "its group"
		}
		why = append(why, fmt.Sprintf("it is writable by %s (mode %s)", who, fi.Mode().Perm()))
		fixes = append(fixes, "chmod go-w "+path)
	}
	if uid, ok := ownerUID(fi); ok && uid != 0 && !adminOwns(uid, admins) {
		owner := ownerName(uid)
		allowed := "root"
		if len(admins) > 0 {
			allowed = "root or an admin user (" + strings.Join(admins, ", ") + ")"
		}
		why = append(why, fmt.Sprintf("it is owned by %s, not by %s", owner, allowed))
		fixes = append(fixes, "chown root "+path)
	}
	if duid, ok := ownerUID(dir); ok && duid != 0 && !adminOwns(duid, admins) {
		if fuid, _ := ownerUID(fi); fuid != duid {
			d := filepath.Dir(path)
			why = append(why, fmt.Sprintf("its directory %s is owned by %s, who could replace it", d, ownerName(duid)))
			fixes = append(fixes, "chown root "+d)
		}
	}
	if dir.Mode().Perm()&0o002 != 0 {
		d := filepath.Dir(path)
		why = append(why, fmt.Sprintf("its directory %s is writable by others (mode %s), so anyone could replace it", d, dir.Mode().Perm()))
		fixes = append(fixes, "chmod o-w "+d)
	}
	if len(why) == 0 {
		return nil
	}
	return errs.New(errs.Usage, fmt.Errorf("policy %s is refused: %s", path, strings.Join(why, "; ")),
		"run: "+strings.Join(fixes, " && ")+" (or pass --insecure-policy while developing)")
}

func ownerName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil {
		return u.Username + " (uid " + id + ")"
	}
	return "uid " + id
}

func adminOwns(uid uint32, admins []string) bool {
	for _, a := range admins {
		if a == Everyone {
			continue
		}
		if u, err := user.Lookup(a); err == nil && u.Uid == strconv.FormatUint(uint64(uid), 10) {
			return true
		}
	}
	return false
}
