#!/usr/bin/env python3
"""Stand-in for AWS STS GetWebIdentityToken (IAM outbound identity federation, docs/PROTOCOLS.md 3).

POST / with a SigV4-signed form (Action=GetWebIdentityToken, Version=2011-06-15,
Audience.member.N, SigningAlgorithm, DurationSeconds). The signature is verified independently
with botocore's SigV4Auth (sigv4_check.py) against the secret key of the access key id it knows
(`credentials`: access key id -> (secret, session token)); a bad one gets SignatureDoesNotMatch.
It answers an RS256 JWT (kid header; iss https://<uuid>.tokens.sts.global.api.aws; sub = the
role ARN; aud = the requested audience; iat/exp/jti; the AWS claims under
"https://sts.amazonaws.com/") and its Expiration, in GetWebIdentityTokenResponse XML.

Also served, so a stand-in Google STS can verify the tokens:
  GET /.well-known/openid-configuration    issuer, jwks_uri, RS256
  GET /.well-known/jwks.json               the public key (kid, n, e)
Test-only: GET /_stats, POST /_control (JSON fault, {} clears), POST /_reset.
Faults (as fake_sts.py: `times` limits them):
  code, message, status   answer that ErrorResponse, e.g. {"code":
                          "OutboundWebIdentityFederationDisabledException", "status": 403},
                          {"code": "AccessDenied", "status": 403}, {"code": "Throttling",
                          "times": 2}
  status (without code)   answer HTTP status with InternalFailure
  hang: seconds           wait before answering

In-process: FakeOutboundSTS(credentials={...}).start(); as a process:
  fake_sts_outbound.py [--port 0] [--port-file F] --credentials-json FILE
"""

import json
import os
import sys
import time
import urllib.parse
import uuid

import sigv4_check  # noqa: E402
import standin_server  # noqa: E402
from fake_sts import NS, _xml_escape, error_xml, rfc3339  # noqa: E402
from gce_metadata import SigningKey  # noqa: E402  (RSA key with kid, JWKS, RS256 signing)

DEFAULT_ROLE_ARN = "arn:aws:iam::123456789012:role/fedcred-ec2-role"


class FakeOutboundSTS(standin_server.StandinServer):
    thread_name = "fake-sts-outbound"

    def __init__(self, port=0, credentials=None, role_arn=DEFAULT_ROLE_ARN, region="us-east-1",
                 assume_role=None):
        """credentials: {access_key_id: (secret_access_key, session_token or None)}.
        assume_role: a fake_sts.FakeSTS that answers AssumeRoleWithWebIdentity at this same
        endpoint (EKS IRSA then GetWebIdentityToken: one STS, two actions); the credentials it
        issues become known signers here."""
        self.assume_role = assume_role
        self.credentials = dict(credentials or {})
        self.role_arn = role_arn
        self.region = region
        self.key = SigningKey()
        self.issuer = "https://%s.tokens.sts.global.api.aws" % uuid.uuid4()
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.requests = 0
            self.token_calls = 0
            self.forms = []
            self.headers = []
            self.verdicts = []     # None (valid) or the (code, message) of each call
            self.issued = []
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"requests": self.requests, "token_calls": self.token_calls,
                    "forms": list(self.forms), "headers": list(self.headers),
                    "verdicts": list(self.verdicts), "issued": list(self.issued),
                    "issuer": self.issuer, "kid": self.key.kid, "port": self.port}

    def openid_configuration(self):
        return {"issuer": self.issuer, "jwks_uri": self.url + "/.well-known/jwks.json",
                "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"]}

    def make_token(self, audiences, duration):
        now = int(time.time())
        account = self.role_arn.split(":")[4]
        claims = {"iss": self.issuer, "sub": self.role_arn,
                  "aud": audiences[0] if len(audiences) == 1 else audiences,
                  "iat": now, "exp": now + duration, "jti": str(uuid.uuid4()),
                  "https://sts.amazonaws.com/": {"aws_account": account,
                                                 "source_region": self.region}}
        return self.key.sign(claims), now + duration


def token_xml(token, expiration):
    return ('<GetWebIdentityTokenResponse xmlns="%s">\n  <GetWebIdentityTokenResult>\n'
            '    <WebIdentityToken>%s</WebIdentityToken>\n    <Expiration>%s</Expiration>\n'
            '  </GetWebIdentityTokenResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
            '  </ResponseMetadata>\n</GetWebIdentityTokenResponse>\n'
            % (NS, _xml_escape(token), rfc3339(expiration), uuid.uuid4()))


