#!/usr/bin/env bash
# train-and-score.sh: the CI job of examples/ci/github-actions.yml and
# examples/ci/gitlab-ci.yml. It trains a model on a fresh cluster, exports
# it as a scoring artifact, scores a file with it on the runner (no cluster
# needed for that) and always stops and deletes the cluster.
#
# Outputs, in OUT_DIR (default ./mlctl-out): model.mlz (the artifact),
# predictions.csv (INPUT with the model's predictions), model.json (the
# model as mlctl model show prints it). The last line of stdout is the
# artifact's path. mlctl's exit code is the job's (2 usage, 3 denied by
# policy, 4 Kerberos, 5 timeout, ...), with a line saying what to do.
#
# Settings (environment):
#   MLCTL        the mlctl to run (default: mlctl on PATH)
#   CLUSTER      cluster name (default ci-$CI_JOB_ID, ci-$GITHUB_RUN_ID or ci-$$)
#   BACKEND      local or yarn (default: mlctl's default)
#   NODES, MEMORY  cluster size (default 1 node of 512m)
#   QUEUE        YARN queue (default: the profile's)
#   TRAIN        file to train on (default: examples/data/airline-sample.csv)
#   INPUT        file to score (default: TRAIN)
#   TARGET       column to predict (default IsDelayed)
#   NTREES       trees of the GBM (default 20)
#   OUT_DIR      where the outputs go (default ./mlctl-out)
#   KEYTAB_FILE, PRINCIPAL
#                log in with this keytab (mode 600, written from a CI
#                secret) instead of a ticket cache; passed to mlctl only
#                when both are set, so the job runs without them locally
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MLCTL=${MLCTL:-mlctl}
run_id=${CI_JOB_ID:-${GITHUB_RUN_ID:-$$}}
CLUSTER=${CLUSTER:-ci-$run_id}
BACKEND=${BACKEND:-}
NODES=${NODES:-1}
MEMORY=${MEMORY:-512m}
QUEUE=${QUEUE:-}
TRAIN=${TRAIN:-$here/../data/airline-sample.csv}
INPUT=${INPUT:-$TRAIN}
TARGET=${TARGET:-IsDelayed}
NTREES=${NTREES:-20}
OUT_DIR=${OUT_DIR:-mlctl-out}

log() { printf 'train-and-score: %s\n' "$*" >&2; }

auth=()
if [[ -n ${KEYTAB_FILE:-} && -n ${PRINCIPAL:-} ]]; then
	auth=(--keytab "$KEYTAB_FILE" --principal "$PRINCIPAL")
fi
launch_flags=(--nodes "$NODES" --memory "$MEMORY")
[[ -n $BACKEND ]] && launch_flags+=(--backend "$BACKEND")
[[ -n $QUEUE ]] && launch_flags+=(--queue "$QUEUE")

# ml runs mlctl with the login flags. On failure it says what the exit code
# means for this job and exits with it.
ml() {
	local rc=0
	"$MLCTL" "$@" ${auth[@]+"${auth[@]}"} || rc=$?
	case $rc in
	0) return 0 ;;
	3) log "mlctl $1 ${2:-}: denied by the gateway's policy; ask its admin (mlctl policy explain says why)" ;;
	4) log "mlctl $1 ${2:-}: Kerberos login failed; check the keytab secret and PRINCIPAL (the keytab may have expired)" ;;
	5) log "mlctl $1 ${2:-}: timed out; the cluster's queue may be full, run the job again later" ;;
	*) log "mlctl $1 ${2:-} failed (exit $rc)" ;;
	esac
	exit "$rc"
}

cleanup() {
	local rc=$?
	"$MLCTL" cluster stop "$CLUSTER" ${auth[@]+"${auth[@]}"} >/dev/null 2>&1 || true
	"$MLCTL" cluster delete "$CLUSTER" ${auth[@]+"${auth[@]}"} >/dev/null 2>&1 || true
	exit "$rc"
}
trap cleanup EXIT

mkdir -p "$OUT_DIR"
log "launching $CLUSTER"
ml cluster launch "$CLUSTER" "${launch_flags[@]}" --if-absent --wait >/dev/null
log "importing $TRAIN"
ml frame import --cluster "$CLUSTER" "$TRAIN" --name train >/dev/null
ml frame split --cluster "$CLUSTER" train --ratios 0.8,0.2 --seed 42 --dest fit,hold >/dev/null
log "training"
ml train gbm --cluster "$CLUSTER" --frame fit --valid hold --target "$TARGET" --ntrees "$NTREES" \
	--seed 42 --name ci-gbm --wait >/dev/null
ml model show --cluster "$CLUSTER" ci-gbm --output json >"$OUT_DIR/model.json"
ml model export --cluster "$CLUSTER" ci-gbm -o "$OUT_DIR/model.mlz" >/dev/null
log "scoring $INPUT"
ml score "$OUT_DIR/model.mlz" "$INPUT" -o "$OUT_DIR/predictions.csv"
printf '%s\n' "$OUT_DIR/model.mlz"
