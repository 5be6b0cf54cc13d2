#!/usr/bin/env bash
# `fedcred azure` (issue 22.9): the Entra token's cache hit vs a trivial C program that exits 0,
# side by side (interleaved) in one run, from a GCE-like machine (the metadata stand-in's ID
# token is the client assertion; the Entra stand-in, https with a test CA, exchanges it). The
# hit is the static front's (issue 15): checked to map no shared object at all before timing.
# Goal, as for `aws` (bench/cache_hit.sh): median <= 1.3x. `fedcred aws`'s hit runs in the same
# interleaved run as the reference. Then the cold exchange (--no-cache: the metadata server's ID
# token, then Entra) vs @azure/identity's own path, WorkloadIdentityCredential reading a token
# file fedcred wrote (tests/e2e/azure_node/get_token.js; npm ci --prefix tests/e2e/azure_node). stderr goes to /dev/null (spawnbench -q): this machine may
# have no /dev/log, and the audit line's fallback to a terminal would be timed instead.
#
#   bench/azure.sh         RUNS=500 WARMUP=20 COLD_RUNS=20 by default
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${RUNS:-500}
WARMUP=${WARMUP:-20}
COLD_RUNS=${COLD_RUNS:-20}
CLIENT_ID=0a0a0a0a-1111-4222-8333-0000000000c1
SCOPE=https://storage.azure.com/.default

machine_info
build_spawnbench
build_empty
setup_sandbox
start_metadata
start_fake_sts
start_entra "$CLIENT_ID"

HIT=("$FEDCRED_BIN" azure --tenant-id "$TENANT" --client-id "$CLIENT_ID" --scope "$SCOPE")
"${HIT[@]}" >/dev/null || die "the first (cold) exchange failed: $(cat "$WORK/entra.log" | tail -3)"
"${HIT[@]}" -v 2>"$WORK/hit.log" >/dev/null || die "the cache hit failed"
grep -q "cache hit" "$WORK/hit.log" || die "the second run was not a cache hit: $(cat "$WORK/hit.log")"
LD_DEBUG=files "${HIT[@]}" 2>"$WORK/ld.log" >/dev/null
if grep -Eq 'file=(libcurl|libssl|libcrypto|libexpat)' "$WORK/ld.log"; then
  echo "NOTE: the hit path loaded a network library:"; grep -E 'file=lib(curl|ssl|crypto|expat)' "$WORK/ld.log" | head -3
fi
echo "hit path: $(grep -c 'generating link map' "$WORK/ld.log" || true) shared objects mapped (LD_DEBUG=files; 0: the static front)"

before=$(entra token_requests)
echo
echo "spawnbench: $RUNS interleaved runs each (+$WARMUP warm-up), posix_spawn + wait4, stdout to /dev/null"
AWS_HIT=("$FEDCRED_BIN" aws --role-arn "$ROLE_ARN")
"${AWS_HIT[@]}" >/dev/null || die "the aws reference's first fetch failed"
out=$("$WORK/spawnbench" -q -n "$RUNS" -w "$WARMUP" -- empty-c "$WORK/empty" ';' azure-hit "${HIT[@]}" \
      ';' aws-hit "${AWS_HIT[@]}")
[ "$before" = "$(entra token_requests)" ] || die "Entra was called during the benchmark: not all hits"
printf '%-16s %10s %10s %10s %10s %12s\n' command median_ms p10_ms p90_ms mean_ms maxrss_KiB
while IFS= read -r line; do
  printf '%-16s %10s %10s %10s %10s %12s\n' "$(cut -f1 <<<"$line")" "$(stat_of "$line" median_ms)" \
    "$(stat_of "$line" p10_ms)" "$(stat_of "$line" p90_ms)" "$(stat_of "$line" mean_ms)" "$(stat_of "$line" maxrss_kib)"
done <<<"$out"
e=$(grep '^empty-c' <<<"$out"); h=$(grep '^azure-hit' <<<"$out")
echo
echo "RESULT azure cache hit / empty C program, median wall time: $(ratio "$(stat_of "$h" median_ms)" "$(stat_of "$e" median_ms)")x (goal <= 1.3)"
a=$(grep '^aws-hit' <<<"$out")
echo "RESULT aws cache hit / empty C program (reference, same run): $(ratio "$(stat_of "$a" median_ms)" "$(stat_of "$e" median_ms)")x"
echo "RESULT azure cache hit peak RSS: $(stat_of "$h" maxrss_kib) KiB (highest of $RUNS runs)"

NODE_SCRIPT="$REPO/tests/e2e/azure_node/get_token.js"
if ! command -v node >/dev/null || [ ! -d "$REPO/tests/e2e/azure_node/node_modules/@azure/identity" ]; then
  echo "SKIP cold comparison: node or @azure/identity missing (npm ci --prefix tests/e2e/azure_node)"
  exit 0
fi
"$FEDCRED_BIN" token --audience api://AzureADTokenExchange --no-cache --output "$WORK/assertion.jwt" \
  || die "fedcred token could not write the assertion file"
ENVCMD=$(command -v env)
COLD=("$FEDCRED_BIN" azure --no-cache --tenant-id "$TENANT" --client-id "$CLIENT_ID" --scope "$SCOPE")
NODE=("$ENVCMD" NODE_EXTRA_CA_CERTS="$CURL_CA_BUNDLE" AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT_ID"
      AZURE_FEDERATED_TOKEN_FILE="$WORK/assertion.jwt" "$(command -v node)" "$NODE_SCRIPT" workload "$SCOPE")
"${NODE[@]}" >"$WORK/node.json" 2>&1 || die "@azure/identity failed: $(cat "$WORK/node.json")"
before=$(entra token_requests)
echo
echo "2. cold exchange: spawnbench, $COLD_RUNS interleaved runs each (+2 warm-up)"
out=$("$WORK/spawnbench" -q -n "$COLD_RUNS" -w 2 -- fedcred-cold "${COLD[@]}" ';' azure-identity-node "${NODE[@]}")
calls=$(( $(entra token_requests) - before ))
[ "$calls" -eq $(( 2 * (COLD_RUNS + 2) )) ] || die "expected $(( 2 * (COLD_RUNS + 2) )) exchanges, saw $calls"
print_stats "$out"
c=$(grep '^fedcred-cold' <<<"$out"); n=$(grep '^azure-identity-node' <<<"$out")
echo "RESULT azure cold exchange (metadata ID token + Entra) / @azure/identity WorkloadIdentityCredential (token file + Entra), median: $(ratio "$(stat_of "$c" median_ms)" "$(stat_of "$n" median_ms)")x"
