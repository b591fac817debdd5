package main

import (
	"fmt"
	"os"

	"github.com/mlctl/mlctl/completions"
	"github.com/mlctl/mlctl/internal/tools/cmdtree"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: gen completions|docs DIR")
	}
	tmp, err := os.MkdirTemp("", "mlctl-gen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := cmdtree.Isolate(tmp, os.Setenv); err != nil {
		return err
	}
	root := cmdtree.Root()
	switch what, dir := args[0], args[1]; what {
	case "completions":
		return completions.WriteScripts(root, dir)
	case "docs":
		files, err := Docs(root)
		if err != nil {
			return err
		}
		return WriteDocs(dir, files)
	default:
		return fmt.Errorf("unknown target %q: use completions or docs", what)
	}
}
