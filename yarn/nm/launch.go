package nm

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"

	"github.com/mlctl/mlctl/yarn/amrm"
	"github.com/mlctl/mlctl/yarn/pb"
	"github.com/mlctl/mlctl/yarn/token"
)

// Field numbers from yarn_protos.proto (URLProto, LocalResourceProto,
// ContainerLaunchContextProto, String*MapProto) and
// yarn_service_protos.proto (StartContainer(s)RequestProto).
const (
	fURLScheme = 1
	fURLHost   = 2
	fURLPort   = 3
	fURLFile   = 4

	fLRResource   = 1
	fLRSize       = 2
	fLRTimestamp  = 3
	fLRType       = 4
	fLRVisibility = 5

	fCLCLocalResources = 1
	fCLCTokens         = 2
	fCLCEnvironment    = 4
	fCLCCommand        = 5

	fMapKey   = 1
	fMapValue = 2

	fStartCLC   = 1
	fStartToken = 2

	fStartsRequest = 1
)

// ResourceType is LocalResourceTypeProto.
type ResourceType int

// Local resource types.
const (
	Archive ResourceType = 1
	File    ResourceType = 2
	Pattern ResourceType = 3
)

// Visibility is LocalResourceVisibilityProto.
type Visibility int

// Local resource visibilities.
const (
	Public      Visibility = 1
	Private     Visibility = 2
	Application Visibility = 3
)

// LocalResource is a file the NodeManager localises before launch. Size
// and Timestamp must be the file's exact length and modification time
// (ms): 1 ms off fails with "changed on src filesystem".
type LocalResource struct {
	Scheme     string // "hdfs"
	Host       string
	Port       int32
	File       string // absolute path
	Size       int64
	Timestamp  int64
	Type       ResourceType
	Visibility Visibility
}

// FileResource is an APPLICATION-visible FILE resource at rawURL, e.g.
// hdfs://namenode:8020/user/alice/.mlctl/app/mlctl.
func FileResource(rawURL string, size, timestampMs int64) (LocalResource, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return LocalResource{}, fmt.Errorf("nm: local resource: %w", err)
	}
	if u.Scheme == "" || u.Path == "" {
		return LocalResource{}, fmt.Errorf("nm: local resource %q needs a scheme and a path", rawURL)
	}
	lr := LocalResource{Scheme: u.Scheme, Host: u.Hostname(), File: u.Path, Size: size, Timestamp: timestampMs,
		Type: File, Visibility: Application}
	if p := u.Port(); p != "" {
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil {
			return LocalResource{}, fmt.Errorf("nm: local resource port %q", p)
		}
		lr.Port = int32(n)
	}
	return lr, nil
}

// LaunchContext is what a container runs.
type LaunchContext struct {
	LocalResources map[string]LocalResource // link name in the working directory -> resource
	// Tokens is the container's credentials file (HDTS): the AM's own
	// credentials without the AMRMToken, e.g.
	// creds.Without(token.KindAMRM).MarshalHDTS().
	Tokens      []byte
	Environment map[string]string
	Commands    []string
}

// WorkerTokens returns the HDTS bytes a worker container gets: the AM's
// credentials minus its AMRMToken.
func WorkerTokens(amCreds *token.Credentials) []byte {
	return amCreds.Without(token.KindAMRM).MarshalHDTS()
}

// StartRequest starts one allocated container.
type StartRequest struct {
	Container amrm.Container // its Token goes to the NM unchanged
	Launch    LaunchContext
}

func appendLocalResource(b []byte, r LocalResource) []byte {
	u := pb.AppendString(nil, fURLScheme, r.Scheme)
	u = pb.AppendString(u, fURLHost, r.Host)
	u = pb.AppendVarint(u, fURLPort, uint64(int64(r.Port)))
	u = pb.AppendString(u, fURLFile, r.File)
	b = pb.AppendMsg(b, fLRResource, u)
	b = pb.AppendVarint(b, fLRSize, uint64(r.Size))
	b = pb.AppendVarint(b, fLRTimestamp, uint64(r.Timestamp))
	b = pb.AppendVarint(b, fLRType, uint64(r.Type))
	return pb.AppendVarint(b, fLRVisibility, uint64(r.Visibility))
}

// AppendLaunchContext encodes a ContainerLaunchContextProto; map entries
// are sorted by key so the bytes are reproducible.
func AppendLaunchContext(b []byte, l LaunchContext) []byte {
	for _, k := range sortedKeys(l.LocalResources) {
		e := pb.AppendString(nil, fMapKey, k)
		b = pb.AppendMsg(b, fCLCLocalResources, pb.AppendMsg(e, fMapValue, appendLocalResource(nil, l.LocalResources[k])))
	}
	if l.Tokens != nil {
		b = pb.AppendMsg(b, fCLCTokens, l.Tokens)
	}
	for _, k := range sortedKeys(l.Environment) {
		e := pb.AppendString(nil, fMapKey, k)
		b = pb.AppendMsg(b, fCLCEnvironment, pb.AppendString(e, fMapValue, l.Environment[k]))
	}
	for _, c := range l.Commands {
		b = pb.AppendString(b, fCLCCommand, c)
	}
	return b
}

func encodeStart(reqs []StartRequest) ([]byte, error) {
	var b []byte
	for _, r := range reqs {
		if r.Container.Token == nil {
			return nil, fmt.Errorf("nm: container %s has no container token", r.Container.ID)
		}
		one := pb.AppendMsg(nil, fStartCLC, AppendLaunchContext(nil, r.Launch))
		one = pb.AppendMsg(one, fStartToken, r.Container.Token.AppendProto(nil))
		b = pb.AppendMsg(b, fStartsRequest, one)
	}
	return b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
