#!/usr/bin/env bash
# nightly-train.sh: train a model every night on a gateway and export it.
#
#   launch the cluster (--if-absent --wait) > import the data > train a GBM
#   > export the model as a scoring artifact > stop and delete the cluster
#
# Every mlctl exit code that calls for a different reaction gets its own:
#   3 denied by policy  mail the admin (the request needs a policy change)
#   4 authentication    say that the keytab must be renewed, exit 4
#   5 timeout, 8 still pending
#                       retry after RETRY_DELAY, RETRIES times, then exit 5
#                       ("retry later": the next cron run will)
#   anything else       exit with mlctl's code; the cluster is cleaned up
#
# crontab (stdout is the artifact's path, stderr the log):
#   15 2 * * *  KEYTAB_FILE=$HOME/.keytabs/ml.keytab PRINCIPAL=ml@EXAMPLE.COM \
#               ADMIN_MAIL=hadoop-admins@example.com BACKEND=yarn \
#               /opt/mlctl/examples/cron/nightly-train.sh >>$HOME/nightly.out 2>>$HOME/nightly.log
#
# Settings (environment):
#   MLCTL          the mlctl to run (default: mlctl on PATH)
#   CLUSTER        cluster name (default nightly)
#   BACKEND        local or yarn (default: mlctl's default)
#   NODES, MEMORY  cluster size (default 1 node of 512m)
#   DATA           file to import (default: examples/data/airline-sample.csv)
#   TARGET         column to predict (default IsDelayed)
#   NTREES         trees of the GBM (default 20)
#   OUT_DIR        where artifacts go (default $HOME/models)
#   LAUNCH_TIMEOUT how long the launch may wait for the cluster (default 5m)
#   RETRIES, RETRY_DELAY
#                  timeouts retried (default 2 times, 300 s apart)
#   KEYTAB_FILE, PRINCIPAL
#                  log in with this keytab (chmod 600) instead of a ticket
#                  cache; passed to mlctl only when both are set
#   ADMIN_MAIL     who gets the mail on a policy denial
#   KEEP_CLUSTER   1: leave a cluster this script launched running
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MLCTL=${MLCTL:-mlctl}
CLUSTER=${CLUSTER:-nightly}
BACKEND=${BACKEND:-}
NODES=${NODES:-1}
MEMORY=${MEMORY:-512m}
DATA=${DATA:-$here/../data/airline-sample.csv}
TARGET=${TARGET:-IsDelayed}
NTREES=${NTREES:-20}
OUT_DIR=${OUT_DIR:-$HOME/models}
LAUNCH_TIMEOUT=${LAUNCH_TIMEOUT:-5m}
RETRIES=${RETRIES:-2}
RETRY_DELAY=${RETRY_DELAY:-300}
ADMIN_MAIL=${ADMIN_MAIL:-}
KEEP_CLUSTER=${KEEP_CLUSTER:-}

# Exit codes of mlctl (mlctl --help lists them).
readonly DENIED=3 AUTH=4 TIMEOUT=5 PENDING=8

stamp=$(date -u +%Y%m%dT%H%M%SZ)
frame="nightly-$stamp"
model="gbm-$stamp"
artifact="$OUT_DIR/$model.mlz"

