// Package reftest loads the reference encodings Hadoop 3.4.1's own classes
// made (yarn/token/testdata/RefVectors.java), so the yarn protocol packages'
// tests compare their bytes with Hadoop's. Tests only.
package reftest

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Vectors returns the key=value lines of yarn/token/testdata/hadoop-3.4.1.txt.
func Vectors(t testing.TB) map[string]string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(file), "..", "..", "token", "testdata", "hadoop-3.4.1.txt"))
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
