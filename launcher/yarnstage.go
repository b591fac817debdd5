package launcher

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mlctl/mlctl/hdfs"
	"github.com/mlctl/mlctl/internal/hadoopconf"
	"github.com/mlctl/mlctl/yarn/token"
)

// staged is the mlctl binary on HDFS as a YARN local resource needs it.
type staged struct {
	Path      string // /user/<u>/.mlctl/bin/mlctl-<sum>
	URL       string // hdfs://host:port/path
	Size      int64
	Timestamp int64 // modification time, ms
}

// stageBinary puts this mlctl binary in the user's HDFS home once per
// version (named by its SHA-256) and reuses it when it is already there.
func (y *YARN) stageBinary(ctx context.Context) (*staged, error) {
	data, err := os.ReadFile(y.Executable)
	if err != nil {
		return nil, fmt.Errorf("reading the mlctl binary to stage: %w", err)
	}
	sum := sha256.Sum256(data)
	dir := y.hdfsHome() + "/.mlctl/bin"
	path := dir + "/mlctl-" + hex.EncodeToString(sum[:8])
	st, err := y.web.Stat(ctx, path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("checking the staged binary: %w", err)
	}
	if err != nil || st.Length != int64(len(data)) {
		if st, err = y.stageNew(ctx, dir, path, data, err == nil); err != nil {
			return nil, err
		}
	}
	y.pruneBinaries(ctx, dir, path)
	return &staged{Path: path, URL: y.hdfsURL(path), Size: st.Length, Timestamp: st.ModificationTime}, nil
}

// stageNew writes data to path through a temporary file and a rename that
// never replaces: a staged binary must not change once written, or YARN
// refuses to localize it for a launch that read its modification time
// before ("changed on src filesystem"). When another launch of the same
// build staged it meanwhile, its file is used. broken says path holds a
// file of the wrong size (a cut-short upload), which is removed first.
func (y *YARN) stageNew(ctx context.Context, dir, path string, data []byte, broken bool) (*hdfs.FileStatus, error) {
	if err := y.web.Mkdirs(ctx, dir, 0o700); err != nil {
		return nil, err
	}
	tmp := fmt.Sprintf("%s/.%s.tmp-%d", dir, pathBase(path), time.Now().UnixNano())
	if err := y.web.Create(ctx, tmp, func() io.Reader { return bytes.NewReader(data) }, 0o500, true); err != nil {
		return nil, fmt.Errorf("staging the mlctl binary to %s: %w", path, err)
	}
	if broken {
		y.web.Delete(ctx, path, false)
	}
	if err := y.web.Rename(ctx, tmp, path); err != nil {
		y.web.Delete(ctx, tmp, false)
		// Refused when path exists: another launch staged it first.
		if st, serr := y.web.Stat(ctx, path); serr == nil && st.Length == int64(len(data)) {
			return st, nil
		}
		return nil, fmt.Errorf("staging the mlctl binary to %s: %w", path, err)
	}
	return y.web.Stat(ctx, path)
}

func pathBase(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// Staged builds kept: the newest KeepBinaries, and any a cluster that has not
// ended here runs (YARN localizes the binary again for every container it
// starts, so removing one in use would break a node restart).
const KeepBinaries = 3

// pruneBinaries removes old staged builds from dir, keeping current, the
// newest KeepBinaries and those live clusters of this gateway use. It is
// best effort: a failure to list or delete only leaves files behind.
func (y *YARN) pruneBinaries(ctx context.Context, dir, current string) {
	ls, err := y.web.List(ctx, dir)
	if err != nil {
		return
	}
	inUse := map[string]bool{current: true}
	recs, _ := listRecords(y.Home, "yarn", func(name string) (*Record, error) { return readRecord(y.dir(name)) })
	for _, r := range recs {
		if !Ended(r.State) && r.Binary != "" {
			inUse[r.Binary] = true
		}
	}
	for _, p := range binariesToPrune(ls, dir, inUse, KeepBinaries) {
		y.web.Delete(ctx, p, false)
	}
}

// binariesToPrune picks, among the staged builds in a listing, those to
// remove: all but the keep newest and those in use.
func binariesToPrune(ls []hdfs.FileStatus, dir string, inUse map[string]bool, keep int) []string {
	var bins []hdfs.FileStatus
	for _, f := range ls {
		if f.Type == "FILE" && strings.HasPrefix(f.PathSuffix, "mlctl-") {
			bins = append(bins, f)
		}
	}
	sort.Slice(bins, func(i, j int) bool { return bins[i].ModificationTime > bins[j].ModificationTime })
	var out []string
	for i, f := range bins {
		if p := dir + "/" + f.PathSuffix; i >= keep && !inUse[p] {
			out = append(out, p)
		}
	}
	return out
}

// hdfsURL is the full URL YARN needs for a local resource.
func (y *YARN) hdfsURL(path string) string {
	return strings.TrimRight(y.conf.DefaultFS(), "/") + path
}

// delegationToken gets an HDFS delegation token the RM can renew, in the
// form the RM accepts: WebHDFS hands out kind "WEBHDFS delegation", which the
// RM tries to renew over HTTPS against the RPC port and fails ("Failed to
// renew token"); re-kinded HDFS_DELEGATION_TOKEN it renews over RPC.
func (y *YARN) delegationToken(ctx context.Context) (string, error) {
	if y.sess == nil {
		return "", nil // insecure: containers use user.name
	}
	renewer := hadoopconf.PrincipalShortName(y.conf.RMPrincipal(""))
	if renewer == "" {
		return "", errors.New("yarn.resourcemanager.principal is not set: cannot name the token's renewer")
	}
	s, err := y.web.GetDelegationToken(ctx, renewer)
	if err != nil {
		return "", err
	}
	t, err := token.DecodeURLString(s)
	if err != nil {
		return "", fmt.Errorf("the NameNode's delegation token: %w", err)
	}
	t.Kind = token.KindHDFS
	return t.EncodeURLString(), nil
}
