#!/usr/bin/env bash
# Cache hit, whole process: `fedcred aws` served from the cache vs a trivial C program that
# exits 0, measured side by side (interleaved) in one run, for the build tree's binary and for
# the installed package. Goals: median ratio <= 1.15 (issue 20; 1.3 in issue 15), peak
# RSS <= 2 MiB. Also shows `fedcred version` (the binary's own start-up floor) and an empty C++
# program (libstdc++ alone), which are not part of the ratio.
#
#   bench/cache_hit.sh            RUNS=500 WARMUP=20 by default; builds the .debs (a few minutes)
#   RUNS=1000 bench/cache_hit.sh
#   FEDCRED_DEB_DIR=DIR bench/cache_hit.sh    use the .debs already in DIR (packaging/deb/build.sh DIR)
#   INSTALLED=system bench/cache_hit.sh       the package installed on this machine (/usr/bin/fedcred)
#   INSTALLED=none bench/cache_hit.sh         the build tree only
#   DROP_CACHES=1 bench/cache_hit.sh          (root) sync and drop the page cache before timing, so
#                                             every binary's pages are read back from disk, as after
#                                             a reboot: a file just written (the unpacked .deb, the
#                                             empty program cc just linked) starts measurably slower
#                                             here than the same bytes read from disk
#   COMPARE="old=/path/to/fedcred old-inst=/usr/bin/fedcred" bench/cache_hit.sh
#                                             more hits in the same interleaved run (before/after;
#                                             COMPARE_MODULE_DIR=DIR for their cold fetch if needed)
#
# The installed layout by default: the fedcred and libfedcred1 .debs unpacked with `dpkg-deb -x`
# into a scratch root, its usr/bin/fedcred run from there. That binary finds nothing of the
# scratch root by itself, which is fine for a hit: the helper needs only libc (a helper that
# still needs libfedcred.so.1 is refused; use INSTALLED=system after `dpkg -i`), and the
# modules are needed only by the first (cold) run, given FEDCRED_MODULE_DIR for that run only.
# The configuration is searched as the AWS CLI's runs search it (FEDCRED_CONFIG unset): the
# installed binary reads /etc/fedcred/ of this machine where it exists.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RUNS=${RUNS:-500}
WARMUP=${WARMUP:-20}

INSTALLED=${INSTALLED:-deb}
machine_info
build_spawnbench
build_empty
build_empty_cxx

# The installed binary, before the sandbox (building the .debs wants the real environment).
INSTALLED_BIN=""
case "$INSTALLED" in
  none) ;;
  system)
    INSTALLED_BIN=/usr/bin/fedcred
    [ -x "$INSTALLED_BIN" ] || die "INSTALLED=system but there is no $INSTALLED_BIN (dpkg -i the .debs)"
    echo "installed: $INSTALLED_BIN ($(dpkg-query -W -f='${Package} ${Version}' fedcred 2>/dev/null || echo 'not from a package'))" ;;
  deb)
    deb_dir=${FEDCRED_DEB_DIR:-}
    if [ -z "$deb_dir" ]; then
      deb_dir="$WORK/deb"
      echo "installed: building the .debs (packaging/deb/build.sh; INSTALLED=none skips this)"
      "$REPO/packaging/deb/build.sh" "$deb_dir" >"$WORK/deb-build.log" 2>&1 \
        || die "packaging/deb/build.sh failed: $(tail -5 "$WORK/deb-build.log")"
    fi
    root="$WORK/root"
    for p in fedcred libfedcred1; do
      deb=$(ls "$deb_dir"/${p}_*.deb 2>/dev/null | head -1)
      [ -n "$deb" ] || die "no ${p}_*.deb in $deb_dir"
      dpkg-deb -x "$deb" "$root"
      sync  # dpkg -i syncs what it unpacks; the timed binary's pages are clean, as installed
    done
    INSTALLED_BIN="$root/usr/bin/fedcred"
    INSTALLED_MODULES=$(dirname "$(ls -d "$root"/usr/lib/*/fedcred/modules | head -1)")/modules
    # the static front (issue 15) execs /usr/libexec/fedcred/fedcred-fetch on a miss, which is
    # not the scratch root's: the cold fetch runs the scratch root's fetcher itself
    [ ! -x "$root/usr/libexec/fedcred/fedcred-fetch" ] || INSTALLED_FETCHER=$root/usr/libexec/fedcred/fedcred-fetch
    if readelf -d "$INSTALLED_BIN" | grep -q 'NEEDED.*libfedcred'; then
      die "$INSTALLED_BIN needs libfedcred.so.1, which a scratch root cannot give it without LD_LIBRARY_PATH (that would change what is measured): dpkg -i the .debs and use INSTALLED=system"
    fi
    echo "installed: $(basename "$(ls "$deb_dir"/fedcred_*.deb | head -1)") unpacked into a scratch root ($INSTALLED_BIN)" ;;
  *) die "INSTALLED must be deb, system or none" ;;
esac

