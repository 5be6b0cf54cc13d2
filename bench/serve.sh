#!/usr/bin/env bash
# fedcred serve under load (issue 14): wrk with 16 connections against the server's
# GET /aws/credentials and against nginx serving the same JSON document from a static file,
# alternating in one run, printed as ratios (throughput, p99 latency), with the number of
# STS calls the whole load caused (it must be 0: every request is answered from memory).
# Goal (issue 14): >= 0.5x nginx's requests/s and a p99 no worse than 2x nginx's.
#
#   bench/serve.sh             ROUNDS=3 DURATION=10s CONNECTIONS=16 THREADS=2
# Needs: wrk, nginx (apt-get install -y wrk nginx-light), curl, the stand-ins' python deps.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
[ -x "$NGINX" ] || die "nginx is not installed (apt-get install -y nginx-light)"

machine_info
echo "wrk:     $(wrk --version 2>&1 | head -1 | cut -c1-40); nginx: $("$NGINX" -v 2>&1 | sed 's/.*: //')"
setup_sandbox
start_metadata
start_fake_sts
start_serve
TOKEN=$(cat "$WORK/token")

# nginx with the very document the server answers, from a static file (no auth check: the
# cheapest a server can be).
mkdir -p "$WORK/www/aws"
curl -sf -H "Authorization: $TOKEN" "http://127.0.0.1:$SERVE_PORT/aws/credentials" > "$WORK/www/aws/credentials" \
    || die "the server did not answer"
chmod 711 "$WORK"; chmod -R a+rX "$WORK/www"
NGINX_PORT=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $WORK/nginx-tmp;
  proxy_temp_path $WORK/nginx-tmp;
  fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp;
  scgi_temp_path $WORK/nginx-tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location = /aws/credentials { types { } default_type application/json; }
  }
}
CONF
mkdir -p "$WORK/nginx-tmp"
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" &
BG_PIDS+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$NGINX_PORT/aws/credentials" >/dev/null && break
  sleep 0.1
done
cmp -s <(curl -s "http://127.0.0.1:$NGINX_PORT/aws/credentials") "$WORK/www/aws/credentials" \
    || die "nginx does not serve the document: $(cat "$WORK/nginx.stderr" "$WORK/nginx-error.log" 2>/dev/null)"

sts_calls() { curl -s "$STS_URL/_stats" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["assume_calls"])'; }

# wrk_run NAME URL [HEADER]: one wrk run; prints "rps p99_ms".
wrk_run() {
  local out
  if [ $# -ge 3 ]; then
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$3" "$2")
  else
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  fi
  grep -q 'Non-2xx' <<<"$out" && die "$1 answered errors under load: $(grep Non-2xx <<<"$out")"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }' <<<"$out")
  echo "$rps $p99"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo
echo "wrk: $ROUNDS rounds x ($DURATION nginx, $DURATION fedcred serve), $CONNECTIONS connections, $THREADS threads"
before=$(sts_calls)
: > "$WORK/nginx.res"; : > "$WORK/serve.res"
for r in $(seq 1 "$ROUNDS"); do
  # alternate which goes first, so a background burst on the shared machine hits both alike
  if [ $((r % 2)) -eq 1 ]; then
    wrk_run nginx "http://127.0.0.1:$NGINX_PORT/aws/credentials" >> "$WORK/nginx.res"
    wrk_run serve "http://127.0.0.1:$SERVE_PORT/aws/credentials" "Authorization: $TOKEN" >> "$WORK/serve.res"
  else
    wrk_run serve "http://127.0.0.1:$SERVE_PORT/aws/credentials" "Authorization: $TOKEN" >> "$WORK/serve.res"
    wrk_run nginx "http://127.0.0.1:$NGINX_PORT/aws/credentials" >> "$WORK/nginx.res"
  fi
done
after=$(sts_calls)

printf '%-14s %12s %10s   (per round: rps/p99_ms)\n' server req_per_s p99_ms
for name in nginx serve; do
  rps=$(cut -d' ' -f1 "$WORK/$name.res" | median)
  p99=$(cut -d' ' -f2 "$WORK/$name.res" | median)
  printf '%-14s %12.0f %10.2f   %s\n' "$name" "$rps" "$p99" "$(tr '\n' ' ' < "$WORK/$name.res" | sed 's/ \([0-9.]*\) / \1,  /g')"
  declare "${name}_rps=$rps" "${name}_p99=$p99"
done
echo
echo "RESULT throughput_ratio=$(ratio "$serve_rps" "$nginx_rps") (fedcred serve / nginx, median req/s; goal >= 0.5)"
echo "RESULT p99_ratio=$(ratio "$serve_p99" "$nginx_p99") (fedcred serve / nginx, median p99; goal <= 2.0)"
echo "RESULT sts_calls_during_load=$((after - before)) (goal 0)"
