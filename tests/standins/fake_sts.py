#!/usr/bin/env python3
"""Stand-in for AWS STS AssumeRoleWithWebIdentity, for the failures moto_server cannot produce.

Speaks the STS Query protocol (docs/PROTOCOLS.md 2.1, 2.2, 2.4): POST / with a form body (GET with a
query string also works), XML answers in the 2011-06-15 namespace, `ErrorResponse` errors.

It records every request's form fields, checks them the way STS does (RoleArn length,
RoleSessionName pattern, DurationSeconds range), optionally verifies the WebIdentityToken
against the GCE metadata stand-in's public key and evaluates a trust policy on its claims
(accounts.google.com:aud = azp, :oaud = aud, :sub = sub), then issues random credentials.

Test-only endpoints:
  GET  /_stats    JSON: counters, recorded forms, issued credentials, leak canaries
It also answers GetCallerIdentity for the credentials it issued (access key and session token
checked, SigV4 signature not), so a client can show the assumed role without moto.
  POST /_control  JSON fault (see Fault), {} clears it
  POST /_reset

Faults (JSON keys), applied to AssumeRoleWithWebIdentity calls:
  code, message, status   answer an ErrorResponse with that code (status default 400)
  status (without code)   answer that HTTP status with an InternalFailure ErrorResponse
  body                    answer 200 with this exact body
  malformed: true         answer 200 with truncated XML (carrying a canary secret)
  no_credentials: true    answer 200 with a well-formed result that has no <Credentials>
  expired: true           answer 200 with credentials that expired an hour ago
  expiration: text        issue credentials whose <Expiration> is this text
  hang: seconds           wait before answering (true = 60 s)
  close: true             close the connection without an answer
  times: N                apply to the next N calls, then behave (default: always)

In-process: FakeSTS(public_key_pem=..., trust={...}).start(); as a process:
  fake_sts.py [--port 0] [--port-file F] [--pubkey-file PEM]
"""

import datetime
import json
import os
import random
import re
import string
import sys
import time
import urllib.parse
import uuid

import gce_metadata  # noqa: E402  (verify_jwt)
import standin_server  # noqa: E402
from standin_server import Fault  # noqa: E402,F401  (re-exported: the fault bookkeeping)

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
ROLE_ARN_RE = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$",
                         re.ASCII)

# Values planted in broken responses: a test asserts none of them reaches fedcred's output.
CANARY_SECRET = "CanarySecretKey0000/DoNotPrint+1234567890ab"
CANARY_SESSION_TOKEN = "CanarySessionToken" + "Q" * 80
CANARY_ACCESS_KEY = "ASIAFAKECANARY0000XX"


def _rand(alphabet, n):
    return "".join(random.SystemRandom().choice(alphabet) for _ in range(n))


def rfc3339(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def error_xml(code, message, sender=True):
    return ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
            '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n'
            '</ErrorResponse>\n' % (NS, "Sender" if sender else "Receiver", code,
                                    _xml_escape(message), uuid.uuid4()))


