package audit

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Read takes an admin's file: whatever it holds, it never panics, and every
// record it accepts writes back to a line it accepts again, equal.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"time":"2026-01-02T02:04:05Z","user":"bob","action":"launch","cluster":"c","backend":"yarn","profile":"intern","nodes":2,"memory_bytes":1073741824,"vcores":1,"queue":"q","outcome":"ok","reason":"","max_uptime":"8h0m0s"}` + "\n"))
	f.Add([]byte("{}\n\n{\"max_uptime\":\"\"}\n"))
	f.Add([]byte(`{"max_uptime":"nonsense"}`))
	f.Add([]byte("not json\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []Record
		err := Read(bytes.NewReader(data), "fuzz", func(r Record) error { got = append(got, r); return nil })
		if err != nil {
			return
		}
		for _, r := range got {
			line, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("%+v does not encode: %v", r, err)
			}
			var again []Record
			if err := Read(bytes.NewReader(line), "again", func(r Record) error { again = append(again, r); return nil }); err != nil || len(again) != 1 {
				t.Fatalf("%s does not read back: %v", line, err)
			}
			a, b := again[0], r
			if !a.Time.Equal(b.Time) {
				t.Fatalf("time %v != %v", a.Time, b.Time)
			}
			a.Time = b.Time
			if a != b {
				t.Fatalf("%+v != %+v", a, b)
			}
		}
	})
}
