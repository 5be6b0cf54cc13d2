# shellcheck shell=bash
# Shared setup for the bench scripts (sourced, not run). Everything lives in a private temp
# directory removed on exit; stand-ins listen on free loopback ports.
#
# Environment knobs:
#   FEDCRED_BIN          binary under test (default: <repo>/build/helper/fedcred)
#   FEDCRED_MODULE_DIR   passed through (a copied build tree needs it)
#   RUNS, WARMUP         per-script defaults, see each script
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FEDCRED_BIN=${FEDCRED_BIN:-$REPO/build/helper/fedcred}
ROLE_ARN=${ROLE_ARN:-arn:aws:iam::123456789012:role/s3-reader}
# The real interpreter, not a pyenv shim (a shim is a shell script: ~50 ms of its own).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
WORK=$(mktemp -d /tmp/fedcred-bench.XXXXXX)
BG_PIDS=()

cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$FEDCRED_BIN" ] || die "no fedcred binary at $FEDCRED_BIN (ninja -C build, or set FEDCRED_BIN)"

machine_info() {
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) CPU ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)), $(uname -sr), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "fedcred: $FEDCRED_BIN ($("$FEDCRED_BIN" version 2>/dev/null || echo '?'))"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average before the run)"
}

# spawnbench: interleaved posix_spawn runner with per-child wall time and peak RSS.
build_spawnbench() {
  cc -O2 -Wall -o "$WORK/spawnbench" "$REPO/bench/spawnbench.c"
}

# A trivial C program that exits 0: the floor a process start can reach here.
build_empty() {
  printf 'int main(void) { return 0; }\n' | cc -O2 -x c - -o "$WORK/empty"
}

# The same, linked against libstdc++ (what any C++ binary pays just to load its runtime).
build_empty_cxx() {
  printf '#include <string>\nint main(int argc, char** argv) { std::string s(argv[argc - 1]); return s.empty() ? 1 : 0; }\n' \
    | c++ -O2 -x c++ - -Wl,--no-as-needed -lstdc++ -o "$WORK/empty-cxx"
}

# A scrubbed environment and a private cache/config, as the integration tests use.
setup_sandbox() {
  mkdir -m 700 "$WORK/home" "$WORK/cache" "$WORK/xdg-config" "$WORK/xdg-cache" "$WORK/run"
  : > "$WORK/fedcred.conf"
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL \
        AWS_ENDPOINT_URL_STS HTTPS_PROXY HTTP_PROXY https_proxy http_proxy LD_DEBUG
  export HOME="$WORK/home" LC_ALL=C.UTF-8 LANG=C.UTF-8 TMPDIR="$WORK"
  export XDG_CONFIG_HOME="$WORK/xdg-config" XDG_CACHE_HOME="$WORK/xdg-cache" XDG_RUNTIME_DIR="$WORK/run"
  export FEDCRED_CONFIG="$WORK/fedcred.conf" FEDCRED_CACHE_DIR="$WORK/cache"
  export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
  export AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  : > "$AWS_SHARED_CREDENTIALS_FILE"
  : > "$AWS_CONFIG_FILE"
}

wait_file() {  # wait_file PATH PID WHAT
  local _
  for _ in $(seq 1 300); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || die "$3 exited before it was ready"
    sleep 0.1
  done
  die "$3 did not start"
}

# The GCE metadata stand-in (RS256 ID tokens): exports GCE_METADATA_HOST, MD_URL, MD_PEM.
start_metadata() {
  "$PYTHON" "$REPO/tests/standins/gce_metadata.py" --port-file "$WORK/md.port" \
      --pubkey-file "$WORK/md.pem" >/dev/null 2>"$WORK/md.log" &
  MD_PID=$!
  BG_PIDS+=($!)
  wait_file "$WORK/md.port" $! "the metadata stand-in"
  local port
  port=$(cat "$WORK/md.port")
  MD_URL="http://127.0.0.1:$port"
  MD_PEM="$WORK/md.pem"
  export MD_URL GCE_METADATA_HOST="127.0.0.1:$port"
}

# The fake STS, verifying the stand-in's tokens: exports AWS_ENDPOINT_URL_STS, STS_URL.
start_fake_sts() {
  "$PYTHON" "$REPO/tests/standins/fake_sts.py" --port-file "$WORK/sts.port" \
      --pubkey-file "$MD_PEM" >/dev/null 2>"$WORK/sts.log" &
  BG_PIDS+=($!)
  wait_file "$WORK/sts.port" $! "the fake STS"
  STS_URL="http://127.0.0.1:$(cat "$WORK/sts.port")"
  export AWS_ENDPOINT_URL_STS="$STS_URL"
}

