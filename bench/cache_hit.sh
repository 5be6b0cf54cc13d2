#!/usr/bin/env bash
# Cache hit, whole process: `fedcred aws` served from the cache vs a trivial C program that
# exits 0, measured side by side (interleaved) in one run. Issue 3 goals: median ratio <= 2.0
# (aim 1.3), peak RSS <= 4 MiB. Also shows `fedcred version` (the binary's own start-up floor)
# and an empty C++ program (libstdc++ alone), which are not part of the ratio.
#
#   bench/cache_hit.sh            RUNS=500 WARMUP=20 by default
#   RUNS=1000 bench/cache_hit.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${RUNS:-500}
WARMUP=${WARMUP:-20}

machine_info
build_spawnbench
build_empty
build_empty_cxx
setup_sandbox
start_metadata
start_fake_sts

HIT=("$FEDCRED_BIN" aws --role-arn "$ROLE_ARN")
"${HIT[@]}" >/dev/null || die "the first (cold) fetch failed"
"${HIT[@]}" -v 2>"$WORK/hit.log" >/dev/null || die "the cache hit failed"
grep -q "cache hit" "$WORK/hit.log" || die "the second run was not a cache hit: $(cat "$WORK/hit.log")"
LD_DEBUG=files "${HIT[@]}" 2>"$WORK/ld.log" >/dev/null
if grep -Eq 'file=(libcurl|libssl|libcrypto|libexpat)' "$WORK/ld.log"; then
  echo "NOTE: the hit path loaded a network library:"; grep -E 'file=lib(curl|ssl|crypto|expat)' "$WORK/ld.log" | head -3
fi
objects=$(grep -c 'generating link map' "$WORK/ld.log" || true)
echo "hit path: $objects shared objects mapped (LD_DEBUG=files), no libcurl/libssl/libcrypto/libexpat"
calls_before=$(curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])')

echo
echo "spawnbench: $RUNS interleaved runs each (+$WARMUP warm-up), posix_spawn + wait4, stdout to /dev/null"
out=$("$WORK/spawnbench" -n "$RUNS" -w "$WARMUP" -- \
      empty-c "$WORK/empty" ';' \
      fedcred-hit "${HIT[@]}" ';' \
      fedcred-version "$FEDCRED_BIN" version ';' \
      empty-cxx "$WORK/empty-cxx" x)
calls_after=$(curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])')
[ "$calls_before" = "$calls_after" ] || die "STS was called during the benchmark: not all hits"

printf '%-16s %10s %10s %10s %10s %12s\n' command median_ms p10_ms p90_ms mean_ms maxrss_KiB
while IFS= read -r line; do
  printf '%-16s %10s %10s %10s %10s %12s\n' "$(cut -f1 <<<"$line")" "$(stat_of "$line" median_ms)" \
    "$(stat_of "$line" p10_ms)" "$(stat_of "$line" p90_ms)" "$(stat_of "$line" mean_ms)" \
    "$(stat_of "$line" maxrss_kib)"
done <<<"$out"
empty=$(grep '^empty-c' <<<"$out")
hit=$(grep '^fedcred-hit' <<<"$out")
cxx=$(grep '^empty-cxx' <<<"$out")
r=$(ratio "$(stat_of "$hit" median_ms)" "$(stat_of "$empty" median_ms)")
rcxx=$(ratio "$(stat_of "$cxx" median_ms)" "$(stat_of "$empty" median_ms)")
rss=$(stat_of "$hit" maxrss_kib)
echo
echo "RESULT cache hit / empty C program, median wall time: ${r}x (goal <= 2.0, aim 1.3)"
echo "RESULT empty C++ program (libstdc++) / empty C program: ${rcxx}x (reference)"
echo "RESULT cache hit peak RSS: ${rss} KiB = $(awk -v k="$rss" 'BEGIN{printf "%.2f", k/1024}') MiB (goal <= 4 MiB)"

# Cross-checks with independent tools, when present.
if command -v /usr/bin/time >/dev/null; then
  for _ in 1 2 3; do /usr/bin/time -f %M -a -o "$WORK/rss.txt" "${HIT[@]}" >/dev/null; done
  for _ in 1 2 3; do /usr/bin/time -f %M -a -o "$WORK/rss-empty.txt" "$WORK/empty"; done
  echo "cross-check /usr/bin/time -f %M (KiB): fedcred hit $(sort -n "$WORK/rss.txt" | tail -1), empty $(sort -n "$WORK/rss-empty.txt" | tail -1)"
fi
if command -v hyperfine >/dev/null; then
  hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/hf.json" \
      "$WORK/empty" "${HIT[*]}" >/dev/null 2>&1
  "$PYTHON" - "$WORK/hf.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
e, h = r[0], r[1]
print("cross-check hyperfine -N (not interleaved): empty median %.3f ms, hit median %.3f ms, "
      "ratio %.2fx" % (e["median"] * 1e3, h["median"] * 1e3, h["median"] / e["median"]))
PY
fi
