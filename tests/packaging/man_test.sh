#!/usr/bin/env bash
# Renders each man page given as an argument with man-db's warnings on
# (`man --warnings -l`) and fails on any warning or on an empty rendering.
# TAP output: one point per page.
#   tests/packaging/man_test.sh build/man/fedcred.1 /usr/share/man/man5/fedcred.conf.5.gz
set -u
echo "1..$#"
if ! command -v man >/dev/null 2>&1; then
  i=0; for page in "$@"; do i=$((i + 1)); echo "ok $i - $page # SKIP man (man-db) is not installed"; done
  exit 0
fi
i=0; failed=0
for page in "$@"; do
  i=$((i + 1))
  err=$(mktemp); out=$(mktemp)
  # A fixed width and locale: warnings about lines that cannot be broken
  # depend on the width; 80 columns is what a terminal gets by default.
  MANWIDTH=80 LC_ALL=C.UTF-8 MAN_KEEP_FORMATTING= man --warnings -E UTF-8 -l "$page" >"$out" 2>"$err"
  rc=$?
  if [ $rc -eq 0 ] && [ ! -s "$err" ] && [ "$(wc -l <"$out")" -gt 10 ]; then
    echo "ok $i - $page renders without warnings ($(wc -l <"$out") lines)"
  else
    failed=$((failed + 1))
    echo "not ok $i - $page: exit $rc, $(wc -l <"$err") warning lines"
    sed 's/^/# /' "$err"
  fi
  rm -f "$err" "$out"
done
[ $failed -eq 0 ]
