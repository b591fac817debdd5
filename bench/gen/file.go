package gen

import (
	"io"
	"os"
	"path/filepath"
)

// WriteFile runs write on a new file at path, "-" meaning stdout. The file
// is written under a temporary name in the same directory and renamed into
// place only when write and the close succeeded, so an interrupted or failed
// run never leaves a short file under the final name (benchmark scripts reuse
// a file that exists).
func WriteFile(path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(os.Stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
