#!/usr/bin/env python3
"""Stand-in for the EC2 instance metadata service, IMDSv2 only (docs/PROTOCOLS.md 4.1).

  PUT /latest/api/token   needs X-aws-ec2-metadata-token-ttl-seconds (1..21600; else 400);
                          a PUT carrying X-Forwarded-For is refused (403), as IMDS does
  GET /latest/meta-data/iam/security-credentials/         the role name
  GET /latest/meta-data/iam/security-credentials/<role>   credentials JSON (Code, AccessKeyId,
                                                          SecretAccessKey, Token, Expiration)
  GET /latest/meta-data/placement/availability-zone       e.g. us-east-1a
  GET /latest/meta-data/placement/region
Every GET needs a valid, unexpired X-aws-ec2-metadata-token (401 otherwise): IMDSv1 is off.

Test-only endpoints: GET /_stats, POST /_control (JSON fault, {} clears), POST /_reset.
Faults (keys of the JSON), each for `times` requests it applies to (default: always):
  put_status: N     answer the token PUT with HTTP N (403: IMDS disabled / refused)
  put_hang: S|true  never answer the token PUT for S seconds (true = 60): a hop limit of 1
  get_status: N     answer every metadata GET with HTTP N (401: token rejected)
  no_role: true     404 for the role listing (no instance profile attached)
  listing_role: R   the role listing names R (the credentials stay under the role): the
                    instance profile replaced between two reads of one run
  creds_code: C     credentials JSON with Code=C and no keys (e.g. "Failure")

In-process: ImdsServer(credentials=..., zone=...).start(); as a process:
  fake_imds.py [--port 0] [--port-file F]
"""

import json
import os
import secrets
import sys
import time
import urllib.parse

import standin_server  # noqa: E402
from fake_sts import rfc3339  # noqa: E402  (the same time format)

CREDS_PATH = "/latest/meta-data/iam/security-credentials/"

DEFAULT_CREDENTIALS = {
    "AccessKeyId": "ASIAFAKEIMDSSTANDIN1",
    "SecretAccessKey": "ImdsStandinSecret/" + "k" * 22,
    "Token": "ImdsStandinSessionToken" + "T" * 200,
}


class ImdsServer(standin_server.StandinServer):
    """The stand-in; `.url` is the value for AWS_EC2_METADATA_SERVICE_ENDPOINT."""

    thread_name = "fake-imds"

    def __init__(self, port=0, role="fedcred-ec2-role", zone="us-east-1a", credentials=None,
                 region=None):
        self.role = role
        self.zone = zone
        # what placement/region answers when set; else the AZ minus its letter, which is
        # right outside Local Zones only
        self.region = region
        self.credentials = dict(credentials or DEFAULT_CREDENTIALS)
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.puts = 0
            self.gets = 0
            self.by_path = {}
            self.records = []      # method, path, ttl header, token ok, forwarded, proxied
            self.tokens = {}       # token -> expiry (time.time())
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"puts": self.puts, "gets": self.gets, "by_path": dict(self.by_path),
                    "records": list(self.records), "port": self.port,
                    "tokens": list(self.tokens), "credentials": dict(self.credentials)}


class _Handler(standin_server.StandinHandler):
    owner: ImdsServer = None
    server_header = "EC2ws"
    log_name = "fake_imds"

    def _record(self, path, **extra):
        srv = self.owner
        srv.by_path[path] = srv.by_path.get(path, 0) + 1
        srv.records.append(dict({"method": self.command, "path": path,
                                 "proxied": self.path.startswith("http")}, **extra))

    def do_PUT(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        self._read_body()
        ttl_text = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        forwarded = self.headers.get("X-Forwarded-For") is not None
        with srv._lock:
            srv.puts += 1
            self._record(path, ttl=ttl_text, forwarded=forwarded)
            fault = srv.fault.take() if path == "/latest/api/token" else {}
        if path != "/latest/api/token":
            return self._send(403, "Forbidden")    # versioned token paths are refused too
        if fault.get("put_hang"):
            srv.wait(standin_server.hang_seconds(fault["put_hang"]))
            self.close_connection = True
            return None
        if "put_status" in fault:
            return self._send(int(fault["put_status"]), "stand-in fault")
        if forwarded:
            return self._send(403, "Forbidden")
        try:
            ttl = int(ttl_text)
            if not 1 <= ttl <= 21600:
                raise ValueError
        except (TypeError, ValueError):
            return self._send(400, "Bad Request")
        token = "AQAEA" + secrets.token_urlsafe(40)
        with srv._lock:
            srv.tokens[token] = time.time() + ttl
        return self._send(200, token)

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if self._control(path, self._read_body()):
            return None
        return self._send(405, "Method Not Allowed")

    def do_GET(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_stats":
            return self._send(200, json.dumps(srv.stats()), "application/json")
        token = self.headers.get("X-aws-ec2-metadata-token")
        with srv._lock:
            srv.gets += 1
            valid = token is not None and srv.tokens.get(token, 0) > time.time()
            self._record(path, token_ok=valid)
            fault = srv.fault.take() if path.startswith("/latest/meta-data/") else {}
        if "get_status" in fault:
            return self._send(int(fault["get_status"]), "stand-in fault")
        if not valid:
            return self._send(401, "Unauthorized")   # IMDSv1 is disabled
        # IMDS lists the role with or without the trailing slash (gcloud's aws1 config names
        # it without: .../iam/security-credentials).
        if path in (CREDS_PATH, CREDS_PATH.rstrip("/")):
            if fault.get("no_role"):
                return self._send(404, "Not Found")
            return self._send(200, fault.get("listing_role", srv.role))
        if path == CREDS_PATH + srv.role:
            now = time.time()
            if "creds_code" in fault:
                doc = {"Code": fault["creds_code"], "Message": "stand-in fault",
                       "LastUpdated": rfc3339(now)}
            else:
                doc = dict(srv.credentials, Code="Success", LastUpdated=rfc3339(now),
                           Type="AWS-HMAC", Expiration=rfc3339(now + 6 * 3600))
            return self._send(200, json.dumps(doc, indent=2), "application/json")
        if path == "/latest/meta-data/placement/availability-zone":
            return self._send(200, srv.zone)
        if path == "/latest/meta-data/placement/region":
            return self._send(200, srv.region or srv.zone[:-1])
        return self._send(404, "Not Found")


ImdsServer.handler_class = _Handler


def main(argv=None):
    return standin_server.standin_main(
        __doc__, lambda args: ImdsServer(port=args.port, zone=args.zone).start(),
        lambda parser: parser.add_argument("--zone", default="us-east-1a"), argv)


if __name__ == "__main__":
    sys.exit(main())