log() { printf '%s nightly-train: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

auth=()
if [[ -n ${KEYTAB_FILE:-} && -n ${PRINCIPAL:-} ]]; then
	auth=(--keytab "$KEYTAB_FILE" --principal "$PRINCIPAL")
fi
backend=()
if [[ -n $BACKEND ]]; then
	backend=(--backend "$BACKEND")
fi

# ml runs mlctl with the login flags; its exit code is the caller's to read.
ml() { "$MLCTL" "$@" ${auth[@]+"${auth[@]}"}; }

# notify_admin mails the policy denial to ADMIN_MAIL (or logs it when there
# is no one to mail or no mail command).
notify_admin() {
	local what=$1 why=$2
	local body="mlctl denied the nightly training on ${HOSTNAME:-$(uname -n)} ($what):

$why

The request is in $here/nightly-train.sh (CLUSTER=$CLUSTER NODES=$NODES MEMORY=$MEMORY)."
	if [[ -n $ADMIN_MAIL ]] && command -v mail >/dev/null; then
		printf '%s\n' "$body" | mail -s "mlctl: nightly training denied by policy" "$ADMIN_MAIL"
		log "denied by policy; mailed $ADMIN_MAIL"
	else
		log "denied by policy (set ADMIN_MAIL and install mail to have the admin told)"
	fi
}

# step WHAT CMD...: run a step (commands that call ml), retrying timeouts,
# and turn a failure into the reaction its exit code calls for.
step() {
	local what=$1; shift
	local attempt=0 rc errfile
	errfile=$(mktemp)
	while :; do
		rc=0
		"$@" 2>"$errfile" || rc=$?
		cat "$errfile" >&2
		case $rc in
		0) rm -f "$errfile"; return 0 ;;
		"$TIMEOUT" | "$PENDING")
			if ((attempt < RETRIES)); then
				attempt=$((attempt + 1))
				log "$what timed out (exit $rc); retry $attempt of $RETRIES in ${RETRY_DELAY}s"
				sleep "$RETRY_DELAY"
				continue
			fi
			log "$what timed out $((RETRIES + 1)) times; giving up, retry later (the next run will)"
			rc=$TIMEOUT
			;;
		"$DENIED") notify_admin "$what" "$(cat "$errfile")" ;;
		"$AUTH") log "$what: Kerberos login failed; renew or fix the keytab${KEYTAB_FILE:+ $KEYTAB_FILE} as mlctl says above (kinit -kt works again when it is fixed)" ;;
		*) log "$what failed (exit $rc)" ;;
		esac
		rm -f "$errfile"
		exit "$rc"
	done
}

# Only a cluster this run launched is stopped and deleted at the end, on
# success or failure; one that was already running is someone's to keep.
launched=
cleanup() {
	local rc=$? stop=0 del=0
	if [[ -n $launched && -z $KEEP_CLUSTER ]]; then
		ml cluster stop "$CLUSTER" >/dev/null 2>&1 || stop=$?
		if ((stop != 6)); then # 6: never launched (denied, or failed before its record)
			ml cluster delete "$CLUSTER" >/dev/null 2>&1 || del=$?
			if ((del == 0)); then
				log "stopped and deleted $CLUSTER"
			else
				log "could not clean up $CLUSTER (stop: exit $stop, delete: exit $del); see mlctl cluster status $CLUSTER"
			fi
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT

# launch_cluster launches CLUSTER unless it is running. A record of a
# cluster that ended (last night's failure, or this run's timed-out attempt)
# would make --if-absent fail, so it is deleted first.
launch_cluster() {
	local state
	state=$(ml cluster list ${backend[@]+"${backend[@]}"} | awk -F'\t' -v n="$CLUSTER" 'NR > 1 && $1 == n { print $3 }')
	case $state in
	"") launched=1 ;;
	stopped | failed | expired | killed)
		log "cluster $CLUSTER exists but is $state; deleting it"
		ml cluster delete "$CLUSTER" >/dev/null
		launched=1
		;;
	*) log "cluster $CLUSTER is $state; using it" ;;
	esac
	log "launching $CLUSTER ($NODES x $MEMORY)"
	ml cluster launch "$CLUSTER" ${backend[@]+"${backend[@]}"} --nodes "$NODES" --memory "$MEMORY" \
		--if-absent --wait --timeout "$LAUNCH_TIMEOUT" >/dev/null
}

step "launch" launch_cluster

log "importing $DATA as $frame"
step "import" ml frame import --cluster "$CLUSTER" "$DATA" --name "$frame" >/dev/null

log "training $model"
step "train" ml train gbm --cluster "$CLUSTER" --frame "$frame" --target "$TARGET" --ntrees "$NTREES" \
	--name "$model" --wait >/dev/null

mkdir -p "$OUT_DIR"
log "exporting $model to $artifact"
step "export" ml model export --cluster "$CLUSTER" "$model" -o "$artifact" >/dev/null

printf '%s\n' "$artifact"
