package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Read calls fn for every record of r in order. A line that does not parse
// is an error naming its line number: an audit log is not to be skipped over
// silently.
func Read(r io.Reader, name string, fn func(Record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine+1)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("%s:%d: not an audit record: %w", name, n, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// ReadFile reads every record of the log at path.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Record
	err = Read(f, path, func(r Record) error { out = append(out, r); return nil })
	return out, err
}
