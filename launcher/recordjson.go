package launcher

import (
	"encoding/json"
	"fmt"
	"time"
)

// recordJSON is a Record as stored and printed: the durations as Go duration
// strings ("30m0s"), which people read in `cluster status --output json`.
type recordJSON struct {
	plainRecord
	MaxIdle   string `json:"max_idle,omitempty"`
	MaxUptime string `json:"max_uptime,omitempty"`
}

type plainRecord Record // without Record's methods, so no recursion

func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// MarshalJSON writes the durations as strings.
func (r Record) MarshalJSON() ([]byte, error) {
	return json.Marshal(recordJSON{plainRecord: plainRecord(r), MaxIdle: durationText(r.MaxIdle), MaxUptime: durationText(r.MaxUptime)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (r *Record) UnmarshalJSON(b []byte) error {
	var j recordJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Record(j.plainRecord)
	for _, d := range []struct {
		name string
		text string
		to   *time.Duration
	}{{"max_idle", j.MaxIdle, &r.MaxIdle}, {"max_uptime", j.MaxUptime, &r.MaxUptime}} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		*d.to = v
	}
	return nil
}
