#!/usr/bin/env bash
# fedcred serve's Azure routes (issue 22.3): the latency of a cached Entra token through the
# IMDS form and the App Service form vs the AWS route's GET /aws/credentials of the same
# server, requests alternating in one run (a new connection each, as an SDK's first call),
# printed as ratios to the AWS route. The AWS route answers from memory; an Azure request
# goes to the server's worker thread and asks the library, which reads the configuration and
# `fedcred azure`'s cache entry: the ratio is what that costs. Entra must see no request
# during the run (every answer a cache hit).
#
#   bench/serve_azure.sh        REQUESTS=500 by default
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REQUESTS=${REQUESTS:-500}
CLIENT_ID=0a0a0a0a-1111-4222-8333-0000000000c1

machine_info
setup_sandbox
start_metadata
start_fake_sts
start_entra "$CLIENT_ID"
SERVE_PROFILES=$(printf '[profile entra]\ntenant_id = %s\nclient_id = %s\n' "$TENANT" "$CLIENT_ID")
start_serve --azure-profile entra

"$PYTHON" - "$SERVE_PORT" "$WORK/token" "$REQUESTS" "$ENTRA_URL" "$CURL_CA_BUNDLE" <<'PY'
import http.client, json, ssl, statistics, sys, time, urllib.request

port, token_file, n, entra_url, ca = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
token = open(token_file).read()
resource = "https://storage.azure.com"
routes = {
    "aws": ("/aws/credentials", {"Authorization": token}),
    "azure-imds": ("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + resource,
                   {"Metadata": "true"}),
    "azure-appservice": ("/msi/token?api-version=2019-08-01&resource=" + resource,
                         {"X-IDENTITY-HEADER": token}),
}

def get(path, headers):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        sys.exit("bench: %s answered %d: %s" % (path, r.status, body[:200]))

def entra_requests():
    ctx = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen(entra_url + "/_stats", context=ctx) as f:
        return json.load(f)["token_requests"]

for path, headers in routes.values():  # the cold exchange, and warm-up
    for _ in range(20):
        get(path, headers)
before = entra_requests()
times = {name: [] for name in routes}
for _ in range(n):
    for name, (path, headers) in routes.items():
        t = time.perf_counter()
        get(path, headers)
        times[name].append((time.perf_counter() - t) * 1000)
if entra_requests() != before:
    sys.exit("bench: Entra was called during the run: not all cache hits")

def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]

print("%d requests per route, alternating, a new connection each" % n)
print("%-18s %10s %10s %10s" % ("route", "median_ms", "p90_ms", "p99_ms"))
for name, v in times.items():
    print("%-18s %10.3f %10.3f %10.3f" % (name, statistics.median(v), p(v, 0.9), p(v, 0.99)))
aws = statistics.median(times["aws"])
for name in ("azure-imds", "azure-appservice"):
    print("RESULT %s / aws route, median latency: %.2fx (p99 %.2fx)"
          % (name, statistics.median(times[name]) / aws, p(times[name], 0.99) / p(times["aws"], 0.99)))
PY
