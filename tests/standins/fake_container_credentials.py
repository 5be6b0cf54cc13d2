#!/usr/bin/env python3
"""Stand-in for the AWS container credentials endpoint (docs/PROTOCOLS.md 4.2): the ECS agent at
169.254.170.2<AWS_CONTAINER_CREDENTIALS_RELATIVE_URI> and the EKS Pod Identity agent at
AWS_CONTAINER_CREDENTIALS_FULL_URI (http://169.254.170.23/v1/credentials).

  GET <path>   with `Authorization: <token>` equal to the configured token (when one is set;
               401 when missing, 403 when wrong, as the Pod Identity agent answers); a path
               other than the configured one gets 404. Answers
               {"AccessKeyId","SecretAccessKey","Token","Expiration","RoleArn"}.
Test-only endpoints: GET /_stats, POST /_control (JSON fault, {} clears), POST /_reset.
Faults: status: N (answer HTTP N), expires_in: S (credentials that expire in S seconds).

In-process: ContainerCredentials(path=..., token=..., credentials=...).start();
as a process: fake_container_credentials.py [--port 0] [--port-file F] [--token T]
"""

import json
import os
import sys
import time
import urllib.parse

import standin_server  # noqa: E402
from fake_sts import rfc3339  # noqa: E402

DEFAULT_CREDENTIALS = {
    "AccessKeyId": "ASIAFAKECONTAINER001",
    "SecretAccessKey": "ContainerStandinSecret/" + "c" * 18,
    "Token": "ContainerStandinSessionToken" + "C" * 150,
}


class ContainerCredentials(standin_server.StandinServer):
    thread_name = "fake-container-credentials"

    def __init__(self, port=0, path="/v2/credentials/task-1", token=None, credentials=None,
                 role_arn="arn:aws:iam::123456789012:role/ecs-task-role"):
        self.path = path
        self.token = token            # None: no Authorization required (ECS)
        self.credentials = dict(credentials or DEFAULT_CREDENTIALS)
        self.role_arn = role_arn
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.requests = 0
            self.records = []     # path, authorization ok, accept, proxied
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"requests": self.requests, "records": list(self.records), "port": self.port,
                    "credentials": dict(self.credentials)}


class _Handler(standin_server.StandinHandler):
    owner: ContainerCredentials = None
    log_name = "fake_container_credentials"
    content_type = "application/json"

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if self._control(path, self._read_body()):
            return None
        return self._send(405, json.dumps({"message": "method not allowed"}))

    def do_GET(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_stats":
            return self._send(200, json.dumps(srv.stats()))
        auth = self.headers.get("Authorization")
        with srv._lock:
            srv.requests += 1
            srv.records.append({"path": path, "authorization_ok": srv.token is None or
                                auth == srv.token, "authorization_sent": auth is not None,
                                "accept": self.headers.get("Accept"),
                                "proxied": self.path.startswith("http")})
            fault = srv.fault.take()
        if "status" in fault:
            return self._send(int(fault["status"]), json.dumps({"message": "stand-in fault"}))
        if srv.token is not None:
            if auth is None:
                return self._send(401, json.dumps({"message": "missing Authorization"}))
            if auth != srv.token:
                return self._send(403, json.dumps({"message": "invalid Authorization token"}))
        if path != srv.path:
            return self._send(404, json.dumps({"message": "no credentials at %s" % path}))
        doc = dict(srv.credentials, RoleArn=srv.role_arn,
                   Expiration=rfc3339(time.time() + float(fault.get("expires_in", 6 * 3600))))
        return self._send(200, json.dumps(doc))


ContainerCredentials.handler_class = _Handler


def main(argv=None):
    return standin_server.standin_main(
        __doc__, lambda args: ContainerCredentials(port=args.port, token=args.token).start(),
        lambda parser: parser.add_argument("--token"), argv)


if __name__ == "__main__":
    sys.exit(main())
