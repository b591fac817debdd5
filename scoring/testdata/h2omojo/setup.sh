#!/usr/bin/env bash
# Creates scoring/testdata/h2omojo/.venv (if missing) and installs the pinned
# requirements.txt into it. Idempotent: when the venv already holds exactly
# these requirements (a stamp file records a hash of requirements.txt and the
# Python version), it returns at once without asking the package index.
#
#   scoring/testdata/h2omojo/setup.sh     # PYTHON=python3.11 picks the interpreter
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v java >/dev/null || { echo "setup.sh: h2o needs a Java runtime (17 works): apt-get install openjdk-17-jre-headless" >&2; exit 1; }
exec "$here/../../../bench/pyenv.sh" "$here" "h2o" --only-binary=:all: --no-binary=h2o # h2o is a 250 MB sdist
