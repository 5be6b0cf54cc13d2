#!/usr/bin/env bash
# fedcred serve against one local user holding slow connections (issue 21.7): a well-behaved
# client (root, allowed) asks GET /aws/credentials on a new connection each time, first alone,
# then while a second local user keeps SLOW connections open, each trickling an endless header
# (a slowloris), reconnecting whenever the server closes one. Prints the client's latencies
# (p50, p99, max) in both phases, their ratio, and how many slow connections the server kept.
# Goal (issue 21.7): p99 under load < 100 ms.
#
#   bench/serve_slow_callers.sh         REQUESTS=500 SLOW=2000
# Needs: root (creates and becomes the user fedcred-other), the stand-ins' python deps.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REQUESTS=${REQUESTS:-500}
SLOW=${SLOW:-2000}
[ "$(id -u)" = 0 ] || die "run as root: the slow connections come from a second local user"
id fedcred-other >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin fedcred-other
ulimit -n $((SLOW * 2 + 1024))

machine_info
setup_sandbox
start_metadata
start_fake_sts
start_serve

# The well-behaved client: REQUESTS sequential GETs, each on a new connection, 1 s timeout
# (the SDKs' own), prints "p50 p99 max failures" in milliseconds.
cat > "$WORK/client.py" <<'PY'
import http.client, sys, time
port, token, n = int(sys.argv[1]), open(sys.argv[2]).read(), int(sys.argv[3])
lat, failures = [], 0
for _ in range(n):
    t = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/aws/credentials", headers={"Authorization": token})
        ok = c.getresponse().status == 200
        c.close()
    except OSError:
        ok = False
    lat.append((time.monotonic() - t) * 1000)
    failures += 0 if ok else 1
lat.sort()
print("%.1f %.1f %.1f %d" % (lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1], lat[-1], failures))
PY
# The slow user: keeps up to SLOW connections open, each sending one header byte a second.
cat > "$WORK/slow.py" <<'PY'
import selectors, socket, sys, time
port, want = int(sys.argv[1]), int(sys.argv[2])
sel = selectors.DefaultSelector()
open_ = set()
def connect():
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /aws/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    except OSError:
        s.close()
        raise
    s.setblocking(False)
    open_.add(s)
    sel.register(s, selectors.EVENT_READ)
sent = time.monotonic()
while True:
    while len(open_) < want:
        try:
            connect()
        except OSError:
            break
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        try:
            if s.recv(4096):
                continue
        except OSError:
            pass
        sel.unregister(s); open_.discard(s); s.close()
    if time.monotonic() - sent >= 1:
        sent = time.monotonic()
        for s in list(open_):
            try:
                s.send(b"a")
            except OSError:
                sel.unregister(s); open_.discard(s); s.close()
PY
chmod a+rx "$WORK" "$WORK/slow.py"
read -r b50 b99 bmax bfail < <("$PYTHON" "$WORK/client.py" "$SERVE_PORT" "$WORK/token" "$REQUESTS")
setpriv --reuid fedcred-other --regid fedcred-other --init-groups /usr/bin/python3 "$WORK/slow.py" "$SERVE_PORT" "$SLOW" &
BG_PIDS+=("$!")
sleep 5  # the slow user has opened (and keeps reopening) its connections
held=$(ss -Htn state established "( sport = :$SERVE_PORT )" | wc -l)
read -r l50 l99 lmax lfail < <("$PYTHON" "$WORK/client.py" "$SERVE_PORT" "$WORK/token" "$REQUESTS")
echo "well-behaved client, $REQUESTS requests (new connection each), ms:"
echo "  alone:                     p50 $b50  p99 $b99  max $bmax  failures $bfail"
echo "  with $SLOW slow connections: p50 $l50  p99 $l99  max $lmax  failures $lfail"
echo "  server-side connections the slow user held: $held (cap per caller: 64)"
echo "  p99 ratio loaded/alone: $(ratio "$l99" "$b99")   goal: p99 < 100 ms -> $(awk -v p="$l99" 'BEGIN { print (p < 100) ? "met" : "NOT met" }')"
