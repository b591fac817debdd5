#!/usr/bin/env bash
# Creates engine/gbm/testdata/reference/.venv (if missing) and installs the
# pinned requirements.txt into it. Idempotent: when the venv already holds
# exactly these requirements (a stamp file records a hash of requirements.txt
# and the Python version), it returns at once without asking the package index.
#
#   engine/gbm/testdata/reference/setup.sh     # PYTHON=python3.11 picks the interpreter
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../../../../bench/pyenv.sh" "$here" "numpy, pandas, sklearn, xgboost, lightgbm" --only-binary=:all:
