#!/usr/bin/env bash
# Creates DIR/.venv (if missing) and installs the pinned DIR/requirements.txt
# into it, then imports MODULES to fail now rather than mid-run. Idempotent:
# when the venv already holds exactly these requirements (a stamp records a
# hash of requirements.txt and the Python version) it returns at once without
# asking the package index. The setup.sh scripts beside each requirements.txt
# call it.
#
#   bench/pyenv.sh DIR "numpy, pandas" [pip install options...]   # PYTHON=python3.11 picks the interpreter
set -euo pipefail

dir="$1" modules="$2"
shift 2
venv="$dir/.venv"
req="$dir/requirements.txt"
stamp="$venv/.requirements.stamp"
python="${PYTHON:-python3}"

want="$(sha256sum <"$req" | cut -d' ' -f1) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	exit 0
fi
if [[ ! -x "$venv/bin/python" ]]; then
	echo "pyenv.sh: creating $venv" >&2
	"$python" -m venv "$venv"
fi
echo "pyenv.sh: installing $(grep -c '^[A-Za-z]' "$req") pinned packages into $venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" -r "$req"
"$venv/bin/python" -c "import $modules"
echo "$want" >"$stamp"
