#!/usr/bin/env bash
# `systemd-analyze verify` on the fedcred-token@ template units, instantiated
# for a profile (templates cannot be verified without an instance), and on
# fedcred-serve.service and .socket. TAP.
#   tests/packaging/systemd_verify.sh [UNITDIR]   (default /lib/systemd/system)
# The ExecStart binary must exist (verify checks it): run it on installed units.
set -u
unitdir=${1:-/lib/systemd/system}
echo "1..4"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "ok 1 - systemd-analyze verify # SKIP systemd-analyze is not installed"
  echo "ok 2 - systemd-analyze security # SKIP systemd-analyze is not installed"
  echo "ok 3 - systemd-analyze verify fedcred-serve # SKIP systemd-analyze is not installed"
  echo "ok 4 - systemd-analyze security fedcred-serve # SKIP systemd-analyze is not installed"
  exit 0
fi
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cp "$unitdir/fedcred-token@.service" "$t/fedcred-token@demo.service" &&
  cp "$unitdir/fedcred-token@.timer" "$t/fedcred-token@demo.timer" || {
  echo "not ok 1 - the units are not in $unitdir"; echo "not ok 2 - no units"; exit 1; }
failed=0
out=$(systemd-analyze verify "$t/fedcred-token@demo.service" "$t/fedcred-token@demo.timer" 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then
  echo "ok 1 - systemd-analyze verify fedcred-token@demo.service fedcred-token@demo.timer: clean"
else
  failed=1; echo "not ok 1 - systemd-analyze verify reported:"; printf '%s\n' "$out" | sed 's/^/# /'
fi
# The exposure score is informational; the check is that hardening is in
# place at all (systemd rates 0.0 best .. 10.0 worst; "OK" is below 4.0).
sec=$(systemd-analyze security --offline=yes "$t/fedcred-token@demo.service" 2>&1 | grep 'Overall exposure level')
level=$(printf '%s' "$sec" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l < 4.0) }'; then
  echo "ok 2 - systemd-analyze security: exposure $level"
else
  failed=1; echo "not ok 2 - systemd-analyze security: '${sec:-no result}'"
fi
cp "$unitdir/fedcred-serve.service" "$unitdir/fedcred-serve.socket" "$t/" 2>/dev/null || {
  echo "not ok 3 - fedcred-serve units are not in $unitdir"; echo "not ok 4 - no units"; exit 1; }
out=$(systemd-analyze verify "$t/fedcred-serve.service" "$t/fedcred-serve.socket" 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then
  echo "ok 3 - systemd-analyze verify fedcred-serve.service fedcred-serve.socket: clean"
else
  failed=1; echo "not ok 3 - systemd-analyze verify reported:"; printf '%s\n' "$out" | sed 's/^/# /'
fi
sec=$(systemd-analyze security --offline=yes "$t/fedcred-serve.service" 2>&1 | grep 'Overall exposure level')
level=$(printf '%s' "$sec" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l < 4.0) }'; then
  echo "ok 4 - systemd-analyze security fedcred-serve.service: exposure $level"
else
  failed=1; echo "not ok 4 - systemd-analyze security fedcred-serve.service: '${sec:-no result}'"
fi
exit $failed
