#!/usr/bin/env bash
# valgrind over the helper's cold path (against the stand-ins) and its cache-hit path, plus the
# gcp cold path and two failure paths. TAP on stdout (one point per run); each run is
#   valgrind --leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite
# so a memory error or a definitely lost block fails its point (exit 99). Logs are kept in
# $BUILD_DIR/valgrind-logs/. Suppressions: tests/valgrind/fedcred.supp (each one justified
# there); none are needed today.
#   BUILD_DIR=build tests/valgrind/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
build=${BUILD_DIR:-build}
# With the static front (meson option static_front, issue 15), build/helper/fedcred is a static
# program that serves hits and execs helper/fedcred-fetch for the rest: memcheck cannot replace
# a static program's malloc, and --trace-children=no would leave the exec'd fetcher unchecked.
# So every point runs the fetcher, the dynamic helper built from the same code (its hit path
# is the front's: cache/fetch.cc, the same rendering and audit line).
bin=$repo/$build/helper/fedcred-fetch
[ -x "$bin" ] || bin=$repo/$build/helper/fedcred
supp=$repo/tests/valgrind/fedcred.supp
logs=$repo/$build/valgrind-logs

if ! command -v valgrind >/dev/null; then echo "1..0 # SKIP valgrind not installed"; exit 0; fi
if [ ! -x "$bin" ]; then echo "1..1"; echo "not ok 1 - $bin not built"; exit 1; fi
rm -rf "$logs"; mkdir -p "$logs"

work=$(mktemp -d "${TMPDIR:-/tmp}/fedcred-valgrind-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- stand-ins, as processes, each on a free port it reports in a file ---
standins=$repo/tests/standins
start() {  # name script args...
  local name=$1; shift
  python3 "$standins/$1" --port 0 --port-file "$work/$name.port" "${@:2}" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
start md gce_metadata.py --pubkey-file "$work/md.pem"
for _ in $(seq 100); do [ -s "$work/md.port" ] && [ -s "$work/md.pem" ] && break; sleep 0.1; done
start sts fake_sts.py --pubkey-file "$work/md.pem"
start imds fake_imds.py
for _ in $(seq 100); do [ -s "$work/sts.port" ] && [ -s "$work/imds.port" ] && break; sleep 0.1; done
# the outbound STS must know the IMDS stand-in's credentials to check their signatures
python3 - "$work/imds.creds.json" <<'PY'
import json, sys
sys.path.insert(0, "tests/standins")
import fake_imds
c = fake_imds.DEFAULT_CREDENTIALS
json.dump({c["AccessKeyId"]: [c["SecretAccessKey"], c["Token"]]}, open(sys.argv[1], "w"))
PY
start osts fake_sts_outbound.py --credentials-json "$work/imds.creds.json"
for _ in $(seq 100); do [ -s "$work/osts.port" ] && break; sleep 0.1; done
for f in md sts imds osts; do
  if [ ! -s "$work/$f.port" ]; then
    echo "1..1"; echo "not ok 1 - stand-in $f did not start"; sed 's/^/# /' "$work/$f.log"; exit 1
  fi
done
md_host=127.0.0.1:$(cat "$work/md.port")
sts_url=http://127.0.0.1:$(cat "$work/sts.port")
imds_url=http://127.0.0.1:$(cat "$work/imds.port")
osts_url=http://127.0.0.1:$(cat "$work/osts.port")

mkdir -m 0700 "$work/home" "$work/cache"
: >"$work/fedcred.conf"
base_env=(env -i PATH=/usr/bin:/bin HOME="$work/home" TMPDIR="$work" LANG=C.UTF-8
  FEDCRED_CONFIG="$work/fedcred.conf" FEDCRED_CACHE_DIR="$work/cache"
  GCE_METADATA_HOST="$md_host" AWS_ENDPOINT_URL_STS="$sts_url")
gcp_env=(AWS_EC2_METADATA_SERVICE_ENDPOINT="$imds_url" AWS_ENDPOINT_URL_STS="$osts_url"
  GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/aws)
vg=(valgrind --leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --track-origins=yes --num-callers=30 --trace-children=no)
[ -f "$supp" ] && vg+=(--suppressions="$supp")
role=arn:aws:iam::123456789012:role/s3-reader

n=0; failed=0
echo "1..7"
# name expected-exit env... -- args...
point() {
  local name=$1 want=$2; shift 2
  n=$((n + 1))
  local log="$logs/$n-${name// /_}.log"
  "${base_env[@]}" "$@" >"$work/out" 2>"$work/err" &
  wait $!
  local rc=$?
  # valgrind's own report goes to --log-file; the command's stderr stays separate
  if [ "$rc" -eq "$want" ]; then
    echo "ok $n - $name (exit $rc)"
  else
    failed=$((failed + 1))
    echo "not ok $n - $name: exit $rc, expected $want"
    sed 's/^/# /' "$work/err" | head -20
    grep -E 'definitely lost|Invalid|uninitialised|ERROR SUMMARY' "$log" 2>/dev/null | sed 's/^/# /' | head -20
  fi
}
run() {  # name expected-exit [VAR=value...] -- fedcred args...
  local name=$1 want=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  local log="$logs/$((n + 1))-${name// /_}.log"
  point "$name" "$want" "${envs[@]}" "${vg[@]}" --log-file="$log" "$bin" "$@"
}

run "aws cold path (metadata + STS, cache write)" 0 -- aws --role-arn "$role" --timeout 30
run "aws hit path (served from cache)" 0 -- aws --role-arn "$role" --timeout 30
# the hit path must really have been a hit: still one STS call
calls=$(python3 -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/_stats"))["assume_calls"])' "$sts_url")
n=$((n + 1))
if [ "$calls" = 1 ]; then
  echo "ok $n - the hit path was served from the cache (one STS call in all)"
else
  failed=$((failed + 1))
  echo "not ok $n - the hit path called STS ($calls calls in all): not served from the cache"
fi
run "token cold path" 0 -- token --timeout 30 --no-cache
run "gcp cold path (IMDSv2 + GetWebIdentityToken)" 0 "${gcp_env[@]}" -- gcp --timeout 30
run "aws failure: metadata unreachable" 3 GCE_METADATA_HOST=127.0.0.1:1 -- aws --role-arn "$role" --no-cache --timeout 5
run "aws failure: usage error" 2 -- aws --role-arn not-an-arn
echo "# $((n - failed)) passed, $failed failed (logs: $logs)"
[ "$failed" -eq 0 ]
