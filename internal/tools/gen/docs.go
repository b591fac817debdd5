package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/completions"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// Where the generated docs live, relative to the docs directory.
const (
	MarkdownDir = "cli"
	ManDir      = "man"
)

// noDate is the date cobra's man header must have; Docs removes it from
// every page, so no page claims the day it was generated.
var noDate = time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)

// Docs returns the Markdown page (cli/mlctl_cluster_launch.md) and the man
// page (man/mlctl-cluster-launch.1) of every available command of root, by
// path relative to the docs directory.
func Docs(root *cobra.Command) (map[string][]byte, error) {
	root.DisableAutoGenTag = true
	files := map[string][]byte{}
	var err error
	visit(root, func(cmd *cobra.Command) {
		if err != nil {
			return
		}
		var md bytes.Buffer
		if err = doc.GenMarkdownCustom(cmd, &md, func(s string) string { return s }); err != nil {
			return
		}
		files[filepath.Join(MarkdownDir, strings.ReplaceAll(cmd.CommandPath(), " ", "_")+".md")] = md.Bytes()

		var man bytes.Buffer
		header := doc.GenManHeader{Section: "1", Date: &noDate, Source: "mlctl", Manual: "mlctl manual"}
		if err = doc.GenMan(cmd, &header, &man); err != nil {
			return
		}
		var page []byte
		if page, err = undate(man.Bytes()); err != nil {
			return
		}
		files[filepath.Join(ManDir, strings.ReplaceAll(cmd.CommandPath(), " ", "-")+".1")] = page
	})
	return files, err
}

// thLine is the man page's title line as md2man writes it.
var thLine = regexp.MustCompile(`(?m)^\.TH (".*?") (".*?") "` + regexp.QuoteMeta(noDate.Format("Jan 2006")) + `"`)

// undate empties the date field of a man page's .TH line.
func undate(page []byte) ([]byte, error) {
	loc := thLine.FindSubmatchIndex(page)
	if loc == nil {
		return nil, fmt.Errorf("man page without the expected .TH line: %.80q", page)
	}
	out := append([]byte{}, page[:loc[0]]...)
	out = fmt.Appendf(out, `.TH %s %s ""`, page[loc[2]:loc[3]], page[loc[4]:loc[5]])
	return append(out, page[loc[1]:]...), nil
}

// visit calls fn on cmd and the commands below it that cobra documents.
func visit(cmd *cobra.Command, fn func(*cobra.Command)) {
	if !cmd.IsAvailableCommand() && cmd.HasParent() || cmd.IsAdditionalHelpTopicCommand() {
		return
	}
	fn(cmd)
	for _, sub := range cmd.Commands() {
		visit(sub, fn)
	}
}

// generated reports a file name in a docs directory that Docs would write:
// those are the files WriteDocs may replace or remove.
func generated(dir, name string) bool {
	switch dir {
	case MarkdownDir:
		return strings.HasPrefix(name, "mlctl") && strings.HasSuffix(name, ".md")
	case ManDir:
		return strings.HasPrefix(name, "mlctl") && strings.HasSuffix(name, ".1")
	}
	return false
}

// Existing returns the generated files now under docsDir, by relative path.
func Existing(docsDir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, sub := range []string{MarkdownDir, ManDir} {
		ents, err := os.ReadDir(filepath.Join(docsDir, sub))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if e.Type().IsRegular() && generated(sub, e.Name()) {
				rel := filepath.Join(sub, e.Name())
				b, err := os.ReadFile(filepath.Join(docsDir, rel))
				if err != nil {
					return nil, err
				}
				out[rel] = b
			}
		}
	}
	return out, nil
}

// WriteDocs writes files under docsDir (each atomically, unchanged ones left
// alone) and removes the generated pages of commands that no longer exist.
func WriteDocs(docsDir string, files map[string][]byte) error {
	old, err := Existing(docsDir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
	}
	slices.Sort(names)
	for _, rel := range names {
		if bytes.Equal(old[rel], files[rel]) {
			continue
		}
		p := filepath.Join(docsDir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := completions.WriteFileAtomic(p, files[rel], 0o644); err != nil {
			return err
		}
	}
	for rel := range old {
		if _, keep := files[rel]; !keep {
			if err := os.Remove(filepath.Join(docsDir, rel)); err != nil {
				return err
			}
		}
	}
	return nil
}
