package shared

import (
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/engine/api"
	"github.com/mlctl/mlctl/internal/cmdutil"
	"github.com/mlctl/mlctl/internal/iostreams"
)

// StateStyle colours a job state on a terminal; it is never nil.
func StateStyle(cs iostreams.ColorScheme, state string) func(string) string {
	switch state {
	case "running":
		return cs.Yellow
	case "done":
		return cs.Green
	case "failed":
		return cs.Red
	case "cancelled":
		return cs.Dim
	}
	return func(s string) string { return s }
}

// Progress formats a job's progress: "45%" on a terminal, the fraction
// ("0.45") when piped.
func Progress(ios *iostreams.IOStreams, frac float64) string {
	if !ios.IsStdoutTTY() {
		return strconv.FormatFloat(frac, 'g', -1, 64)
	}
	return strconv.FormatFloat(frac*100, 'f', 0, 64) + "%"
}

// Duration is how long a job ran, or has been running (until now); empty
// when it has not started.
func Duration(ios *iostreams.IOStreams, j *api.Job, now time.Time) string {
	if j.Started.IsZero() {
		return ""
	}
	end := j.Finished
	if end.IsZero() {
		end = now
	}
	return cmdutil.Duration(ios, end.Sub(j.Started))
}

// PrintJobs prints ID KIND STATE PROGRESS TARGET RESULT STARTED DURATION, or
// the jobs as a JSON/YAML list (never null).
func PrintJobs(ios *iostreams.IOStreams, format cmdutil.OutputFormat, jobs []api.Job, now time.Time) error {
	if format.IsData() {
		if jobs == nil {
			jobs = []api.Job{}
		}
		return cmdutil.WriteData(ios.Out, format, jobs)
	}
	cs := ios.ColorScheme()
	tp := cmdutil.NewTablePrinter(ios)
	tp.Header("ID", "KIND", "STATE", "PROGRESS", "TARGET", "RESULT", "STARTED", "DURATION")
	for i := range jobs {
		j := &jobs[i]
		tp.AddField(j.ID, cs.Cyan)
		tp.AddField(j.Kind, nil)
		tp.AddField(j.State, StateStyle(cs, j.State))
		tp.AddField(Progress(ios, j.Progress), nil)
		tp.AddField(j.Target, nil)
		tp.AddField(j.Result, nil)
		tp.AddField(cmdutil.Time(ios, j.Started, now), cs.Dim)
		tp.AddField(Duration(ios, j, now), nil)
		tp.EndRow()
	}
	return tp.Render()
}

// PrintJob prints every field of one job as key-value lines, or the job as
// a JSON/YAML object.
func PrintJob(ios *iostreams.IOStreams, format cmdutil.OutputFormat, j *api.Job, now time.Time) error {
	if format.IsData() {
		return cmdutil.WriteData(ios.Out, format, j)
	}
	cs := ios.ColorScheme()
	pairs := [][2]string{
		{"id", j.ID},
		{"kind", j.Kind},
		{"state", StateStyle(cs, j.State)(j.State)},
		{"progress", Progress(ios, j.Progress)},
		{"message", j.Message},
		{"target", j.Target},
		{"result", j.Result},
		{"started", cmdutil.Time(ios, j.Started, now)},
		{"finished", cmdutil.Time(ios, j.Finished, now)},
		{"duration", Duration(ios, j, now)},
	}
	if j.Error != "" {
		pairs = append(pairs, [2]string{"error", cs.Red(j.Error)})
	}
	if len(j.Warnings) > 0 {
		pairs = append(pairs, [2]string{"warnings", strings.Join(j.Warnings, "; ")})
	}
	if ios.IsStdoutTTY() {
		// People need not see "finished" for a running job; programs
		// get every key.
		kept := pairs[:0]
		for _, p := range pairs {
			if p[1] != "" {
				kept = append(kept, p)
			}
		}
		pairs = kept
	}
	return cmdutil.KeyValues(ios, pairs)
}