class _Handler(standin_server.StandinHandler):
    owner: FakeOutboundSTS = None
    server_header = "fake-sts-outbound"
    log_name = "fake_sts_outbound"
    content_type = "text/xml"

    def do_GET(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_stats":
            return self._send(200, json.dumps(srv.stats()), "application/json")
        if path == "/.well-known/openid-configuration":
            return self._send(200, json.dumps(srv.openid_configuration()), "application/json")
        if path == "/.well-known/jwks.json":
            return self._send(200, json.dumps(srv.key.jwks()), "application/json")
        return self._send(404, error_xml("InvalidAction", "GET is not supported here"))

    def do_POST(self):
        srv = self.owner
        url = urllib.parse.urlsplit(self.path)
        body = self._read_body()
        if self._control(url.path, body):
            return None
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("Action") == "AssumeRoleWithWebIdentity" and srv.assume_role is not None:
            # Unsigned, as STS takes it; delegated, and its credentials may then sign here.
            with srv.assume_role._lock:
                srv.assume_role.requests += 1
                srv.assume_role.assume_calls += 1
                srv.assume_role.forms.append(form)
            status, xml = srv.assume_role.assume(form)
            if status == 200:
                issued = srv.assume_role.stats()["issued"][-1]
                with srv._lock:
                    srv.credentials[issued["AccessKeyId"]] = (issued["SecretAccessKey"],
                                                              issued["SessionToken"])
            return self._send(status, xml)
        headers = {k: v for k, v in self.headers.items()}
        verdict = sigv4_check.verify(
            "POST", "http://%s%s" % (self.headers.get("Host", ""), self.path), headers, body,
            srv.credentials, "sts", required=("host", "x-amz-date", "content-type"))
        with srv._lock:
            srv.requests += 1
            is_call = form.get("Action") == "GetWebIdentityToken"
            if is_call:
                srv.token_calls += 1
                srv.forms.append(form)
                srv.headers.append({k: headers.get(k) for k in
                                    ("Content-Type", "Host", "X-Amz-Date", "Authorization")})
                srv.verdicts.append(verdict)
            fault = srv.fault.take() if is_call else {}
        if verdict is not None:
            code, message = verdict
            return self._send(403, error_xml(code, message))
        if not is_call:
            return self._send(400, error_xml("InvalidAction", "Could not find operation %s"
                                             % form.get("Action")))
        if fault.get("hang"):
            srv.wait(float(fault["hang"]))
        if "code" in fault:
            status = int(fault.get("status", 400))
            return self._send(status, error_xml(fault["code"], fault.get("message", fault["code"]),
                                                sender=status < 500))
        if "status" in fault:
            return self._send(int(fault["status"]), error_xml("InternalFailure", "stand-in fault",
                                                              sender=False))
        audiences = [v for k, v in sorted(form.items()) if k.startswith("Audience.member.")]
        problems = []
        if form.get("Version") != "2011-06-15":
            problems.append("Version must be 2011-06-15")
        if not audiences or any(not 1 <= len(a) <= 1000 for a in audiences):
            problems.append("Value at 'audience' failed to satisfy constraint")
        if form.get("SigningAlgorithm") not in ("RS256", "ES384"):
            problems.append("Value at 'signingAlgorithm' failed to satisfy constraint")
        try:
            duration = int(form.get("DurationSeconds", "300"))
            if not 60 <= duration <= 3600:
                raise ValueError
        except ValueError:
            problems.append("Value at 'durationSeconds' failed to satisfy constraint: Member "
                            "must have value between 60 and 3600")
            duration = 300
        if problems:
            return self._send(400, error_xml("ValidationError", "; ".join(problems)))
        if form["SigningAlgorithm"] != "RS256":
            return self._send(400, error_xml("ValidationError", "the stand-in signs RS256 only"))
        token, expiration = srv.make_token(audiences, duration)
        with srv._lock:
            srv.issued.append(token)
        return self._send(200, token_xml(token, expiration))


FakeOutboundSTS.handler_class = _Handler


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--credentials-json",
                            help='{"AKID": ["secret", "session token"|null]}')

    def start(args):
        creds = {}
        if args.credentials_json:
            with open(args.credentials_json) as f:
                creds = {k: tuple(v) for k, v in json.load(f).items()}
        return FakeOutboundSTS(port=args.port, credentials=creds).start()

    return standin_server.standin_main(__doc__, start, add_arguments, argv)


if __name__ == "__main__":
    sys.exit(main())
