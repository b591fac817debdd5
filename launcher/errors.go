package launcher

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/mlctl/mlctl/internal/errs"
)

// ErrExists is returned by Launch for a name already in use.
var ErrExists = errors.New("cluster already exists")

func notFound(name string) error {
	return errs.New(errs.NotFound, fmt.Errorf("cluster %q does not exist: %w", name, fs.ErrNotExist),
		"mlctl cluster list shows your clusters")
}

func exists(name string) error {
	return errs.New(errs.Error, fmt.Errorf("cluster %q: %w", name, ErrExists),
		fmt.Sprintf("use --if-absent to accept it, or mlctl cluster delete %s first", name))
}
