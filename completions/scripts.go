package completions

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

//go:generate go run ../internal/tools/gen completions .

// Shells are the shells mlctl writes completion scripts for.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// FileName is the name of shell's committed script, as packagers install
// it: bash-completion and fish look the command's name up, zsh wants the
// function name _mlctl on $fpath.
func FileName(shell string) string {
	switch shell {
	case "bash":
		return "mlctl.bash"
	case "zsh":
		return "_mlctl"
	case "fish":
		return "mlctl.fish"
	case "powershell":
		return "mlctl.ps1"
	}
	return ""
}

// Script writes shell's completion script for root to w. descriptions adds
// each candidate's description where the shell can show one.
func Script(root *cobra.Command, shell string, descriptions bool, w io.Writer) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, descriptions)
	case "zsh":
		if descriptions {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, descriptions)
	case "powershell":
		if descriptions {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return fmt.Errorf("no completion for shell %q: use one of bash, zsh, fish, powershell", shell)
}

// Scripts returns every shell's script (with descriptions) by file name.
func Scripts(root *cobra.Command) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, sh := range Shells {
		var b bytes.Buffer
		if err := Script(root, sh, true, &b); err != nil {
			return nil, err
		}
		out[FileName(sh)] = b.Bytes()
	}
	return out, nil
}

// WriteScripts writes every shell's script into dir, each through a
// temporary file and a rename so a failed run leaves the old script whole.
func WriteScripts(root *cobra.Command, dir string) error {
	scripts, err := Scripts(root)
	if err != nil {
		return err
	}
	for name, data := range scripts {
		if err := WriteFileAtomic(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory and a rename.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
