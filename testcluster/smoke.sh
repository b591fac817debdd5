#!/usr/bin/env bash
# Smoke test of a running testcluster from the shell, with the tools a gateway has (MIT kinit, curl):
#   testcluster/smoke.sh DIR        (DIR as given to run.sh up)
# Secure clusters: 401 without a ticket, kinit from the user keytab, SPNEGO on the RM REST API and
# WebHDFS, a delegation token for renewer yarn, and a YARN application whose container localizes a file
# from HDFS with that token (kind rewritten to HDFS_DELEGATION_TOKEN, as mlctl does). Insecure clusters:
# the same with ?user.name=. Ends with "N passed, N failed"; exits non-zero if any check failed.
set -uo pipefail

DIR=$(cd "${1:?usage: smoke.sh DIR}" && pwd)
J="$DIR/cluster.json"
[[ -f "$J" ]] || { echo "smoke: no $J (is the cluster up?)" >&2; exit 1; }
command -v curl >/dev/null || { echo "smoke: curl is required" >&2; exit 1; }
command -v python3 >/dev/null || { echo "smoke: python3 is required" >&2; exit 1; }

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$J" "$1"; }
SECURE=$(field secure)
RM=$(field rm_webapp)
WH=$(field webhdfs)
USER_NAME=$(field user)
CA=$(field ca_pem)
NM_LOG_DIRS=$(field nm_log_dirs)

pass=0
fail=0
ok() { echo "ok   - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [[ "$3" == "$2" ]]; then ok "$1"; else bad "$1 (want $2, got $3)"; fi
}

CURL=(curl -s --max-time 30)
[[ -n "$CA" ]] && CURL+=(--cacert "$CA")
AUTH=()
Q=""
if [[ "$SECURE" == "True" ]]; then
  command -v kinit >/dev/null || { echo "smoke: kinit is required (Debian: krb5-user)" >&2; exit 1; }
  export KRB5_CONFIG=$(field krb5_conf)
  export KRB5CCNAME="FILE:$DIR/smoke.ccache"
  kdestroy >/dev/null 2>&1 || true
  check "RM REST without a ticket is refused" 401 \
    "$("${CURL[@]}" -o /dev/null -w '%{http_code}' --negotiate -u : "$RM/ws/v1/cluster/info")"
  check "WebHDFS without a ticket is refused" 401 \
    "$("${CURL[@]}" -o /dev/null -w '%{http_code}' --negotiate -u : "$WH/webhdfs/v1/?op=LISTSTATUS")"
  if kinit -kt "$(field user_keytab)" "$(field user_principal)"; then ok "kinit $(field user_principal)"; else bad "kinit"; fi
  AUTH=(--negotiate -u :)
else
  Q="&user.name=$USER_NAME"
fi

check "RM /ws/v1/cluster/info" 200 \
  "$("${CURL[@]}" "${AUTH[@]}" -o /dev/null -w '%{http_code}' "$RM/ws/v1/cluster/info?x=1$Q")"
out=$("${CURL[@]}" "${AUTH[@]}" "$WH/webhdfs/v1/user?op=LISTSTATUS$Q")
if grep -q "\"owner\":\"$USER_NAME\",\"pathSuffix\":\"$USER_NAME\",\"permission\":\"755\"" <<<"$out"; then
  ok "WebHDFS LISTSTATUS /user shows /user/$USER_NAME owned by $USER_NAME, 755"
else
  bad "WebHDFS LISTSTATUS /user: $out"
fi

# Write a file (two-step CREATE: the NameNode redirects to a DataNode) and read it back.
payload="smoke $(date +%s%N)"
loc=$("${CURL[@]}" "${AUTH[@]}" -X PUT -o /dev/null -w '%{redirect_url}' \
  "$WH/webhdfs/v1/user/$USER_NAME/smoke.txt?op=CREATE&overwrite=true$Q")
code=$(printf '%s\n' "$payload" | "${CURL[@]}" -X PUT -T - -o /dev/null -w '%{http_code}' "$loc")
check "WebHDFS CREATE /user/$USER_NAME/smoke.txt" 201 "$code"
check "WebHDFS OPEN returns what was written" "$payload" \
  "$("${CURL[@]}" "${AUTH[@]}" -L "$WH/webhdfs/v1/user/$USER_NAME/smoke.txt?op=OPEN$Q")"

