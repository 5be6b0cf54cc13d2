#!/usr/bin/env bash
# Cold fetch (--no-cache) against the loopback stand-ins (metadata server issuing RS256 ID
# tokens, fake STS verifying them), vs the seed's own GCP -> AWS script (bench/seed/gcp_to_aws.py:
# google.auth.default(), google.oauth2.id_token.fetch_id_token, boto3
# sts.assume_role_with_web_identity; issue 24.3) against the same stand-ins. Interleaved, side
# by side in one run. Issue 3 expectation: well over 30x.
#
#   bench/cold_fetch.sh           RUNS=40 WARMUP=3 by default
#
# google-auth and requests come from gcloud's bundle (GOOGLE_AUTH_PATH, default
# /usr/lib/google-cloud-sdk/lib/third_party); boto3 from $PYTHON.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${RUNS:-40}
WARMUP=${WARMUP:-3}

machine_info
build_spawnbench
setup_sandbox
start_metadata
start_fake_sts

GOOGLE_AUTH_PATH=${GOOGLE_AUTH_PATH:-/usr/lib/google-cloud-sdk/lib/third_party}
[ -f "$GOOGLE_AUTH_PATH/google/auth/version.py" ] ||
  die "no google-auth in $GOOGLE_AUTH_PATH (install gcloud, or set GOOGLE_AUTH_PATH)"
# google-auth pings GCE_METADATA_IP before it uses GCE_METADATA_HOST (test_gcloud_metadata.py)
export GCE_METADATA_IP=$GCE_METADATA_HOST AWS_REGION=us-east-1

COLD=("$FEDCRED_BIN" aws --no-cache --role-arn "$ROLE_ARN")
SEED=(/usr/bin/env PYTHONPATH="$GOOGLE_AUTH_PATH" "$PYTHON" "$REPO/bench/seed/gcp_to_aws.py" "$ROLE_ARN")
for name in COLD SEED; do
  declare -n cmd=$name
  "${cmd[@]}" >"$WORK/out.json" 2>"$WORK/err.log" || die "$name failed: $(cat "$WORK/err.log")"
  "$PYTHON" -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["Version"] == 1 and d["SessionToken"]' \
      "$WORK/out.json" || die "$name printed no credentials"
done
echo "python: $("$PYTHON" --version 2>&1), boto3 $("$PYTHON" -c 'import boto3; print(boto3.__version__)'), google-auth $(PYTHONPATH="$GOOGLE_AUTH_PATH" "$PYTHON" -c 'import google.auth; print(google.auth.__version__)')"
before=$(curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])')

echo
echo "spawnbench: $RUNS interleaved runs each (+$WARMUP warm-up)"
out=$("$WORK/spawnbench" -n "$RUNS" -w "$WARMUP" -- fedcred-cold "${COLD[@]}" ';' seed-python "${SEED[@]}")
after=$(curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])')
expected=$(( before + 2 * (RUNS + WARMUP) ))
[ "$after" = "$expected" ] || die "expected $expected STS calls, saw $after"

printf '%-14s %10s %10s %10s %10s %12s\n' command median_ms p10_ms p90_ms mean_ms maxrss_KiB
while IFS= read -r line; do
  printf '%-14s %10s %10s %10s %10s %12s\n' "$(cut -f1 <<<"$line")" "$(stat_of "$line" median_ms)" \
    "$(stat_of "$line" p10_ms)" "$(stat_of "$line" p90_ms)" "$(stat_of "$line" mean_ms)" \
    "$(stat_of "$line" maxrss_kib)"
done <<<"$out"
f=$(grep '^fedcred-cold' <<<"$out")
p=$(grep '^seed-python' <<<"$out")
# What the stand-ins themselves cost per fetch (token signing, verification, XML, loopback HTTP),
# from one warm in-process client: both commands pay it, so it is also shown subtracted.
floor=$("$PYTHON" - "$ROLE_ARN" <<'PY'
import http.client, os, statistics, sys, time, urllib.parse
md, sts = os.environ["GCE_METADATA_HOST"], os.environ["AWS_ENDPOINT_URL_STS"].split("//", 1)[1]
times = []
for _ in range(60):
    t0 = time.perf_counter()
    c = http.client.HTTPConnection(md)
    c.request("GET", "/computeMetadata/v1/instance/service-accounts/default/identity"
              "?audience=sts.amazonaws.com&format=full", headers={"Metadata-Flavor": "Google"})
    token = c.getresponse().read().decode()
    c.close()
    c = http.client.HTTPConnection(sts)
    c.request("POST", "/", body=urllib.parse.urlencode({
        "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": sys.argv[1],
        "RoleSessionName": "floor", "WebIdentityToken": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    c.getresponse().read()
    c.close()
    times.append(time.perf_counter() - t0)
print("%.3f" % (statistics.median(times) * 1e3))
PY
)
fm=$(stat_of "$f" median_ms); pm=$(stat_of "$p" median_ms)
echo
echo "stand-in service time per fetch (metadata token + STS exchange, warm client): ${floor} ms"
echo "RESULT seed gcp_to_aws.py (google-auth + boto3) / fedcred cold fetch, median wall time: $(ratio "$pm" "$fm")x (expected well over 30x)"
echo "RESULT same, stand-in service time subtracted from both: $(awk -v p="$pm" -v f="$fm" -v s="$floor" 'BEGIN { printf "%.2f", (p - s) / (f - s) }')x"
echo "RESULT peak RSS: fedcred $(stat_of "$f" maxrss_kib) KiB, seed gcp_to_aws.py $(stat_of "$p" maxrss_kib) KiB"
