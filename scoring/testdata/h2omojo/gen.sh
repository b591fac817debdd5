#!/usr/bin/env bash
# Regenerates the H2O MOJO fixtures in scoring/testdata/h2omojo/: inputs.csv,
# one <name>.zip MOJO per model, <name>.csv with h2o-genmodel's predictions
# and meta.json. Needs Java (h2o starts a local JVM, bound to 127.0.0.1).
# The data, the models and the predictions are deterministic (fixed seed,
# one H2O thread); the zips differ between runs only in their timestamps.
#
#   scoring/testdata/h2omojo/gen.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$here/.venv/bin/python" "$here/gen.py" "$@"
