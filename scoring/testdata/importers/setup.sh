#!/usr/bin/env bash
# Creates scoring/testdata/importers/.venv (if missing) and installs the
# pinned requirements.txt into it. Idempotent: when the venv already holds
# exactly these requirements (a stamp file records a hash of requirements.txt
# and the Python version), it returns at once without asking the package index.
#
#   scoring/testdata/importers/setup.sh     # PYTHON=python3.11 picks the interpreter
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.stamp"
python="${PYTHON:-python3}"

want="$(sha256sum <"$req" | cut -d' ' -f1) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
	echo "setup.sh: creating $venv" >&2
	"$python" -m venv "$venv"
fi
echo "setup.sh: installing $(grep -c '^[A-Za-z]' "$req") pinned packages into $venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: -r "$req"
"$venv/bin/python" -c 'import numpy, pandas, xgboost, lightgbm' # fail now, not mid-generation
echo "$want" >"$stamp"
