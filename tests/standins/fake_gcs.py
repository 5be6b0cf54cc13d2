#!/usr/bin/env python3
"""A minimal, strict stand-in for one Google API call: a Cloud Storage object read
(GET /storage/v1/b/<bucket>/o/<object>?alt=media), for the end-to-end proof that an access
token works. It takes only `Authorization: Bearer <token>` where `token_valid(token)` is true
(GoogleSts.token_valid: an unexpired token that stand-in issued); 401 otherwise, with Google's
error shape. Objects are a dict {(bucket, name): bytes}.

In-process: GcsStandin(token_valid, objects).start(); `.object_url(bucket, name)`.
"""

import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin_server  # noqa: E402


class GcsStandin(standin_server.StandinServer):
    thread_name = "fake-gcs"

    def __init__(self, token_valid, objects=None, port=0):
        self.token_valid = token_valid
        self.objects = dict(objects or {})
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.reads = 0
            self.refused = 0
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"reads": self.reads, "refused": self.refused, "port": self.port}

    def object_url(self, bucket, name):
        return "%s/storage/v1/b/%s/o/%s?alt=media" % (self.url, bucket,
                                                       urllib.parse.quote(name, safe=""))


class _Handler(standin_server.StandinHandler):
    owner: GcsStandin = None
    log_name = "fake_gcs"

    def _error(self, code, status, message):
        with self.owner._lock:
            self.owner.refused += 1
        return self._send(code, json.dumps({"error": {"code": code, "message": message,
                                                      "status": status}}), "application/json")

    def do_GET(self):
        srv = self.owner
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            return self._send(200, json.dumps(srv.stats()), "application/json")
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or not srv.token_valid(auth[7:].strip()):
            return self._error(401, "UNAUTHENTICATED", "Invalid Credentials")
        parts = url.path.split("/")
        # ['', 'storage', 'v1', 'b', BUCKET, 'o', OBJECT]
        if len(parts) != 7 or parts[1:4] != ["storage", "v1", "b"] or parts[5] != "o" \
                or urllib.parse.parse_qs(url.query).get("alt") != ["media"]:
            return self._error(400, "INVALID_ARGUMENT", "only object reads (alt=media) here")
        key = (parts[4], urllib.parse.unquote(parts[6]))
        if key not in srv.objects:
            return self._error(404, "NOT_FOUND", "No such object: %s/%s" % key)
        with srv._lock:
            srv.reads += 1
        return self._send(200, srv.objects[key], "application/octet-stream")


GcsStandin.handler_class = _Handler
