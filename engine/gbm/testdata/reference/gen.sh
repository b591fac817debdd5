#!/usr/bin/env bash
# Regenerates the GBM reference fixtures: the CSV data sets in
# engine/gbm/testdata/ and engine/gbm/testdata/reference.json.
# Deterministic: running it twice gives the same bytes.
#
#   engine/gbm/testdata/reference/gen.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
# One thread everywhere (the libraries are also told nthread/num_threads 1):
# sums then come out in the same order on every machine.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$here/.venv/bin/python" "$here/gen.py" "$@"
