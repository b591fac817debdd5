#!/usr/bin/env bash
# Side-by-side training benchmark: mlctl against XGBoost, LightGBM,
# scikit-learn and H2O-3 on generated airline-like and HIGGS-like CSVs, every
# tool pinned to the same 2 cores (taskset -c 0-1). `make bench-peers` runs it
# after the import benchmark (run.sh).
#
#   bench/peers/train.sh                         # 1M-row sets and a 100k-row set
#   bench/peers/train.sh --rows 20000            # quick: 20k rows (and 2k for the small set)
#   bench/peers/train.sh --tools xgboost,lightgbm --cases gbm-higgs
#   bench/peers/train.sh --omp-passive           # on a busy machine (README: caveats)
#
# The CSVs, their 80/20 train/valid splits and the results (train-bench-LABEL
# .md and .json: every raw number, the versions and the machine) go to
# $MLCTL_PEERS_DIR (default ${TMPDIR:-/tmp}/mlctl-peers); a CSV already there
# is reused. The tables are printed to stdout, progress to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${MLCTL_PEERS_DIR:-${TMPDIR:-/tmp}/mlctl-peers}"
rows=1000000
small=100000
extra=()

while [[ $# -gt 0 ]]; do
	case "$1" in
	--rows) rows="$2"; small=$(( $2 / 10 > 1000 ? $2 / 10 : 1000 )); shift ;;
	--tools) extra+=(--tools "$2"); shift ;;
	--cases) extra+=(--cases "$2"); shift ;;
	--cpus) extra+=(--cpus "$2"); shift ;;
	--omp-passive) extra+=(--omp-passive) ;;
	-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "train.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

label_of() { # 1000000 -> 1M, 250000 -> 250k
	local n=$1
	if (( n % 1000000 == 0 )); then echo "$((n / 1000000))M"
	elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
	else echo "$n"; fi
}

if (( $(nproc) < 2 )); then
	echo "train.sh: needs 2 CPUs to pin to (taskset -c 0-1); this machine has $(nproc)" >&2
	exit 1
fi

mkdir -p "$work"
cd "$root"
echo "train.sh: building mlctl" >&2
"${MAKE:-make}" --no-print-directory build >&2
echo "train.sh: preparing the Python peers" >&2
"$here/setup.sh"

# generate FILE COMMAND ARGS...: runs the generator unless FILE is there.
generate() {
	local csv=$1; shift
	if [[ ! -s "$csv" ]]; then
		echo "train.sh: generating $csv" >&2
		go run "$@" -seed 1 -o "$csv"
	fi
}
big="$(label_of "$rows")"
airline="$work/airline-train-$big.csv"
airline_small="$work/airline-train-$(label_of "$small").csv"
route="$work/airline-route-$big.csv"
higgs="$work/higgs-$big.csv"
generate "$airline" ./bench/cmd/gen-airline-train -rows "$rows"
generate "$airline_small" ./bench/cmd/gen-airline-train -rows "$small"
generate "$route" ./bench/cmd/gen-airline-train -rows "$rows" -route
generate "$higgs" ./bench/cmd/gen-higgs -rows "$rows"

"$here/.venv/bin/python" "$here/train_bench.py" --mlctl "$root/bin/mlctl" \
	--airline "$airline" --airline-small "$airline_small" --route "$route" --higgs "$higgs" \
	--json "$work/train-bench-$big.json" "${extra[@]}"
