#!/usr/bin/env bash
# Side-by-side scoring benchmark: mlctl's Go scoring package against
# LightGBM, XGBoost, lleaves and treelite (tl2cgen) on the same 100-tree
# depth-6 binary GBM of the airline-like CSV, every tool pinned to the same
# 2 cores (taskset -c 0-1). `make bench-peers` runs it after train.sh.
#
#   bench/peers/score.sh                     # 1M rows
#   bench/peers/score.sh --rows 20000        # quick
#   bench/peers/score.sh --tools mlctl,lightgbm,lleaves --encodings cat
#   bench/peers/score.sh --mlctl-native      # also mlctl's own GBM (trains on a local cluster)
#   bench/peers/score.sh --omp-passive       # on a busy machine (README: caveats)
#
# The CSV, the input matrix, the models and the results (score-bench-LABEL
# .md and .json: every raw number, the versions and the machine) go to
# $MLCTL_PEERS_DIR (default ${TMPDIR:-/tmp}/mlctl-peers); a CSV already there
# is reused. The table is printed to stdout, progress to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${MLCTL_PEERS_DIR:-${TMPDIR:-/tmp}/mlctl-peers}"
rows=1000000
tools=""
native=0
extra=()

while [[ $# -gt 0 ]]; do
	case "$1" in
	--rows) rows="$2"; shift ;;
	--tools) tools="$2"; shift ;;
	--encodings) extra+=(--encodings "$2"); shift ;;
	--reps) extra+=(--reps "$2"); shift ;;
	--single) extra+=(--single "$2"); shift ;;
	--cpus) extra+=(--cpus "$2"); shift ;;
	--mlctl-native) native=1 ;;
	--omp-passive) extra+=(--omp-passive) ;;
	--strict) extra+=(--strict) ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "score.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
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
	echo "score.sh: needs 2 CPUs to pin to (taskset -c 0-1); this machine has $(nproc)" >&2
	exit 1
fi
if ! command -v gcc >/dev/null; then
	echo "score.sh: warning: no gcc on PATH; the treelite row (tl2cgen builds C) will fail" >&2
fi

mkdir -p "$work"
cd "$root"
echo "score.sh: preparing the Python peers" >&2
"$here/setup.sh"
# The scoring peers go into the same venv, with requirements.txt's pins as
# constraints; a second stamp (both files' hash and the Python version)
# skips the install when nothing changed.
venv="$here/.venv"
stamp="$venv/.score-requirements.stamp"
want="$(cat "$here/requirements.txt" "$here/score-requirements.txt" | sha256sum | cut -d' ' -f1) $("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
	echo "score.sh: installing $(grep -c '^[a-z]' "$here/score-requirements.txt") pinned scoring packages into $venv" >&2
	"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
		-c "$here/requirements.txt" -r "$here/score-requirements.txt"
	"$venv/bin/python" -c 'import lleaves, treelite, tl2cgen, lightgbm, xgboost' # fail now rather than mid-benchmark
	echo "$want" >"$stamp"
fi

bindir="$(mktemp -d "${TMPDIR:-/tmp}/score-bench-bin.XXXXXX")"
trap 'rm -rf "$bindir"' EXIT
echo "score.sh: building bench/cmd/score-bench" >&2
go build -o "$bindir/score-bench" ./bench/cmd/score-bench
if (( native )); then
	echo "score.sh: building mlctl" >&2
	"${MAKE:-make}" --no-print-directory build >&2
	tools="${tools:-mlctl,lightgbm,lleaves,treelite,xgboost,mlctl-xgboost},mlctl-native"
fi
[[ -n "$tools" ]] && extra+=(--tools "$tools")

label="$(label_of "$rows")"
csv="$work/airline-train-$label.csv"
if [[ ! -s "$csv" ]]; then
	echo "score.sh: generating $csv" >&2
	go run ./bench/cmd/gen-airline-train -rows "$rows" -seed 1 -o "$csv"
fi

"$venv/bin/python" "$here/score_bench.py" --csv "$csv" --work "$work" \
	--go-bench "$bindir/score-bench" --mlctl "$root/bin/mlctl" \
	--json "$work/score-bench-$label.json" "${extra[@]}"
