#!/usr/bin/env python3
"""Stand-in for Azure Blob Storage's Get Blob with Microsoft Entra authorization
(docs/PROTOCOLS.md section 14): the Azure API an Entra token is finally for.

  GET /{container}/{blob}  with `Authorization: Bearer T` and `x-ms-version` (OAuth needs
                           2017-11-09 or later)

It accepts only an access token the Entra stand-in issued (signature with the tenant's key,
iss https://sts.windows.net/TENANT/, aud https://storage.azure.com, unexpired:
fake_entra.EntraServer.issued_token_claims); anything else gets 401 InvalidAuthenticationInfo
with Storage's WWW-Authenticate challenge, as the service answers. A missing x-ms-version with
a bearer token is 400 MissingRequiredHeader. `blobs`: {"container/blob": bytes}.
Test-only: GET /_stats, POST /_reset.
"""

import json
import urllib.parse
import uuid

import standin_server  # noqa: E402

STORAGE_RESOURCE = "https://storage.azure.com"
MIN_OAUTH_VERSION = "2017-11-09"


def storage_error(code, message):
    return ('<?xml version="1.0" encoding="utf-8"?><Error><Code>%s</Code><Message>%s\n'
            'RequestId:%s\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>'
            % (code, message, uuid.uuid4()))


class BlobServer(standin_server.StandinServer):
    thread_name = "blob-standin"

    def __init__(self, entra, blobs=None, tls=None, port=0):
        self.entra = entra
        self.tls = tls
        self.blobs = dict(blobs or {"fedcred/hello.txt": b"hello from the blob stand-in\n"})
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.reads = 0
            self.refused = []     # the reasons
            self.readers = []     # appid of every accepted token
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"reads": self.reads, "refused": list(self.refused),
                    "readers": list(self.readers), "port": self.port}


class _Handler(standin_server.StandinHandler):
    owner: BlobServer = None
    log_name = "fake_blob"
    server_header = "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"

    def _refuse(self, status, code, message, reason):
        with self.owner._lock:
            self.owner.refused.append(reason)
        headers = [("Content-Type", "application/xml"), ("x-ms-error-code", code)]
        if status == 401:
            headers.append(("WWW-Authenticate",
                            "Bearer authorization_uri=https://login.microsoftonline.com/%s/"
                            "oauth2/authorize resource_id=%s"
                            % (self.owner.entra.tenant_id, STORAGE_RESOURCE)))
        return self._respond(status, storage_error(code, message), headers)

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if self._control(path, self._read_body()):
            return None
        return self._refuse(405, "UnsupportedHttpVerb", "The resource doesn't support the "
                            "specified HTTP verb.", "POST")

    def do_GET(self):
        srv = self.owner
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/_stats":
            return self._respond(200, json.dumps(srv.stats()),
                                 [("Content-Type", "application/json")])
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            return self._refuse(401, "NoAuthenticationInformation", "Server failed to "
                                "authenticate the request. Please refer to the information in "
                                "the www-authenticate header.", "no bearer token")
        version = self.headers.get("x-ms-version")
        if not version:
            return self._refuse(400, "MissingRequiredHeader", "An HTTP header that's mandatory "
                                "for this request is not specified.", "no x-ms-version")
        if version < MIN_OAUTH_VERSION:
            return self._refuse(400, "InvalidHeaderValue", "The value for one of the HTTP "
                                "headers is not in the correct format.", "old x-ms-version")
        try:
            claims = srv.entra.issued_token_claims(auth[len("Bearer "):].strip(),
                                                   STORAGE_RESOURCE)
        except ValueError as exc:
            return self._refuse(401, "InvalidAuthenticationInfo", "Server failed to "
                                "authenticate the request. Please refer to the information in "
                                "the www-authenticate header.", str(exc))
        blob = srv.blobs.get(path.lstrip("/"))
        if blob is None:
            return self._refuse(404, "BlobNotFound", "The specified blob does not exist.",
                                "no blob " + path)
        with srv._lock:
            srv.reads += 1
            srv.readers.append(claims.get("appid"))
        return self._respond(200, blob, [("Content-Type", "application/octet-stream"),
                                         ("x-ms-version", version),
                                         ("x-ms-blob-type", "BlockBlob"),
                                         ("ETag", '"0x8DC0FEDC0FEDC0F"')])


BlobServer.handler_class = _Handler
