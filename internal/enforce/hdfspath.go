package enforce

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mlctl/mlctl/internal/errs"
)

// Authority is what HDFSPath needs of an HDFS client: refusing another file
// system's authority.
type Authority interface {
	CheckAuthority(authority string) error
}

// HDFSPath turns an engine path of the policy (hdfs:///p, hdfs://ns/p or
// an absolute /p) into the path on the gateway's default file system.
func HDFSPath(h Authority, p string) (string, error) {
	if strings.HasPrefix(p, "/") {
		return p, nil
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "hdfs" || !strings.HasPrefix(u.Path, "/") {
		return "", errs.New(errs.Usage, fmt.Errorf("engine path %q is not an hdfs:// URL or an absolute path", p), "write it as hdfs:///apps/mlctl/engines/VERSION/mlctl")
	}
	if h != nil {
		if err := h.CheckAuthority(u.Host); err != nil {
			return "", err
		}
	}
	return u.Path, nil
}
