package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/mlctl/mlctl/internal/errs"
	"github.com/spf13/cobra"
)

// EnvCluster names the cluster the frame verbs use when --cluster is not
// given.
const EnvCluster = "MLCTL_CLUSTER"

// AddClusterFlag registers --cluster (-c) on a command that talks to a
// running cluster.
func AddClusterFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVarP(p, "cluster", "c", "", "cluster to use (default $"+EnvCluster+")")
}

// ResolveCluster applies the precedence flag > $MLCTL_CLUSTER and fails with a
// usage error when neither names a cluster.
func ResolveCluster(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if env := os.Getenv(EnvCluster); env != "" {
		return env, nil
	}
	return "", UsageErrorf("no cluster given: use --cluster NAME or set %s", EnvCluster)
}

// messageError shows its own message while keeping the cause for errors.Is
// and --verbose.
type messageError struct {
	msg   string
	cause error
}

func (e *messageError) Error() string { return e.msg }
func (e *messageError) Unwrap() error { return e.cause }

// ClusterError turns a backend's not-found into a message that names the
// cluster, exit code 6 and a hint pointing at `mlctl cluster list`. Other
// errors pass through unchanged.
func ClusterError(name string, err error) error {
	if err == nil || !errors.Is(err, fs.ErrNotExist) || authFailure(err) {
		return err
	}
	return errs.New(errs.NotFound,
		&messageError{msg: fmt.Sprintf("no cluster named %q", name), cause: err},
		"see your clusters with: mlctl cluster list")
}

// FrameError does the same for a frame on a cluster.
func FrameError(cluster, frame string, err error) error {
	if err == nil || !errors.Is(err, fs.ErrNotExist) || authFailure(err) {
		return err
	}
	return errs.New(errs.NotFound,
		&messageError{msg: fmt.Sprintf("no frame named %q on cluster %q", frame, cluster), cause: err},
		"see the frames with: mlctl frame list --cluster "+cluster)
}

// ModelError does the same for a model on a cluster.
func ModelError(cluster, model string, err error) error {
	if err == nil || !errors.Is(err, fs.ErrNotExist) || authFailure(err) {
		return err
	}
	return errs.New(errs.NotFound,
		&messageError{msg: fmt.Sprintf("no model %q on cluster %q", model, cluster), cause: err},
		"mlctl model list --cluster "+cluster+" shows the models")
}

// JobError does the same for a job on a cluster.
func JobError(cluster, job string, err error) error {
	if err == nil || !errors.Is(err, fs.ErrNotExist) || authFailure(err) {
		return err
	}
	return errs.New(errs.NotFound,
		&messageError{msg: fmt.Sprintf("no job %q on cluster %q", job, cluster), cause: err},
		"mlctl job list --cluster "+cluster+" shows the jobs")
}

// Cause returns the innermost error for --verbose reporting.
func Cause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// authFailure reports a Kerberos failure (exit 4). A missing ticket cache is
// a file that does not exist, but it does not mean the cluster is missing:
// the user must kinit, not think the cluster gone while it holds YARN
// resources.
func authFailure(err error) bool { return errs.Code(err) == errs.Auth }
