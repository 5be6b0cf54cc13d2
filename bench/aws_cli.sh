#!/usr/bin/env bash
# `aws sts get-caller-identity` against moto_server, with credential_process = fedcred (every
# run a cache hit) vs the same command with static environment credentials. Interleaved, side
# by side in one run. Issue 3 expectation: fedcred is lost in the AWS CLI's own start-up noise.
#
#   bench/aws_cli.sh              RUNS=20 WARMUP=2 by default
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-2}

machine_info
build_spawnbench
setup_sandbox
start_metadata
start_moto

# The real aws entry point, not a pyenv shim.
AWS=$(command -v aws)
if command -v pyenv >/dev/null && [[ "$AWS" == */shims/* ]]; then AWS=$(pyenv which aws); fi
echo "aws:     $AWS ($("$AWS" --version 2>&1))"

# fedcred fetches once from moto's STS (moto does not check the token), then serves hits.
AWS_ENDPOINT_URL_STS="$MOTO_URL" "$FEDCRED_BIN" aws --role-arn "$ROLE_ARN" >/dev/null \
    || die "fedcred could not fetch from moto"
cat >"$AWS_CONFIG_FILE" <<CFG
[profile fedcred]
credential_process = $FEDCRED_BIN aws --role-arn $ROLE_ARN
region = us-east-1
CFG
ENVCMD=$(command -v env)
VIA_FEDCRED=("$ENVCMD" AWS_PROFILE=fedcred AWS_ENDPOINT_URL="$MOTO_URL" AWS_ENDPOINT_URL_STS="$MOTO_URL" "$AWS" sts get-caller-identity)
VIA_STATIC=("$ENVCMD" AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
            AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            AWS_ENDPOINT_URL="$MOTO_URL" "$AWS" sts get-caller-identity)
"${VIA_FEDCRED[@]}" >"$WORK/id.json" 2>"$WORK/err.log" || die "aws via fedcred failed: $(cat "$WORK/err.log")"
grep -q assumed-role "$WORK/id.json" || die "aws did not use fedcred's credentials: $(cat "$WORK/id.json")"
echo "via fedcred: $("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Arn"])' "$WORK/id.json")"
"${VIA_STATIC[@]}" >"$WORK/id2.json" 2>"$WORK/err.log" || die "aws with static credentials failed: $(cat "$WORK/err.log")"
tokens_before=$(curl -s "$MD_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["identity_requests"])')

echo
echo "spawnbench: $RUNS interleaved runs each (+$WARMUP warm-up)"
out=$("$WORK/spawnbench" -n "$RUNS" -w "$WARMUP" -- aws-fedcred-hit "${VIA_FEDCRED[@]}" ';' \
      aws-static-env "${VIA_STATIC[@]}")
tokens_after=$(curl -s "$MD_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["identity_requests"])')
[ "$tokens_before" = "$tokens_after" ] || die "fedcred fetched during the benchmark: not all hits"

printf '%-16s %10s %10s %10s %10s\n' command median_ms p10_ms p90_ms mean_ms
while IFS= read -r line; do
  printf '%-16s %10s %10s %10s %10s\n' "$(cut -f1 <<<"$line")" "$(stat_of "$line" median_ms)" \
    "$(stat_of "$line" p10_ms)" "$(stat_of "$line" p90_ms)" "$(stat_of "$line" mean_ms)"
done <<<"$out"
f=$(grep '^aws-fedcred-hit' <<<"$out")
s=$(grep '^aws-static-env' <<<"$out")
echo
echo "RESULT aws via credential_process=fedcred (hit) / aws with static env credentials, median: $(ratio "$(stat_of "$f" median_ms)" "$(stat_of "$s" median_ms)")x"
echo "RESULT difference of medians: $(awk -v a="$(stat_of "$f" median_ms)" -v b="$(stat_of "$s" median_ms)" 'BEGIN{printf "%+.1f", a-b}') ms; spread (p90-p10) of the static runs: $(awk -v a="$(stat_of "$s" p90_ms)" -v b="$(stat_of "$s" p10_ms)" 'BEGIN{printf "%.1f", a-b}') ms"
