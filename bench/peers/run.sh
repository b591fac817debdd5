#!/usr/bin/env bash
# Side-by-side CSV import benchmark: mlctl against H2O-3, pandas, pyarrow and
# polars on the generated airline-like CSV, pinned to 1 and to 2 cores.
# `make bench-peers` runs it, then train.sh.
#
#   bench/peers/run.sh            # 1M rows (about 32 MB)
#   bench/peers/run.sh --10m      # 1M rows, then 10M rows (about 320 MB)
#   bench/peers/run.sh --rows 250000 --reps 5
#
# The CSVs and the results (a .md table and a .json with every raw number, the
# versions and the machine) go to $MLCTL_PEERS_DIR (default
# ${TMPDIR:-/tmp}/mlctl-peers); a CSV already there is reused. The tables are
# printed to stdout, progress to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${MLCTL_PEERS_DIR:-${TMPDIR:-/tmp}/mlctl-peers}"
rows_list=(1000000)
reps=3
extra=()

while [[ $# -gt 0 ]]; do
	case "$1" in
	--10m) rows_list=(1000000 10000000) ;;
	--rows) rows_list=("$2"); shift ;;
	--reps) reps="$2"; shift ;;
	--tools) extra+=(--tools "$2"); shift ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

label_of() { # 1000000 -> 1M, 250000 -> 250k
	local n=$1
	if (( n % 1000000 == 0 )); then echo "$((n / 1000000))M"
	elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
	else echo "$n"; fi
}

cores=1
if (( $(nproc) >= 2 )); then cores=1,2; fi

mkdir -p "$work"
cd "$root"
echo "run.sh: building mlctl" >&2
"${MAKE:-make}" --no-print-directory build >&2
echo "run.sh: preparing the Python peers" >&2
"$here/setup.sh"

for rows in "${rows_list[@]}"; do
	label="airline-$(label_of "$rows")"
	csv="$work/$label.csv"
	if [[ ! -s "$csv" ]]; then
		echo "run.sh: generating $csv ($rows rows)" >&2
		go run ./bench/cmd/gen-airline -rows "$rows" -seed 1 -o "$csv"
	fi
	"$here/.venv/bin/python" "$here/import_bench.py" --csv "$csv" --label "$label" \
		--cores "$cores" --reps "$reps" --mlctl "$root/bin/mlctl" \
		--json "$work/import-bench-$label.json" "${extra[@]}"
	echo
done
