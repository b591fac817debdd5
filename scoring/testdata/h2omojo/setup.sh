#!/usr/bin/env bash
# Creates scoring/testdata/h2omojo/.venv (if missing) and installs the pinned
# requirements.txt into it. Idempotent: when the venv already holds exactly
# these requirements (a stamp file records a hash of requirements.txt and the
# Python version), it returns at once without asking the package index.
#
#   scoring/testdata/h2omojo/setup.sh     # PYTHON=python3.11 picks the interpreter
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

command -v java >/dev/null || { echo "setup.sh: h2o needs a Java runtime (17 works): apt-get install openjdk-17-jre-headless" >&2; exit 1; }
if [[ ! -x "$venv/bin/python" ]]; then
	echo "setup.sh: creating $venv" >&2
	"$python" -m venv "$venv"
fi
echo "setup.sh: installing $(grep -c '^[A-Za-z]' "$req") pinned packages into $venv (h2o is a 250 MB sdist)" >&2
# h2o exists only as an sdist; everything else must come as a wheel.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: --no-binary=h2o -r "$req"
"$venv/bin/python" -c 'import h2o' # fail now, not mid-generation
echo "$want" >"$stamp"
