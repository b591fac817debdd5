#!/usr/bin/env bash
# Regenerates the GLM reference fixtures: the CSV data sets in
# engine/glm/testdata/ and engine/glm/testdata/reference.json.
# Deterministic: running it twice gives the same bytes.
#
#   engine/glm/testdata/reference/gen.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
# One BLAS thread: sums then come out in the same order on every machine.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1
exec "$here/.venv/bin/python" "$here/gen.py" "$@"
