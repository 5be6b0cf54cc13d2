#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz (clang, ASan+UBSan, coverage on
# the whole tree) and runs them.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default: 300 s each, all targets, 2 at a time)
#   tests/fuzz/run.sh --setup                   (only configure build-fuzz; CC/CXX are
#                                                honoured, e.g. "ccache clang")
# A campaign to a number of executions, merged into the corpus: campaign.sh.
# New inputs go to build-fuzz/fuzz-corpus/<target> (the seeds in
# tests/fuzz/corpus/<target> are read, never written); crashes to
# build-fuzz/fuzz-artifacts/<target>/. Each target's log is
# build-fuzz/fuzz-logs/<target>.log. Exit status 1 if any target found a crash.
set -uo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../tools/deps
source tools/deps  # DEPS_TEST_BUILD_OPTIONS
setup_only=false
if [ "${1:-}" = --setup ]; then setup_only=true; shift; fi
seconds=${1:-300}; shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(config sts_xml imds_json cache_entry jwt_claims gcp_env credential_config google_json container_json)
jobs=${FUZZ_PARALLEL:-2}
build=${FUZZ_BUILD_DIR:-build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
  CC=${CC:-clang} CXX=${CXX:-clang++} meson setup "$build" -Dfuzzing=true "${DEPS_TEST_BUILD_OPTIONS[@]}" \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args=-fsanitize=fuzzer-no-link -Dc_args=-fsanitize=fuzzer-no-link || exit 1
fi
$setup_only && exit 0
ninja -C "$build" $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") || exit 1

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/fuzz-logs"
run_one() {
  local t=$1
  mkdir -p "$build/fuzz-corpus/$t" "$build/fuzz-artifacts/$t"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$t/" \
    "$build/fuzz-corpus/$t" "tests/fuzz/corpus/$t" >"$build/fuzz-logs/$t.log" 2>&1
  local rc=$?
  local execs
  execs=$(grep -a 'stat::number_of_executed_units' "$build/fuzz-logs/$t.log" | awk '{print $2}')
  echo "fuzz $t: exit $rc, ${execs:-?} executions, $(ls "$build/fuzz-artifacts/$t" | wc -l) artifacts"
  return $rc
}
rc=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}" || rc=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