TOKEN=""
if [[ "$SECURE" == "True" ]]; then
  dt=$("${CURL[@]}" "${AUTH[@]}" "$WH/webhdfs/v1/?op=GETDELEGATIONTOKEN&renewer=yarn")
  url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["Token"]["urlString"])' "$dt" 2>/dev/null)
  if [[ -n "$url" ]]; then ok "WebHDFS GETDELEGATIONTOKEN renewer=yarn"; else bad "GETDELEGATIONTOKEN: $dt"; fi
  # WebHDFS hands out kind "(S)WEBHDFS delegation"; the RM renews only HDFS_DELEGATION_TOKEN over RPC.
  TOKEN=$(python3 - "$url" <<'EOF'
import base64, sys
def vint(b, i):
    f = b[i] - 256 if b[i] > 127 else b[i]
    if f >= -112:
        return f, i + 1
    n = (-119 - f) if f < -120 else (-111 - f)
    v = int.from_bytes(b[i + 1:i + 1 + n], "big")
    return (~v if f < -120 else v), i + 1 + n
def wvint(v):
    if -112 <= v <= 127:
        return bytes([v & 0xFF])
    raw = v.to_bytes((v.bit_length() + 7) // 8, "big")
    return bytes([(-112 - len(raw)) & 0xFF]) + raw
s = sys.argv[1]
b = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
parts, i = [], 0
for _ in range(4):
    n, i = vint(b, i)
    parts.append(b[i:i + n]); i += n
parts[2] = b"HDFS_DELEGATION_TOKEN"
out = b"".join(wvint(len(p)) + p for p in parts)
print(base64.urlsafe_b64encode(out).decode().rstrip("="))
EOF
)
fi

# A YARN application whose AM container localizes smoke.txt from HDFS and prints it. It does not
# register (plain shell), so the attempt ends FAILED after the container exits; what counts is the
# container's stdout in the NodeManager's log dir.
st=$("${CURL[@]}" "${AUTH[@]}" "$WH/webhdfs/v1/user/$USER_NAME/smoke.txt?op=GETFILESTATUS$Q")
read -r size mtime < <(python3 -c 'import json,sys; s=json.loads(sys.argv[1])["FileStatus"]; print(s["length"], s["modificationTime"])' "$st")
fsuri=$(field fs_default_fs)
app=$("${CURL[@]}" "${AUTH[@]}" -X POST "$RM/ws/v1/cluster/apps/new-application?x=1$Q" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["application-id"])' 2>/dev/null)
if [[ -n "$app" ]]; then ok "RM new-application $app"; else bad "RM new-application"; fi
body=$(python3 - "$app" "$fsuri/user/$USER_NAME/smoke.txt" "$size" "$mtime" "$TOKEN" <<'EOF'
import json, sys
app, res, size, mtime, token = sys.argv[1:6]
spec = {
    "application-id": app, "application-name": "testcluster-smoke", "application-type": "SMOKE",
    "queue": "default", "max-app-attempts": 1,
    "resource": {"memory": 128, "vCores": 1},
    "am-container-spec": {
        "local-resources": {"entry": [{"key": "smoke.txt", "value": {
            "resource": res, "type": "FILE", "visibility": "APPLICATION",
            "size": int(size), "timestamp": int(mtime)}}]},
        "commands": {"command": "{ echo SMOKE-BEGIN; cat smoke.txt; echo SMOKE-END; } 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"},
    },
}
if token:
    spec["am-container-spec"]["credentials"] = {"tokens": {"entry": [{"key": "hdfs-dt", "value": token}]}}
print(json.dumps(spec))
EOF
)
code=$("${CURL[@]}" "${AUTH[@]}" -X POST -H 'Content-Type: application/json' -d "$body" -o /dev/null \
  -w '%{http_code}' "$RM/ws/v1/cluster/apps?x=1$Q")
check "RM submit application" 202 "$code"
state=""
for _ in $(seq 1 60); do
  state=$("${CURL[@]}" "${AUTH[@]}" "$RM/ws/v1/cluster/apps/$app/state?x=1$Q" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])' 2>/dev/null)
  [[ "$state" == FINISHED || "$state" == FAILED || "$state" == KILLED ]] && break
  sleep 1
done
if [[ "$state" == FINISHED || "$state" == FAILED ]]; then ok "application ended ($state)"; else bad "application state $state after 60 s"; fi
stdout=$(cat "$NM_LOG_DIRS"/"$app"/container_*/stdout 2>/dev/null)
if grep -qF "$payload" <<<"$stdout"; then
  ok "container localized smoke.txt from HDFS and printed it"
else
  bad "container stdout: ${stdout:-<none>}; diagnostics: $("${CURL[@]}" "${AUTH[@]}" "$RM/ws/v1/cluster/apps/$app?x=1$Q" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["app"]["diagnostics"][:600])' 2>/dev/null)"
fi

[[ "$SECURE" == "True" ]] && kdestroy >/dev/null 2>&1
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