# FEDCRED_MODULE_DIR (a copied build tree) serves the cold fetch only: the timed hits run
# without it, as the AWS CLI runs them.
BUILD_MODULES=${FEDCRED_MODULE_DIR:-}
unset FEDCRED_MODULE_DIR
setup_sandbox
unset FEDCRED_CONFIG  # as the AWS CLI runs it: the system and XDG configuration files are read
echo "config:  $(ls -d /etc/fedcred/fedcred.conf /etc/fedcred/conf.d /usr/local/etc/fedcred 2>/dev/null | tr '\n' ' ')(what exists; empty: none)"
start_metadata
start_fake_sts

# check_hit NAME BIN [MODULE_DIR [COLD_BIN]]: one cold fetch (by COLD_BIN if given: the scratch
# root's fetcher, which the static front would look for at its installed path), then a checked
# hit mapping no network library.
check_hit() {
  local name=$1 bin=$2 modules=${3:-} cold_bin=${4:-$2}
  local hit=("$bin" aws --role-arn "$ROLE_ARN")
  local cold=("$cold_bin" aws --role-arn "$ROLE_ARN")
  if [ -n "$modules" ]; then
    FEDCRED_MODULE_DIR=$modules "${cold[@]}" >/dev/null || die "$name: the first (cold) fetch failed"
  else
    "${cold[@]}" >/dev/null || die "$name: the first (cold) fetch failed"
  fi
  "${hit[@]}" -v 2>"$WORK/hit.log" >/dev/null || die "$name: the cache hit failed"
  grep -q "cache hit" "$WORK/hit.log" || die "$name: the second run was not a cache hit: $(cat "$WORK/hit.log")"
  LD_DEBUG=files "${hit[@]}" 2>"$WORK/ld.log" >/dev/null
  if grep -Eq 'file=(libcurl|libssl|libcrypto|libexpat)' "$WORK/ld.log"; then
    echo "NOTE: $name: the hit path loaded a network library:"; grep -E 'file=lib(curl|ssl|crypto|expat)' "$WORK/ld.log" | head -3
  fi
  local objects names
  objects=$(grep -c 'generating link map' "$WORK/ld.log" || true)
  names=$(sed -n 's/.*file=\([^ ]*\) .*generating link map.*/\1/p' "$WORK/ld.log" | sort -u | tr '\n' ' ')
  echo "$name hit: $objects shared object(s) mapped (LD_DEBUG=files: $names), no libcurl/libssl/libcrypto/libexpat"
}
check_hit build-tree "$FEDCRED_BIN" "$BUILD_MODULES"
[ -z "$INSTALLED_BIN" ] || check_hit installed "$INSTALLED_BIN" "${INSTALLED_MODULES:-}" "${INSTALLED_FETCHER:-}"
HIT=("$FEDCRED_BIN" aws --role-arn "$ROLE_ARN")
compare_cmds=()
for pair in ${COMPARE:-}; do
  check_hit "${pair%%=*}" "${pair#*=}" "${COMPARE_MODULE_DIR:-$BUILD_MODULES}"
  compare_cmds+=(';' "${pair%%=*}" "${pair#*=}" aws --role-arn "$ROLE_ARN")
done
# A gce hit needs the account the metadata server speaks for (issue 21.12), which the static
# front recalls for 10 s (flows/recalled_account.h): the timed hits ask the server once per 10 s.
# That ask goes to a native server of that one path on the stand-in's port
# (bench/metadata_email.c), as the real server is native and next to the VM; the Python
# stand-in takes milliseconds a request. The cache key (which names the host:port) still
# matches. METADATA=python keeps the stand-in.
if [ "${METADATA:-native}" = native ]; then
  cc -O2 -Wall -o "$WORK/metadata_email" "$REPO/bench/metadata_email.c"
  account=$(curl -s -H 'Metadata-Flavor: Google' "$MD_URL/computeMetadata/v1/instance/service-accounts/default/email")
  [ -n "$account" ] || die "the metadata stand-in named no account"
  kill "$MD_PID" && wait "$MD_PID" 2>/dev/null
  "$WORK/metadata_email" "${MD_URL##*:}" "$account" 2>"$WORK/md-native.log" &
  BG_PIDS+=($!)
  for _ in $(seq 50); do
    [ "$(curl -s -H 'Metadata-Flavor: Google' "$MD_URL/computeMetadata/v1/instance/service-accounts/default/email")" = "$account" ] && break
    sleep 0.1
  done
  "${HIT[@]}" -v 2>"$WORK/hit.log" >/dev/null && grep -q "cache hit" "$WORK/hit.log" ||
    die "no cache hit through the native metadata server: $(cat "$WORK/hit.log" "$WORK/md-native.log")"
  echo "metadata: the timed hits ask a native server of the account path on the stand-in's port ($MD_URL)"
else
  echo "metadata: the timed hits ask the Python stand-in ($MD_URL)"
fi
if [ "${DROP_CACHES:-0}" = 1 ]; then
  sync && echo 3 >/proc/sys/vm/drop_caches || die "DROP_CACHES=1 needs root (/proc/sys/vm/drop_caches)"
  echo "page cache: dropped before timing (DROP_CACHES=1)"
fi
calls_before=$(curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])')

