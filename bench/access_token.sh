#!/usr/bin/env bash
# `fedcred access-token` with the seed's aws1 credential config (issue 13), two side-by-side
# (interleaved) comparisons in one run:
#  1. cache hit vs a trivial C program that exits 0 (goal, as for `aws`: median <= 2.0x, and
#     no libcurl/libssl/libcrypto mapped);
#  2. cold exchange (--no-cache: IMDSv2 -> signed GetCallerIdentity -> Google STS) vs
#     google-auth-library's own aws source (Node) obtaining a token with the same config from
#     the same stand-ins (npm ci --prefix tests/e2e/node first).
#
#   bench/access_token.sh         RUNS=300 WARMUP=10 COLD_RUNS=20 by default
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${RUNS:-300}
WARMUP=${WARMUP:-10}
COLD_RUNS=${COLD_RUNS:-20}
AUDIENCE=//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/aws

machine_info
build_spawnbench
build_empty
setup_sandbox
unset AWS_EC2_METADATA_DISABLED AWS_REGION AWS_DEFAULT_REGION  # the region and role come from IMDS

"$PYTHON" "$REPO/tests/standins/fake_imds.py" --port-file "$WORK/imds.port" >/dev/null 2>"$WORK/imds.log" &
BG_PIDS+=($!)
wait_file "$WORK/imds.port" $! "the IMDS stand-in"
IMDS_URL="http://127.0.0.1:$(cat "$WORK/imds.port")"
"$PYTHON" - "$REPO/tests/standins" "$WORK/signers.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import fake_imds
c = fake_imds.DEFAULT_CREDENTIALS
json.dump({c["AccessKeyId"]: [c["SecretAccessKey"], c["Token"]]}, open(sys.argv[2], "w"))
PY
"$PYTHON" "$REPO/tests/standins/fake_google_sts.py" --aws-credentials-json "$WORK/signers.json" \
    --port-file "$WORK/gsts.port" >/dev/null 2>"$WORK/gsts.log" &
BG_PIDS+=($!)
wait_file "$WORK/gsts.port" $! "the Google STS stand-in"
GSTS_URL="http://127.0.0.1:$(cat "$WORK/gsts.port")"
cat >"$WORK/aws1.json" <<JSON
{"type": "external_account", "audience": "$AUDIENCE",
 "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
 "token_url": "$GSTS_URL/v1/token",
 "credential_source": {"environment_id": "aws1",
   "region_url": "$IMDS_URL/latest/meta-data/placement/availability-zone",
   "url": "$IMDS_URL/latest/meta-data/iam/security-credentials",
   "regional_cred_verification_url": "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
   "imdsv2_session_token_url": "$IMDS_URL/latest/api/token"}}
JSON

token_ok() { curl -s "$GSTS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["token_ok"])'; }

HIT=("$FEDCRED_BIN" access-token --credential-config "$WORK/aws1.json")
"${HIT[@]}" >/dev/null || die "the first (cold) exchange failed"
"${HIT[@]}" -v 2>"$WORK/hit.log" >/dev/null || die "the cache hit failed"
grep -q "cache hit" "$WORK/hit.log" || die "the second run was not a cache hit: $(cat "$WORK/hit.log")"
LD_DEBUG=files "${HIT[@]}" 2>"$WORK/ld.log" >/dev/null
if grep -Eq 'file=(libcurl|libssl|libcrypto|libexpat)' "$WORK/ld.log"; then
  echo "NOTE: the hit path loaded a network library:"; grep -E 'file=lib(curl|ssl|crypto|expat)' "$WORK/ld.log" | head -3
fi
echo "hit path: $(grep -c 'generating link map' "$WORK/ld.log" || true) shared objects mapped (LD_DEBUG=files)"

before=$(token_ok)
echo
echo "1. cache hit: spawnbench, $RUNS interleaved runs each (+$WARMUP warm-up)"
out=$("$WORK/spawnbench" -n "$RUNS" -w "$WARMUP" -- empty-c "$WORK/empty" ';' access-token-hit "${HIT[@]}")
[ "$before" = "$(token_ok)" ] || die "Google STS was called during the hit benchmark"
print_stats "$out"
e=$(grep '^empty-c' <<<"$out"); h=$(grep '^access-token-hit' <<<"$out")
echo "RESULT access-token cache hit / empty C program, median: $(ratio "$(stat_of "$h" median_ms)" "$(stat_of "$e" median_ms)")x (goal <= 2.0)"

NODE_SCRIPT="$REPO/tests/e2e/node/aws_access_token.js"
if ! command -v node >/dev/null || [ ! -d "$REPO/tests/e2e/node/node_modules/google-auth-library" ]; then
  echo "SKIP cold comparison: node or google-auth-library missing (npm ci --prefix tests/e2e/node)"
  exit 0
fi
ENVCMD=$(command -v env)
COLD=("$FEDCRED_BIN" access-token --no-cache --credential-config "$WORK/aws1.json")
NODE=("$ENVCMD" E2E_CONFIG="$WORK/aws1.json" "$(command -v node)" "$NODE_SCRIPT")
"${NODE[@]}" >"$WORK/node.json" || die "google-auth-library failed: $(cat "$WORK/node.json")"
before=$(token_ok)
echo
echo "2. cold exchange: spawnbench, $COLD_RUNS interleaved runs each (+2 warm-up)"
out=$("$WORK/spawnbench" -n "$COLD_RUNS" -w 2 -- fedcred-cold "${COLD[@]}" ';' google-auth-node "${NODE[@]}")
calls=$(( $(token_ok) - before ))
[ "$calls" -eq $(( 2 * (COLD_RUNS + 2) )) ] || die "expected $(( 2 * (COLD_RUNS + 2) )) exchanges, saw $calls"
print_stats "$out"
c=$(grep '^fedcred-cold' <<<"$out"); n=$(grep '^google-auth-node' <<<"$out")
echo "RESULT access-token cold exchange / google-auth-library (Node) aws source, median: $(ratio "$(stat_of "$c" median_ms)" "$(stat_of "$n" median_ms)")x"
