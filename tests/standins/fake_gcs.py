#!/usr/bin/env python3
"""Stand-in for one Google API call, a Cloud Storage object read (JSON API), for the AWS -> GCP
demo and end-to-end test: what a Google access token obtained through fedcred is for.

  GET /storage/v1/b/{bucket}/o/{object}?alt=media   the object's bytes
  GET /storage/v1/b/{bucket}/o/{object}             its metadata (JSON, kind storage#object)
({object} percent-encoded, as the JSON API wants: reports%2Fhello.txt.)

Every request must carry `Authorization: Bearer <access token>`, and the token is checked the
way a Google API front end does, with its issuer: POST /tokeninfo of the Google STS / IAM
Credentials stand-in (fake_google_sts.py), so only a token that stand-in issued and that has
not expired gets through. Then, like Cloud Storage:
  401 (Google's error JSON, WWW-Authenticate: Bearer) with no bearer token or a token the
      issuer does not know or that has expired;
  403 when the token's scopes allow no storage read, or when `readers` is given and the token
      is not a service account among them (a federated STS token has no service account);
  404 for an object that does not exist.

Test-only: GET /_stats (counters, and for each object read: bucket, object, reader; never a
token), POST /_reset.

In-process: GcsServer(tokeninfo_url=google_sts.tokeninfo_url,
                      objects={("bucket", "name"): b"bytes"}, readers=["sa@..."]).start()
As a process:
  fake_gcs.py --tokeninfo-url URL --object BUCKET/NAME=FILE [--reader EMAIL] [--port 0]
              [--port-file F]
"""

import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import standin_server  # noqa: E402

OBJECT_PATH_RE = re.compile(r"^/storage/v1/b/([^/]+)/o/([^/]+)$")
# The OAuth scopes under which Cloud Storage lets a token read an object.
READ_SCOPES = frozenset("https://www.googleapis.com/auth/" + s for s in (
    "cloud-platform", "cloud-platform.read-only", "devstorage.read_only",
    "devstorage.read_write", "devstorage.full_control"))


class Refused(Exception):
    """A request Cloud Storage would refuse: HTTP status, reason and message."""

    def __init__(self, status, reason, message):
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class GcsServer(standin_server.StandinServer):
    thread_name = "fake-gcs"

    def __init__(self, tokeninfo_url, objects=None, readers=None, port=0):
        """objects: {(bucket, name): bytes}; readers: service account emails allowed to read
        (None: any valid token with a storage read scope)."""
        self.tokeninfo_url = tokeninfo_url
        self.objects = dict(objects or {})
        self.readers = None if readers is None else set(readers)
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.counters = {"requests": 0, "ok": 0, "refused": 0}
            self.reads = []       # {"bucket", "object", "reader"} of every object served
            self.refusals = []    # {"status", "reason", "message"}

    def stats(self):
        with self._lock:
            out = dict(self.counters)
            out.update({"reads": list(self.reads), "refusals": list(self.refusals),
                        "port": self.port})
            return out

    def object_url(self, bucket, name, media=True):
        return "%s/storage/v1/b/%s/o/%s%s" % (self.url, urllib.parse.quote(bucket, safe=""),
                                              urllib.parse.quote(name, safe=""),
                                              "?alt=media" if media else "")

    def authorize(self, authorization):
        """The token's service account (None for a federated token) if it may read objects;
        raises Refused otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Refused(401, "required", "Anonymous caller does not have storage.objects.get "
                          "access to the Google Cloud Storage object.")
        data = urllib.parse.urlencode({"access_token": token}).encode()
        try:
            with urllib.request.urlopen(self.tokeninfo_url, data=data, timeout=5) as resp:
                info = json.loads(resp.read())
        except urllib.error.HTTPError as err:
            if err.code == 400:    # invalid_token: unknown or expired
                raise Refused(401, "authError", "Invalid Credentials") from err
            raise Refused(503, "backendError", "tokeninfo answered %d" % err.code) from err
        except OSError as exc:
            raise Refused(503, "backendError", "tokeninfo is unreachable: %s" % exc) from exc
        scopes = set(str(info.get("scope", "")).split())
        if not scopes & READ_SCOPES:
            raise Refused(403, "insufficientPermissions",
                          "Request had insufficient authentication scopes.")
        email = info.get("email")
        if self.readers is not None and email not in self.readers:
            raise Refused(403, "forbidden", "%s does not have storage.objects.get access to "
                          "the Google Cloud Storage object." % (email or "The caller"))
        return email

    def read(self, path, query, authorization):
        """(bytes, content type) for an object read; raises Refused."""
        match = OBJECT_PATH_RE.match(path)
        if not match:
            raise Refused(404, "notFound", "Not Found")
        reader = self.authorize(authorization)
        bucket, name = (urllib.parse.unquote(g) for g in match.groups())
        body = self.objects.get((bucket, name))
        if body is None:
            raise Refused(404, "notFound", "No such object: %s/%s" % (bucket, name))
        with self._lock:
            self.counters["ok"] += 1
            self.reads.append({"bucket": bucket, "object": name, "reader": reader})
        if query.get("alt") == "media":
            return body, "application/octet-stream"
        meta = {"kind": "storage#object", "id": "%s/%s/1" % (bucket, name), "name": name,
                "bucket": bucket, "generation": "1", "size": str(len(body)),
                "contentType": "application/octet-stream"}
        return json.dumps(meta).encode(), "application/json; charset=UTF-8"


class _Handler(standin_server.StandinHandler):
    owner: GcsServer = None
    server_header = "UploadServer"
    log_name = "fake_gcs"

    def do_GET(self):
        srv = self.owner
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            return self._send(200, json.dumps(srv.stats()), "application/json")
        with srv._lock:
            srv.counters["requests"] += 1
        try:
            body, ctype = srv.read(url.path, dict(urllib.parse.parse_qsl(url.query)),
                                   self.headers.get("Authorization"))
        except Refused as ref:
            with srv._lock:
                srv.counters["refused"] += 1
                srv.refusals.append({"status": ref.status, "reason": ref.reason,
                                     "message": ref.message})
            doc = {"error": {"code": ref.status, "message": ref.message,
                             "errors": [{"message": ref.message, "domain": "global",
                                         "reason": ref.reason}]}}
            extra = [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')] \
                if ref.status == 401 else []
            return self._respond(ref.status, json.dumps(doc),
                                 [("Content-Type", "application/json; charset=UTF-8")] + extra)
        return self._respond(200, body, [("Content-Type", ctype)])

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if self._control(path, self._read_body()):
            return None
        return self._send(405, "Method Not Allowed")


GcsServer.handler_class = _Handler


def read_object(url, token, timeout=10):
    """A client's GET of object_url(...) with `token`: (HTTP status, body bytes)."""
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--tokeninfo-url", required=True,
                            help="the Google STS stand-in's /tokeninfo")
        parser.add_argument("--object", action="append", default=[],
                            metavar="BUCKET/NAME=FILE", help="serve FILE as gs://BUCKET/NAME")
        parser.add_argument("--reader", action="append",
                            help="a service account allowed to read (default: any token)")

    def start(args):
        objects = {}
        for spec in args.object:
            where, _, path = spec.partition("=")
            bucket, _, name = where.partition("/")
            with open(path, "rb") as f:
                objects[(bucket, name)] = f.read()
        return GcsServer(tokeninfo_url=args.tokeninfo_url, objects=objects,
                         readers=args.reader, port=args.port).start()

    return standin_server.standin_main(__doc__, start, add_arguments, argv)


if __name__ == "__main__":
    sys.exit(main())