def _xml_escape(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def success_xml(creds, role_arn, session, subject, audience, provider, with_credentials=True):
    m = ROLE_ARN_RE.match(role_arn)
    account, role = (m.group(1), m.group(2)) if m else ("123456789012", "unknown")
    cred_xml = ""
    if with_credentials:
        cred_xml = ("    <Credentials>\n      <AccessKeyId>%(AccessKeyId)s</AccessKeyId>\n"
                    "      <SecretAccessKey>%(SecretAccessKey)s</SecretAccessKey>\n"
                    "      <SessionToken>%(SessionToken)s</SessionToken>\n"
                    "      <Expiration>%(Expiration)s</Expiration>\n    </Credentials>\n" % creds)
    return ('<AssumeRoleWithWebIdentityResponse xmlns="%s">\n'
            '  <AssumeRoleWithWebIdentityResult>\n'
            '    <SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>\n'
            '    <Audience>%s</Audience>\n%s'
            '    <AssumedRoleUser>\n'
            '      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>\n'
            '      <AssumedRoleId>AROA%s:%s</AssumedRoleId>\n'
            '    </AssumedRoleUser>\n'
            '    <Provider>%s</Provider>\n'
            '  </AssumeRoleWithWebIdentityResult>\n'
            '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
            '</AssumeRoleWithWebIdentityResponse>\n'
            % (NS, _xml_escape(subject), _xml_escape(audience), cred_xml, account, role, session,
               "3X42LBCD0D3X1NSLZ", session, _xml_escape(provider), uuid.uuid4()))


class FakeSTS(standin_server.StandinServer):
    thread_name = "fake-sts"

    GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")

    def __init__(self, port=0, public_key_pem=None, trust=None, max_session_duration=43200,
                 issuers=GOOGLE_ISSUERS):
        """public_key_pem: verify tokens with it (None = accept any token, as moto does).
        trust: dict of condition key -> required value, e.g.
          {"accounts.google.com:aud": SA_ID, "accounts.google.com:oaud": "sts.amazonaws.com",
           "accounts.google.com:sub": SA_ID}, or for another issuer (an IAM OIDC provider)
          {"sts.windows.net/TENANT/:aud": RESOURCE, "sts.windows.net/TENANT/:sub": OID}
        issuers: the token issuers the account trusts (an IAM OIDC provider's URL, e.g. an
          EKS cluster's, for IRSA); Google's by default."""
        self.public_key_pem = public_key_pem
        self.trust = dict(trust or {})
        self.max_session_duration = max_session_duration
        self.issuers = tuple(issuers)
        super().__init__(port)

    def reset(self):
        with self._lock:
            self.requests = 0          # every request to / (any action)
            self.assume_calls = 0      # AssumeRoleWithWebIdentity calls
            self.forms = []            # form fields of each call, in order
            self.headers = []          # selected request headers of each call
            self.issued = []           # credentials handed out
            self.fault = Fault()

    def stats(self):
        with self._lock:
            return {"requests": self.requests, "assume_calls": self.assume_calls,
                    "forms": list(self.forms), "headers": list(self.headers),
                    "issued": list(self.issued), "port": self.port,
                    "canaries": [CANARY_SECRET, CANARY_SESSION_TOKEN]}

    # ----- the operation -----
    def assume(self, form, expiration=None):
        """Returns (status, xml) for a fault-free AssumeRoleWithWebIdentity call
        (`expiration` replaces the Expiration text of the issued credentials)."""
        role_arn = form.get("RoleArn", "")
        session = form.get("RoleSessionName", "")
        token = form.get("WebIdentityToken", "")
        duration_text = form.get("DurationSeconds", "3600")
        problems = []
        if not 20 <= len(role_arn) <= 2048:
            problems.append("Value at 'roleArn' failed to satisfy constraint: Member must have "
                            "length greater than or equal to 20")
        if not SESSION_NAME_RE.match(session):
            problems.append("Value at 'roleSessionName' failed to satisfy constraint: Member "
                            "must satisfy regular expression pattern: [\\w+=,.@-]*")
        if not 4 <= len(token) <= 20000:
            problems.append("Value at 'webIdentityToken' failed to satisfy constraint")
        try:
            duration = int(duration_text)
            if not 900 <= duration <= 43200:
                raise ValueError
        except ValueError:
            problems.append("Value at 'durationSeconds' failed to satisfy constraint: Member "
                            "must have value between 900 and 43200")
            duration = 3600
        if problems:
            return 400, error_xml("ValidationError", "%d validation error(s) detected: %s"
                                  % (len(problems), "; ".join(problems)))
        if not ROLE_ARN_RE.match(role_arn):
            return 400, error_xml("ValidationError", "Request ARN is invalid")
        if duration > self.max_session_duration:
            return 400, error_xml("ValidationError", "The requested DurationSeconds exceeds the "
                                  "MaxSessionDuration set for this role.")
        claims = {}
        if self.public_key_pem is not None:
            try:
                claims = gce_metadata.verify_jwt(token, self.public_key_pem)
            except ValueError:
                return 400, error_xml("InvalidIdentityToken",
                                      "Couldn't verify the token's signature with the keys of "
                                      "accounts.google.com")
            if claims.get("iss") not in self.issuers:
                return 400, error_xml("InvalidIdentityToken", "Invalid issuer")
            facts = {"accounts.google.com:aud": claims.get("azp") or claims.get("aud"),
                     "accounts.google.com:oaud": claims.get("aud"),
                     "accounts.google.com:sub": claims.get("sub")}
            if claims.get("iss") not in self.GOOGLE_ISSUERS:
                # An IAM OIDC provider's keys: its URL without https://, as the iss has it
                # (a trailing slash kept: sts.windows.net/TENANT/:aud for Entra v1 tokens).
                provider = claims["iss"][len("https://"):] \
                    if claims["iss"].startswith("https://") else claims["iss"]
                facts = {provider + ":aud": claims.get("aud"), provider + ":sub": claims.get("sub")}
            for key, want in self.trust.items():
                if facts.get(key) != want:
                    return 403, error_xml("AccessDenied", "Not authorized to perform "
                                          "sts:AssumeRoleWithWebIdentity")
        now = time.time()
        creds = {"AccessKeyId": "ASIA" + _rand(string.ascii_uppercase + string.digits, 16),
                 "SecretAccessKey": _rand(string.ascii_letters + string.digits + "+/", 40),
                 "SessionToken": "IQoJb3JpZ2luX2Vj" + _rand(string.ascii_letters + string.digits
                                                            + "+/", 300),
                 "Expiration": rfc3339(now + duration) if expiration is None else expiration}
        m = ROLE_ARN_RE.match(role_arn)
        record = dict(creds, AssumedRoleArn="arn:aws:sts::%s:assumed-role/%s/%s"
                      % (m.group(1), m.group(2), session),
                      AssumedRoleId="AROA3X42LBCD0D3X1NSLZ:%s" % session, Account=m.group(1))
        with self._lock:
            self.issued.append(record)
        aud = claims.get("aud", "unknown")
        aud = aud[0] if isinstance(aud, list) and aud else aud   # EKS tokens carry a list
        return 200, success_xml(creds, role_arn, session, claims.get("sub", "web-identity-sub"),
                                claims.get("azp", aud),
                                claims.get("iss", "accounts.google.com"))


class _Handler(standin_server.StandinHandler):
    owner: FakeSTS = None
    server_header = "fake-sts"
    log_name = "fake_sts"
    content_type = "text/xml"

    def _trailing_headers(self):
        return [("x-amzn-RequestId", str(uuid.uuid4()))]

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            return self._send(200, json.dumps(self.owner.stats()), "application/json")
        return self._handle(dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True)))

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        body = self._read_body()
        if self._control(url.path, body):
            return None
        form = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        form.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                           keep_blank_values=True))
        return self._handle(form)

    def _caller_identity(self):
        """GetCallerIdentity for credentials this stand-in issued (the demo's check).
        The SigV4 signature itself is not verified; the access key and session token are."""
        auth = self.headers.get("Authorization") or ""
        match = re.search(r"Credential=([A-Z0-9]+)/", auth)
        token = self.headers.get("X-Amz-Security-Token")
        with self.owner._lock:
            found = [c for c in self.owner.issued
                     if match and c["AccessKeyId"] == match.group(1) and c["SessionToken"] == token]
        if not found:
            return self._send(403, error_xml("InvalidClientTokenId", "The security token "
                                             "included in the request is invalid."))
        return self._send(200, _caller_identity_xml(found[0]))

    def _handle(self, form):
        srv = self.owner
        action = form.get("Action")
        with srv._lock:
            srv.requests += 1
            is_assume = action == "AssumeRoleWithWebIdentity"
            if is_assume:
                srv.assume_calls += 1
                srv.forms.append(dict(form))
                srv.headers.append({k: self.headers.get(k) for k in
                                    ("Content-Type", "Authorization", "Host", "User-Agent",
                                     "Accept")})
            fault = srv.fault.take() if is_assume else {}
        if action == "GetCallerIdentity":
            return self._caller_identity()
        if not is_assume:
            return self._send(400, error_xml("InvalidAction", "Could not find operation %s for "
                                             "version 2011-06-15" % action))
        if form.get("Version") != "2011-06-15":
            return self._send(400, error_xml("InvalidAction", "Bad or missing Version"))

        if fault.get("hang"):
            srv.wait(standin_server.hang_seconds(fault["hang"]))
        if fault.get("close"):
            return self._drop_connection()
        if "code" in fault:
            return self._send(int(fault.get("status", 400)),
                              error_xml(fault["code"], fault.get("message", fault["code"]),
                                        sender=int(fault.get("status", 400)) < 500))
        if "status" in fault:
            status = int(fault["status"])
            return self._send(status, error_xml("InternalFailure",
                                                "The request processing has failed because of "
                                                "an unknown error.", sender=False))
        if "body" in fault:
            return self._send(int(fault.get("body_status", 200)), fault["body"])
        if fault.get("malformed"):
            body = ('<AssumeRoleWithWebIdentityResponse xmlns="%s">\n'
                    '  <AssumeRoleWithWebIdentityResult>\n    <Credentials>\n'
                    '      <AccessKeyId>%s</AccessKeyId>\n'
                    '      <SecretAccessKey>%s</SecretAccessKey>\n'
                    '      <SessionToken>%s</Sess'
                    % (NS, CANARY_ACCESS_KEY, CANARY_SECRET, CANARY_SESSION_TOKEN))
            return self._send(200, body)
        if fault.get("no_credentials"):
            return self._send(200, success_xml({}, form.get("RoleArn", ""),
                                               form.get("RoleSessionName", "x"), "sub", "aud",
                                               "accounts.google.com", with_credentials=False))
        if fault.get("expired"):
            creds = {"AccessKeyId": CANARY_ACCESS_KEY, "SecretAccessKey": CANARY_SECRET,
                     "SessionToken": CANARY_SESSION_TOKEN,
                     "Expiration": rfc3339(time.time() - 3600)}
            return self._send(200, success_xml(creds, form.get("RoleArn", ""),
                                               form.get("RoleSessionName", "x"), "sub", "aud",
                                               "accounts.google.com"))
        status, xml = srv.assume(form, expiration=fault.get("expiration"))
        return self._send(status, xml)


def _caller_identity_xml(record):
    return ('<GetCallerIdentityResponse xmlns="%s">\n  <GetCallerIdentityResult>\n'
            '    <Arn>%s</Arn>\n    <UserId>%s</UserId>\n    <Account>%s</Account>\n'
            '  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
            '  </ResponseMetadata>\n</GetCallerIdentityResponse>\n'
            % (NS, record["AssumedRoleArn"], record["AssumedRoleId"], record["Account"],
               uuid.uuid4()))


FakeSTS.handler_class = _Handler


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--pubkey-file", help="verify tokens against this PEM public key")

    def start(args):
        pem = open(args.pubkey_file, "rb").read() if args.pubkey_file else None
        return FakeSTS(port=args.port, public_key_pem=pem).start()

    return standin_server.standin_main(__doc__, start, add_arguments, argv)


if __name__ == "__main__":
    sys.exit(main())