installed_cmd=()
[ -z "$INSTALLED_BIN" ] || installed_cmd=(';' installed-hit "$INSTALLED_BIN" aws --role-arn "$ROLE_ARN")
echo
echo "spawnbench: $RUNS interleaved runs each (+$WARMUP warm-up), posix_spawn + wait4, stdout to /dev/null"
out=$("$WORK/spawnbench" -n "$RUNS" -w "$WARMUP" -- \
      empty-c "$WORK/empty" ';' \
      fedcred-hit "${HIT[@]}" "${installed_cmd[@]}" "${compare_cmds[@]}" ';' \
      fedcred-version "$FEDCRED_BIN" version ';' \
      empty-cxx "$WORK/empty-cxx" x)
calls_after=$(curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])')
[ "$calls_before" = "$calls_after" ] || die "STS was called during the benchmark: not all hits"

# Peak RSS varies a little from run to run: each page fault maps the 64 KiB-aligned stretch of
# a file around it, and where those boundaries fall depends on the (random) load addresses.
printf '%-16s %10s %10s %10s %10s %12s %12s\n' command median_ms p10_ms p90_ms mean_ms maxrss_KiB median_rss
while IFS= read -r line; do
  printf '%-16s %10s %10s %10s %10s %12s %12s\n' "$(cut -f1 <<<"$line")" "$(stat_of "$line" median_ms)" \
    "$(stat_of "$line" p10_ms)" "$(stat_of "$line" p90_ms)" "$(stat_of "$line" mean_ms)" \
    "$(stat_of "$line" maxrss_kib)" "$(stat_of "$line" median_rss_kib)"
done <<<"$out"
empty=$(grep '^empty-c' <<<"$out")
hit=$(grep '^fedcred-hit' <<<"$out")
cxx=$(grep '^empty-cxx' <<<"$out")
r=$(ratio "$(stat_of "$hit" median_ms)" "$(stat_of "$empty" median_ms)")
rcxx=$(ratio "$(stat_of "$cxx" median_ms)" "$(stat_of "$empty" median_ms)")
rss=$(stat_of "$hit" maxrss_kib)
echo
echo "RESULT cache hit (build tree) / empty C program, median wall time: ${r}x (goal <= 1.15, issue 20)"
if [ -n "$INSTALLED_BIN" ]; then
  inst=$(grep '^installed-hit' <<<"$out")
  ri=$(ratio "$(stat_of "$inst" median_ms)" "$(stat_of "$empty" median_ms)")
  rssi=$(stat_of "$inst" maxrss_kib)
  echo "RESULT cache hit (installed, $INSTALLED) / empty C program, median wall time: ${ri}x (goal <= 1.15, issue 20)"
fi
for pair in ${COMPARE:-}; do
  line=$(grep "^${pair%%=*}"$'\t' <<<"$out")
  echo "RESULT cache hit (${pair%%=*}: ${pair#*=}) / empty C program, median wall time: $(ratio "$(stat_of "$line" median_ms)" "$(stat_of "$empty" median_ms)")x, peak RSS $(stat_of "$line" maxrss_kib) KiB"
done
echo "RESULT empty C++ program (libstdc++) / empty C program: ${rcxx}x (reference)"
echo "RESULT cache hit (build tree) peak RSS: ${rss} KiB = $(awk -v k="$rss" 'BEGIN{printf "%.2f", k/1024}') MiB, highest of $RUNS runs (median $(stat_of "$hit" median_rss_kib) KiB; goal <= 2 MiB)"
[ -z "$INSTALLED_BIN" ] || echo "RESULT cache hit (installed, $INSTALLED) peak RSS: ${rssi} KiB = $(awk -v k="$rssi" 'BEGIN{printf "%.2f", k/1024}') MiB, highest of $RUNS runs (median $(stat_of "$inst" median_rss_kib) KiB; goal <= 2 MiB)"

# Cross-checks with independent tools, when present.
if command -v /usr/bin/time >/dev/null; then
  for _ in 1 2 3; do /usr/bin/time -f %M -a -o "$WORK/rss.txt" "${HIT[@]}" >/dev/null; done
  for _ in 1 2 3; do /usr/bin/time -f %M -a -o "$WORK/rss-empty.txt" "$WORK/empty"; done
  echo "cross-check /usr/bin/time -f %M (KiB): fedcred hit $(sort -n "$WORK/rss.txt" | tail -1), empty $(sort -n "$WORK/rss-empty.txt" | tail -1)"
fi
if command -v hyperfine >/dev/null; then
  hf_cmds=("$WORK/empty" "${HIT[*]}")
  [ -z "$INSTALLED_BIN" ] || hf_cmds+=("$INSTALLED_BIN aws --role-arn $ROLE_ARN")
  hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/hf.json" \
      "${hf_cmds[@]}" >/dev/null 2>&1
  "$PYTHON" - "$WORK/hf.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
e = r[0]
for name, h in zip(("build-tree hit", "installed hit"), r[1:]):
    print("cross-check hyperfine -N (not interleaved): empty median %.3f ms, %s median %.3f ms, "
          "ratio %.2fx" % (e["median"] * 1e3, name, h["median"] * 1e3, h["median"] / e["median"]))
PY
fi
