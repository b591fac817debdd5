package token

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// refVectors loads the encodings Hadoop 3.4.1's own classes made (see
// testdata/RefVectors.java).
func refVectors(t testing.TB) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/hadoop-3.4.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), "="); ok {
			m[k] = v
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}
