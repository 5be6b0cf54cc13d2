#!/usr/bin/env bash
# A fuzzing campaign (outside CI): runs each libFuzzer target (ASan+UBSan,
# leak detection on) for a number of executions, then merges what it found
# into the checked-in corpus, minimized.
#   tests/fuzz/campaign.sh [TARGET...]          (default: every target)
# Environment:
#   FUZZ_RUNS=10000000   executions per target (libFuzzer -runs)
#   FUZZ_JOBS=1          parallel fuzzing processes per target (-jobs/-workers,
#                        each doing FUZZ_RUNS/FUZZ_JOBS); the machine is shared
#   FUZZ_MAX_TIME=0      stop a target after this many seconds even short of
#                        FUZZ_RUNS (0: no limit); the executions it reached
#                        are what is printed
#   FUZZ_MAX_LEN=4096    largest input tried (-max_len)
#   FUZZ_BUILD_DIR=build-fuzz
# Targets run one after the other under `nice -n 19`. Per target:
#   1. coverage of the checked-in corpus tests/fuzz/corpus/<target> (cov: and
#      ft: of libFuzzer's INITED line, -runs=0);
#   2. the campaign: new inputs go to $FUZZ_BUILD_DIR/campaign/<target>/new,
#      crashes to $FUZZ_BUILD_DIR/campaign/<target>/artifacts/, the log to
#      $FUZZ_BUILD_DIR/campaign/<target>/fuzz.log;
#   3. minimization (-merge=1): the hand-made seeds (seed-*, see
#      make_seeds.py) stay as they are; every other file of the corpus, old
#      and new, competes again, and only those adding coverage to the seeds
#      (and to each other) are kept, named by the SHA-1 of their content as
#      libFuzzer names them;
#   4. coverage of the merged corpus, and one line:
#      target, executions, exec/s, cov before -> after, ft before -> after,
#      corpus files before -> after, crashes.
# Exit status 1 if any target crashed (or failed to run), else 0. The
# corpora are replayed by every CI run (meson test --suite fuzz).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=${FUZZ_RUNS:-10000000}
jobs=${FUZZ_JOBS:-1}
max_time=${FUZZ_MAX_TIME:-0}
max_len=${FUZZ_MAX_LEN:-4096}
build=$(realpath -m "${FUZZ_BUILD_DIR:-build-fuzz}")
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cc; do
    t=${f#tests/fuzz/fuzz_}
    targets+=("${t%.cc}")
  done
fi

# The same build dir as run.sh, sharing the ccache of the normal builds.
if [ ! -f "$build/build.ninja" ]; then
  CC="ccache clang" CXX="ccache clang++" FUZZ_BUILD_DIR="$build" tests/fuzz/run.sh --setup || exit 1
fi
nice -n 19 ninja -C "$build" $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") || exit 1

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=10 -rss_limit_mb=2048 -max_len="$max_len")

# "cov ft" of a corpus: libFuzzer's INITED line after loading it.
coverage() {
  local bin=$1; shift
  nice -n 19 "$bin" -runs=0 "${common[@]}" "$@" 2>&1 |
    awk '/INITED/ { for (i = 1; i <= NF; i++) { if ($i == "cov:") c = $(i+1); if ($i == "ft:") f = $(i+1) } }
         END { print (c == "" ? "?" : c), (f == "" ? "?" : f) }'
}

count_files() { find "$1" -maxdepth 1 -type f ! -name '.*' | wc -l; }

rc=0
printf '%-18s %10s %8s %16s %16s %10s %7s\n' target executions exec/s cov ft files crashes
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/fuzz_$t"
  corpus="$root/tests/fuzz/corpus/$t"
  work="$build/campaign/$t"
  rm -rf "$work"
  mkdir -p "$work/new" "$work/artifacts" "$work/minimized"
  read -r cov0 ft0 < <(coverage "$bin" "$corpus")
  files0=$(count_files "$corpus")

  # Executions and exec/s: libFuzzer's final stats summed over the jobs
  # (with -jobs each job logs to fuzz-N.log in the current directory).
  args=(-print_final_stats=1 "${common[@]}" -artifact_prefix="$work/artifacts/")
  [ "$max_time" -gt 0 ] && args+=(-max_total_time="$max_time")
  if [ "$jobs" -gt 1 ]; then
    (cd "$work" && nice -n 19 "$bin" -jobs="$jobs" -workers="$jobs" -runs=$((runs / jobs)) "${args[@]}" \
      "$work/new" "$corpus" >fuzz.log 2>&1)
    frc=$?
    cat "$work"/fuzz-*.log >>"$work/fuzz.log" 2>/dev/null
  else
    nice -n 19 "$bin" -runs="$runs" "${args[@]}" "$work/new" "$corpus" >"$work/fuzz.log" 2>&1
    frc=$?
  fi
  execs=$(awk '/stat::number_of_executed_units/ { n += $2 } END { print n + 0 }' "$work/fuzz.log")
  speed=$(awk '/stat::average_exec_per_sec/ { n += $2 } END { print n + 0 }' "$work/fuzz.log")
  crashes=$(count_files "$work/artifacts")
  if [ "$frc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    rc=1
    echo "fuzz $t: exit $frc, $crashes artifact(s) in $work/artifacts, log $work/fuzz.log" >&2
  fi

  # Minimize: the seeds first (kept whole), then everything else competes.
  cp "$corpus"/seed-* "$work/minimized/" 2>/dev/null
  mkdir -p "$work/others"
  find "$corpus" -maxdepth 1 -type f ! -name 'seed-*' ! -name '.*' -exec cp {} "$work/others/" \;
  if nice -n 19 "$bin" -merge=1 "${common[@]}" "$work/minimized" "$work/others" "$work/new" \
      >"$work/merge.log" 2>&1; then
    find "$corpus" -maxdepth 1 -type f ! -name 'seed-*' ! -name '.*' -delete
    find "$work/minimized" -maxdepth 1 -type f ! -name 'seed-*' -exec cp {} "$corpus/" \;
  else
    rc=1
    echo "fuzz $t: merge failed, corpus left as it was; log $work/merge.log" >&2
  fi
  read -r cov1 ft1 < <(coverage "$bin" "$corpus")
  files1=$(count_files "$corpus")
  printf '%-18s %10s %8s %16s %16s %10s %7s\n' "$t" "$execs" "$speed" \
    "$cov0->$cov1" "$ft0->$ft1" "$files0->$files1" "$crashes"
done
exit $rc
