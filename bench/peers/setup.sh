#!/usr/bin/env bash
# Creates bench/peers/.venv (if missing) and installs requirements.txt into it.
# Idempotent: when the venv already holds exactly these requirements (a stamp
# file records a hash of requirements.txt and the Python version), it returns
# at once without asking the package index anything.
#
#   bench/peers/setup.sh            # PYTHON=python3.11 to pick the interpreter
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.stamp"
python="${PYTHON:-python3}"

want="$(cat "$req" | sha256sum | cut -d' ' -f1) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
	echo "setup.sh: creating $venv" >&2
	"$python" -m venv "$venv"
fi
echo "setup.sh: installing $(grep -c '^[a-z]' "$req") pinned packages into $venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
"$venv/bin/python" -c 'import h2o, pandas, pyarrow, polars, xgboost, lightgbm, sklearn' # fail now rather than mid-benchmark
command -v java >/dev/null || echo "setup.sh: warning: no java on PATH; the H2O-3 rows will fail" >&2
echo "$want" >"$stamp"
