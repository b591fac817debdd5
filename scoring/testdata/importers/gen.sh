#!/usr/bin/env bash
# Regenerates the importer fixtures in scoring/testdata/importers/: LightGBM
# text models (lgb_*.txt), XGBoost JSON models (xgb_*.json), the input rows
# (*_rows.csv) and each library's own predictions (*_pred.csv).
# Deterministic: running it twice gives the same bytes.
#
#   scoring/testdata/importers/gen.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
# One thread everywhere (the libraries are also told nthread/num_threads 1):
# sums then come out in the same order on every machine.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$here/.venv/bin/python" "$here/gen.py" "$@"
