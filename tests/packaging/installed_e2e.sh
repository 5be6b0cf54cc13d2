#!/usr/bin/env bash
# The installed /usr/bin/fedcred (from the .debs), once through the AWS CLI
# end-to-end path, against the stand-ins on 127.0.0.1: the GCE metadata
# stand-in (tests/standins/gce_metadata.py) and moto_server for STS (or the
# fake STS stand-in when moto is missing). TAP, one point per check.
#   tests/packaging/installed_e2e.sh [FEDCRED]   (default /usr/bin/fedcred)
set -u
cd "$(dirname "$0")/../.."
FEDCRED=${1:-/usr/bin/fedcred}
ROLE_ARN=arn:aws:iam::123456789012:role/s3-reader
VM=packaging-check-vm
export PYTHONDONTWRITEBYTECODE=1
echo "1..8"
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
bail() { not_ok "$1"; while [ $n -lt 8 ]; do not_ok "skipped: $1"; done; exit 1; }

work=$(mktemp -d /tmp/fedcred-installed.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
wait_for_file() {
  for _ in $(seq 150); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

want=$(meson introspect --projectinfo meson.build | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
got=$("$FEDCRED" version 2>&1)
[ "$got" = "fedcred $want" ] && ok "$FEDCRED version: $got" || bail "$FEDCRED version printed '$got', want 'fedcred $want'"

python3 tests/standins/gce_metadata.py --port-file "$work/md.port" --pubkey-file "$work/key.pem" \
  --instance-name "$VM" >"$work/md.log" 2>&1 &
pids+=($!)
wait_for_file "$work/md.port" "$!" || bail "the metadata stand-in did not start: $(tail -3 "$work/md.log")"
if python3 -c 'import moto.server' 2>/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/sts.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 150); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || bail "moto_server did not start: $(tail -3 "$work/sts.log")"
    sleep 0.2
  done
  sts=moto_server
else
  python3 tests/standins/fake_sts.py --port-file "$work/sts.port" --pubkey-file "$work/key.pem" \
    >"$work/sts.log" 2>&1 &
  pids+=($!)
  wait_for_file "$work/sts.port" "$!" || bail "the fake STS did not start: $(tail -3 "$work/sts.log")"
  port=$(cat "$work/sts.port"); sts="fake STS"
fi

# A scrubbed environment: fedcred is the AWS CLI's only source of credentials,
# and the installed fedcred finds its installed modules (no FEDCRED_MODULE_DIR).
mkdir -p "$work/aws" "$work/home" && : >"$work/aws/credentials" && : >"$work/fedcred.conf"
mkdir -m 700 "$work/cache"
cat >"$work/aws/config" <<CONFIG
[profile gce-to-aws]
credential_process = $FEDCRED aws --role-arn $ROLE_ARN --timeout 10
region = us-east-1
output = json
CONFIG
# The python3 that has awscli (this machine kind ships its own python3 first in PATH).
PY=$(python3 -c "import sys; print(sys.executable)")
run_env=(env -i PATH="$(dirname "$PY"):/usr/bin:/bin" HOME="$work/home" LANG=C.UTF-8
  GCE_METADATA_HOST="127.0.0.1:$(cat "$work/md.port")" AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port"
  AWS_CONFIG_FILE="$work/aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/aws/credentials"
  AWS_EC2_METADATA_DISABLED=true AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
  AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
  FEDCRED_CONFIG="$work/fedcred.conf" FEDCRED_CACHE_DIR="$work/cache")

want_arn="arn:aws:sts::123456789012:assumed-role/s3-reader/$VM"
for attempt in first second; do
  out=$("${run_env[@]}" "$PY" -m awscli sts get-caller-identity --profile gce-to-aws 2>"$work/cli.err")
  rc=$?
  arn=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Arn"])' 2>/dev/null)
  if [ $rc -eq 0 ] && [ "$arn" = "$want_arn" ]; then
    ok "aws sts get-caller-identity ($attempt run, $sts): $arn"
  else
    not_ok "aws sts get-caller-identity ($attempt run): exit $rc, Arn '$arn', want '$want_arn'"
    sed 's/^/# /' "$work/cli.err" | tail -5
  fi
done

entries=$("${run_env[@]}" "$FEDCRED" cache list 2>&1 | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))' 2>/dev/null)
[ "$entries" = 1 ] && ok "fedcred cache list: 1 cached entry after two runs" \
  || not_ok "fedcred cache list: want 1 entry, got '${entries:-no JSON}'"

# What fedcred-token@.service runs (its ExecStart, for instance "demo" and a
# scratch run directory), as the fixed user the package created (12.16).
unit=${FEDCRED_UNIT_DIR:-/lib/systemd/system}/fedcred-token@.service
unit_user=$(sed -n 's/^User=//p' "$unit" 2>/dev/null)
if [ -n "$unit_user" ] && ! grep -q '^DynamicUser=yes' "$unit" && getent passwd "$unit_user" >/dev/null \
   && getent group "$unit_user" >/dev/null; then
  ok "fedcred-token@.service runs as $unit_user, a system user and group the package created"
else
  not_ok "fedcred-token@.service: User='${unit_user:-none}' (DynamicUser? $(grep -c '^DynamicUser=yes' "$unit" 2>/dev/null)); getent: $(getent passwd "${unit_user:-none}")"
fi
printf '[profile demo]\nsource = gce\n' >"$work/fedcred.conf"
mkdir -p "$work/run/demo"
read -r -a exec_start <<<"$(sed -n 's/^ExecStart=//p' "$unit" | sed "s|/run/fedcred/%i|$work/run/demo|g; s|%i|demo|g")"
exec_start[0]=$FEDCRED
"${run_env[@]}" "${exec_start[@]}" >"$work/token.out" 2>"$work/token.err"
rc=$?
mode=$(stat -c %a "$work/run/demo/token" 2>/dev/null)
group=$(stat -c %G "$work/run/demo/token" 2>/dev/null)
parts=$(tr -cd . <"$work/run/demo/token" 2>/dev/null | wc -c)
if [ $rc -eq 0 ] && [ "$mode" = 640 ] && [ "$group" = "$unit_user" ] && [ "$parts" = 2 ] && [ ! -s "$work/token.out" ]; then
  ok "fedcred-token@demo's ExecStart: a JWT, mode 0640, group $group, nothing on stdout"
else
  not_ok "fedcred-token@demo's ExecStart (${exec_start[*]:1}): exit $rc, mode '${mode:-none}', group '${group:-none}', dots $parts"
  sed 's/^/# /' "$work/token.out" "$work/token.err"
fi

# The package is built without test hooks (issue 12, item 15): FEDCRED_SYSLOG_SOCKET cannot send
# the audit trail elsewhere (the line goes to /dev/log, or to stderr when no syslog listens).
printf '[default]\nsource = gce\n' >"$work/fedcred.conf"
python3 - "$work/diverted.sock" "${run_env[@]}" FEDCRED_SYSLOG_SOCKET="$work/diverted.sock" "$FEDCRED" token --no-cache \
  >"$work/diverted.out" 2>&1 <<'PY'
import socket, subprocess, sys
sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sink.bind(sys.argv[1])
sink.settimeout(1.0)
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
try:
    print("diverted:", sink.recv(65536).decode())
    sys.exit(1)
except socket.timeout:
    sys.exit(rc)
PY
rc=$?
if [ $rc -eq 0 ]; then
  ok "FEDCRED_SYSLOG_SOCKET is ignored: the audit line did not go to the named socket"
else
  not_ok "FEDCRED_SYSLOG_SOCKET diverted the audit trail, or fedcred token failed (exit $rc)"; sed 's/^/# /' "$work/diverted.out"
fi

# No build-tree path leaked into the installed binary or library.
if ! grep -q -a "$(pwd)" "$FEDCRED" "$(dirname "$(readlink -f "$FEDCRED")")/../lib/"*/libfedcred.so.1 2>/dev/null \
   && ! objdump -p "$FEDCRED" 2>/dev/null | grep -q 'RUNPATH\|RPATH'; then
  ok "the installed binary has no RUNPATH and no build-tree path"
else
  not_ok "the installed binary carries a RUNPATH or a build-tree path"
fi
exit $((failed > 0))
