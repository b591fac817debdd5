package amrm

import (
	"fmt"
	"strconv"
	"strings"
)

// ApplicationID is a YARN application id.
type ApplicationID struct {
	ClusterTimestamp int64
	ID               int32
}

// String is Hadoop's form: application_<clusterTs>_<id, 4+ digits>.
func (a ApplicationID) String() string {
	return fmt.Sprintf("application_%d_%04d", a.ClusterTimestamp, a.ID)
}

// ApplicationAttemptID is one attempt of an application.
type ApplicationAttemptID struct {
	App     ApplicationID
	Attempt int32
}

// String is Hadoop's form: appattempt_<clusterTs>_<app, 4+>_<attempt, 6+>.
func (a ApplicationAttemptID) String() string {
	return fmt.Sprintf("appattempt_%d_%04d_%06d", a.App.ClusterTimestamp, a.App.ID, a.Attempt)
}

// containerIDMask keeps the low 40 bits of a container id: the high bits
// hold the RM's epoch (bumped by RM restarts with work-preserving recovery).
const containerIDMask = 1<<40 - 1

// ContainerID is a YARN container id. ID carries the epoch in its high
// bits, as on the wire.
type ContainerID struct {
	Attempt ApplicationAttemptID
	ID      int64
}

// Epoch is the RM epoch the container was allocated in.
func (c ContainerID) Epoch() int64 { return c.ID >> 40 }

// Sequence is the container's number within its attempt.
func (c ContainerID) Sequence() int64 { return c.ID & containerIDMask }

// String is Hadoop's form: container_[e<epoch, 2+>_]<clusterTs>_<app, 4+>_<attempt, 2+>_<container, 6+>.
func (c ContainerID) String() string {
	var b strings.Builder
	b.WriteString("container_")
	if e := c.Epoch(); e > 0 {
		fmt.Fprintf(&b, "e%02d_", e)
	}
	fmt.Fprintf(&b, "%d_%04d_%02d_%06d", c.Attempt.App.ClusterTimestamp, c.Attempt.App.ID, c.Attempt.Attempt, c.Sequence())
	return b.String()
}

// ParseContainerID reads Hadoop's string form, e.g. the CONTAINER_ID the
// NodeManager puts in every container's environment (the AM finds its
// attempt there).
func ParseContainerID(s string) (ContainerID, error) {
	bad := func() (ContainerID, error) { return ContainerID{}, fmt.Errorf("amrm: malformed container id %q", s) }
	rest, ok := strings.CutPrefix(s, "container_")
	if !ok {
		return bad()
	}
	parts := strings.Split(rest, "_")
	var epoch int64
	if len(parts) == 5 && strings.HasPrefix(parts[0], "e") {
		e, err := strconv.ParseInt(parts[0][1:], 10, 64)
		if err != nil || e < 0 || e >= 1<<23 {
			return bad()
		}
		epoch, parts = e, parts[1:]
	}
	if len(parts) != 4 {
		return bad()
	}
	ts, err1 := strconv.ParseInt(parts[0], 10, 64)
	app, err2 := strconv.ParseInt(parts[1], 10, 32)
	att, err3 := strconv.ParseInt(parts[2], 10, 32)
	seq, err4 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || seq < 0 || seq > containerIDMask {
		return bad()
	}
	return ContainerID{
		Attempt: ApplicationAttemptID{App: ApplicationID{ClusterTimestamp: ts, ID: int32(app)}, Attempt: int32(att)},
		ID:      epoch<<40 | seq,
	}, nil
}

// NodeID is a NodeManager's RPC address.
type NodeID struct {
	Host string
	Port int32
}

// String is host:port, the service of the node's NMToken.
func (n NodeID) String() string { return n.Host + ":" + strconv.Itoa(int(n.Port)) }

// Resource is a container size.
type Resource struct {
	MemoryMB int64
	VCores   int32
}
