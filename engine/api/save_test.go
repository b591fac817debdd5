package api

import (
	"errors"
	"testing"

	"github.com/mlctl/mlctl/internal/errs"
)

func TestSaveJobError(t *testing.T) {
	if SaveJobError(nil) != nil {
		t.Fatal("nil became an error")
	}
	job := func(msg string) error {
		return errs.New(errs.Error, &JobError{Job: &Job{Kind: "restore", State: "failed", Error: msg}}, "")
	}
	for msg, want := range map[string]int{
		IntegrityText + " /s/x/frames/a/000001.chunk: the save recorded sha256 ab, the file has sha256 cd": errs.Integrity,
		"no save in /home/u/.mlctl/clusters/demo/saves (there is no current.json)":                         errs.NotFound,
		"node 1 loading frame a: connection refused":                                                       errs.Error,
	} {
		err := SaveJobError(job(msg))
		var je *JobError
		if errs.Code(err) != want || !errors.As(err, &je) || je.Job.Error != msg {
			t.Errorf("%q: exit %d, %v", msg, errs.Code(err), err)
		}
		if want != errs.Error && errs.Hint(err) == "" {
			t.Errorf("%q: no hint", msg)
		}
	}
	// A waiter that kept only the message is mapped the same way.
	if err := SaveJobError(errors.New("restoring demo failed: " + IntegrityText + " f")); errs.Code(err) != errs.Integrity {
		t.Errorf("plain error: exit %d", errs.Code(err))
	}
}