# A loopback port free at the time of asking.
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# `fedcred serve` for the AWS route of profile "bench" (ROLE_ARN) on a free loopback port, as
# the systemd unit runs it, once /healthz answers: exports SERVE_PORT, SERVE_PID and the token
# file $WORK/token. Needs setup_sandbox, start_metadata and start_fake_sts first.
# `start_serve ARGS...` passes ARGS on to serve; $SERVE_PROFILES is added to the configuration.
start_serve() {
  printf '[profile bench]\nrole_arn = %s\n%s' "$ROLE_ARN" "${SERVE_PROFILES:-}" > "$FEDCRED_CONFIG"
  SERVE_PORT=$(free_port)
  "$FEDCRED_BIN" serve --listen "127.0.0.1:$SERVE_PORT" --aws-profile bench --token-file "$WORK/token" "$@" \
      >/dev/null 2>"$WORK/serve.log" &
  SERVE_PID=$!
  BG_PIDS+=("$SERVE_PID")
  local _
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$SERVE_PORT/healthz" >/dev/null && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || die "fedcred serve exited: $(cat "$WORK/serve.log")"
    sleep 0.1
  done
  die "fedcred serve did not answer /healthz (see $WORK/serve.log)"
}

# The Entra stand-in (https, a test CA) with one application CLIENT_ID federating the metadata
# stand-in's service account: exports ENTRA_URL, TENANT, AZURE_AUTHORITY_HOST and
# CURL_CA_BUNDLE (the test CA only), and `entra KEY` prints a field of its /_stats. Needs
# start_metadata first.
start_entra() {  # start_entra CLIENT_ID
  local sa_id
  sa_id=$(curl -s -H 'Metadata-Flavor: Google' "$MD_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["identity"]["sa_id"])')
  "$PYTHON" "$REPO/tests/standins/fake_entra.py" --tls-dir "$WORK/tls" --port-file "$WORK/entra.port" \
      --issuer "https://accounts.google.com=$MD_URL/.well-known/jwks" \
      --app "$1=https://accounts.google.com|$sa_id" >/dev/null 2>"$WORK/entra.log" &
  BG_PIDS+=($!)
  wait_file "$WORK/entra.port" $! "the Entra stand-in"
  ENTRA_URL="https://127.0.0.1:$(cat "$WORK/entra.port")"
  # the test CA only (AWS_CA_BUNDLE, read first, would name another)
  unset AWS_CA_BUNDLE
  export AZURE_AUTHORITY_HOST="$ENTRA_URL" CURL_CA_BUNDLE="$WORK/tls/ca.pem"
  TENANT=$(entra tenant_id)
}
entra() { curl -s --cacert "$CURL_CA_BUNDLE" "$ENTRA_URL/_stats" | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }

# moto_server: exports MOTO_URL.
start_moto() {
  local port
  port=$(free_port)
  (unset AWS_ENDPOINT_URL_STS; exec "$PYTHON" -m moto.server -H 127.0.0.1 -p "$port") \
      >"$WORK/moto.log" 2>&1 &
  BG_PIDS+=($!)
  MOTO_URL="http://127.0.0.1:$port"
  local _
  for _ in $(seq 1 300); do
    "$PYTHON" - "$MOTO_URL" <<'PY' && return 0
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1).read()
except Exception:
    sys.exit(1)
PY
    sleep 0.2
  done
  die "moto_server did not start (see $WORK/moto.log)"
}

# print_stats OUT: spawnbench's lines as a table, one command a row.
print_stats() {
  local line
  printf '%-20s %10s %10s %10s %10s %12s\n' command median_ms p10_ms p90_ms mean_ms maxrss_KiB
  while IFS= read -r line; do
    printf '%-20s %10s %10s %10s %10s %12s\n' "$(cut -f1 <<<"$line")" "$(stat_of "$line" median_ms)" \
      "$(stat_of "$line" p10_ms)" "$(stat_of "$line" p90_ms)" "$(stat_of "$line" mean_ms)" "$(stat_of "$line" maxrss_kib)"
  done <<<"$1"
}

# stat_of LINE KEY: one field of a spawnbench output line.
stat_of() { tr '\t' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# ratio A B: A / B with 2 decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
