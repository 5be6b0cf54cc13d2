#!/usr/bin/env python3
"""Stand-in for Google's Security Token Service and IAM Credentials, for fedcred's AWS -> GCP
integration and end-to-end tests (docs/PROTOCOLS.md section 8).

  POST /v1/token
      The token exchange (form-encoded): grant_type token-exchange, audience (a workload
      identity provider), scope, requested_token_type access_token, subject_token,
      subject_token_type jwt|id_token. The subject JWT is VERIFIED as Google's STS does for an
      OIDC provider: RS256 with a `kid` that is in the issuer's JWKS, a good signature, `iss`
      and `sub` present, `iat` not in the future, `exp` in the future and less than 48 h after
      `iat`, and `aud` (a string or a list) containing the provider as `https:` + audience or
      the audience itself (the provider's default allowed audiences). The JWKS comes from
      `jwks_url` (fetched on every exchange, so a rotated key is seen at once: the AWS outbound
      stand-in's /.well-known/jwks.json or the GCE stand-in's /.well-known/jwks), or is given
      directly (`jwks=` a JWKS dict or a callable returning one).
      With subject_token_type urn:ietf:params:aws:token-type:aws4_request (a workload identity
      pool's AWS provider, docs/PROTOCOLS.md 8.2) the subject token is VERIFIED as the serialized,
      URL-encoded signed GetCallerIdentity request: method POST, url
      https://sts.<region>.amazonaws.com with Action=GetCallerIdentity&Version=2011-06-15,
      headers host (= the url's), x-amz-date, authorization, x-goog-cloud-target-resource =
      the audience (with or without "https:") and among the SignedHeaders (unless
      `require_signed_target` is False: Google's STS only recommends signing it, and Google's
      own libraries do not), and a SigV4 signature (service sts, region of the url) verified
      with botocore (sigv4_check.py) against `aws_credentials` (access key id ->
      (secret, session token)), a dict or a callable returning one.
      Success: {"access_token","issued_token_type","token_type":"Bearer","expires_in":3600}.
      Failure: OAuth-style {"error","error_description"} with HTTP 400 (401 for a bad
      Authorization header, which Google's STS does not want).
  POST /v1/projects/-/serviceAccounts/{SA}:generateAccessToken
      IAM Credentials: needs `Authorization: Bearer <an unexpired access token this stand-in
      issued>` and a JSON body with a non-empty `scope` list; optional `lifetime` ("3600s").
      Success: {"accessToken","expireTime":"YYYY-MM-DDTHH:MM:SSZ"}; failure: Google's API error
      shape {"error":{"code","message","status"}}.
  GET /tokeninfo?access_token=T, or POST /tokeninfo with the form access_token=T
      What a Google API front end learns about a bearer token (oauth2.googleapis.com/tokeninfo):
      for an unexpired access token this stand-in issued (either kind) 200 {"aud","azp","scope"
      (space-separated),"exp","expires_in" (decimal strings, as Google sends them),"email" (the
      impersonated service account; absent for a federated STS token)}; for any other token,
      or an expired one, 400 {"error":"invalid_token","error_description":"Invalid Value"}.
      The Cloud Storage stand-in (fake_gcs.py) authorizes its requests with it.

Test-only endpoints:
  GET  /_stats     JSON counters: token_requests, token_ok, token_errors, iam_requests, iam_ok,
                   iam_errors, tokeninfo_requests, tokeninfo_ok, plus `verified` (claims of every subject JWT that passed),
                   `rejected` (the reasons), `subject_tokens`, `issued` (access tokens),
                   `impersonated` (SA access tokens), `records` (method, path, headers)
  POST /_control   arm a fault: {"endpoint": "token"|"iam", "status": 503, "error": "...",
                   "description": "...", "times": N, "hang": S}; {} clears it. "hang" waits S
                   seconds first (true = 60) and, with "hang_only": true, then answers as usual
  POST /_reset     clear counters, records and faults

In-process: `GoogleSts(jwks_url=...).start()`, `.url`, `.token_url`, `.impersonation_url(sa)`,
`.tokeninfo_url`, `.stats()`, `.set_fault()`, `.reset()`, `.stop()`. As a process:
`fake_google_sts.py [--jwks-url URL] [--aws-credentials-json F] [--port 0] [--port-file F]`
prints the port once listening.
"""

import base64
import datetime
import json
import os
import re
import secrets
import sys
import time
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import sigv4_check  # noqa: E402
import standin_server  # noqa: E402

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
AWS4_REQUEST_TYPE = "urn:ietf:params:aws:token-type:aws4_request"
SUBJECT_TOKEN_TYPES = ("urn:ietf:params:oauth:token-type:jwt",
                       "urn:ietf:params:oauth:token-type:id_token", AWS4_REQUEST_TYPE)
AWS_STS_HOST_RE = re.compile(r"^sts\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$")
PROVIDER_RE = re.compile(r"^//iam\.googleapis\.com/projects/\d+/locations/global/"
                         r"workloadIdentityPools/[a-z0-9-]{1,63}/providers/[a-z0-9-]{1,63}$")
IAM_PATH_RE = re.compile(r"^/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken$")
MAX_TOKEN_SPAN = 48 * 3600       # Google: exp - iat under 48 h
CLOCK_SKEW = 60


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_int(text):
    return int.from_bytes(_b64url_decode(text), "big")


def _rfc3339(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")


class Rejected(Exception):
    """A subject token or request the stand-in refuses; carries the OAuth error."""

    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def verify_subject_jwt(token, jwks, audience, now=None, allowed=None):
    """Checks `token` as Google's STS checks an OIDC subject token: its aud must be one of the
    provider's allowed audiences (`allowed`), by default the provider's resource name
    (`audience`, in either form). Returns (header, claims); raises Rejected(invalid_grant,
    reason)."""
    now = time.time() if now is None else now
    parts = token.split(".")
    if len(parts) != 3:
        raise Rejected("invalid_grant", "subject token is not a JWT (%d segments)" % len(parts))
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
        signature = _b64url_decode(parts[2])
    except Exception as exc:  # noqa: BLE001 - any decoding problem
        raise Rejected("invalid_grant", "undecodable subject JWT: %s" % exc) from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Rejected("invalid_grant", "JWT header or payload is not a JSON object")
    if header.get("alg") != "RS256":
        raise Rejected("invalid_grant", "unsupported alg %r (this stand-in takes RS256)"
                       % header.get("alg"))
    kid = header.get("kid")
    if not kid:
        raise Rejected("invalid_grant", "the subject JWT has no kid header")
    keys = [k for k in (jwks or {}).get("keys", []) if k.get("kid") == kid]
    if not keys:
        raise Rejected("invalid_grant", "kid %r is not in the issuer's JWKS" % kid)
    jwk = keys[0]
    if jwk.get("kty") != "RSA":
        raise Rejected("invalid_grant", "JWKS key %r is not an RSA key" % kid)
    public_key = rsa.RSAPublicNumbers(_b64url_int(jwk["e"]), _b64url_int(jwk["n"])).public_key()
    try:
        public_key.verify(signature, (parts[0] + "." + parts[1]).encode("ascii"),
                          padding.PKCS1v15(), hashes.SHA256())
    except Exception as exc:  # noqa: BLE001 - InvalidSignature
        raise Rejected("invalid_grant", "the subject JWT's signature does not verify") from exc
    for claim in ("iss", "sub"):
        if not isinstance(claims.get(claim), str) or not claims[claim]:
            raise Rejected("invalid_grant", "the subject JWT has no %s claim" % claim)
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int):
        raise Rejected("invalid_grant", "iat and exp must be integer claims")
    if iat > now + CLOCK_SKEW:
        raise Rejected("invalid_grant", "the subject JWT was issued in the future")
    if exp <= now:
        raise Rejected("invalid_grant", "the subject JWT has expired")
    if exp - iat > MAX_TOKEN_SPAN:
        raise Rejected("invalid_grant", "exp - iat exceeds 48 hours")
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if allowed is None:
        allowed = {"https:" + audience, audience}
    if not any(a in allowed for a in auds):
        raise Rejected("invalid_grant", "the subject JWT's aud %r is not among the provider's "
                       "allowed audiences (%s)" % (aud, ", ".join(sorted(allowed))))
    return header, claims


def verify_aws4_request(token, audience, credentials, now=None, require_signed_target=True):
    """Checks an aws4_request subject token as Google's STS does for an AWS provider.
    require_signed_target: x-goog-cloud-target-resource must also be among the SignedHeaders
    (what fedcred does; Google's STS only recommends it, and google-auth-library for Python
    and Node add the header after signing, so the faithfulness test turns it off).
    Returns {"access_key_id", "region"}; raises Rejected(invalid_grant, reason)."""
    try:
        doc = json.loads(urllib.parse.unquote(token))
    except ValueError as exc:
        raise Rejected("invalid_grant", "the aws4_request subject token is not URL-encoded "
                       "JSON") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("headers"), list):
        raise Rejected("invalid_grant", "the aws4_request subject token has no headers list")
    if doc.get("method") != "POST":
        raise Rejected("invalid_grant", "the signed request's method must be POST, not %r"
                       % doc.get("method"))
    url = urllib.parse.urlsplit(str(doc.get("url", "")))
    match = AWS_STS_HOST_RE.match(url.hostname or "")
    if url.scheme != "https" or not match or url.port is not None:
        raise Rejected("invalid_grant", "the signed request's url must be "
                       "https://sts.<region>.amazonaws.com, not %r" % doc.get("url"))
    query = dict(urllib.parse.parse_qsl(url.query))
    if query.get("Action") != "GetCallerIdentity" or query.get("Version") != "2011-06-15":
        raise Rejected("invalid_grant", "the signed request must be "
                       "Action=GetCallerIdentity&Version=2011-06-15")
    headers = {}
    for item in doc["headers"]:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) \
                or not isinstance(item.get("value"), str):
            raise Rejected("invalid_grant", "a header is not {key, value} strings")
        if item["key"].lower() in {k.lower() for k in headers}:
            raise Rejected("invalid_grant", "header %s appears twice" % item["key"])
        headers[item["key"]] = item["value"]

    def header(name):
        return next((v for k, v in headers.items() if k.lower() == name), None)

    if header("host") != url.hostname:
        raise Rejected("invalid_grant", "the host header must be %s" % url.hostname)
    target = header("x-goog-cloud-target-resource")
    if target not in (audience, "https:" + audience):
        raise Rejected("invalid_grant", "x-goog-cloud-target-resource %r is not the audience %s"
                       % (target, audience))
    auth = sigv4_check.AUTH_RE.match(header("authorization") or "")
    if require_signed_target and not (auth and "x-goog-cloud-target-resource"
                                      in auth.group(5).split(";")):
        raise Rejected("invalid_grant", "x-goog-cloud-target-resource is not signed: the "
                       "subject token could be redeemed at any provider that trusts the account")
    if auth and auth.group(3) != match.group(1):
        raise Rejected("invalid_grant", "the signature's region %s is not the url's %s"
                       % (auth.group(3), match.group(1)))
    # botocore recomputes the signature over the headers the Authorization names, so a
    # signed target header is checked against the signature too.
    verdict = sigv4_check.verify("POST", doc["url"], headers, b"", credentials, "sts", now=now)
    if verdict is not None:
        raise Rejected("invalid_grant", "AWS rejected the signed GetCallerIdentity request: "
                       "%s: %s" % verdict)
    return {"access_key_id": auth.group(1), "region": match.group(1)}


class GoogleSts(standin_server.StandinServer):
    """The stand-in; start() binds 127.0.0.1:port (0 = any free port) and serves in a thread."""

    thread_name = "google-sts-standin"

    def __init__(self, jwks_url=None, jwks=None, port=0, access_token_lifetime=3600,
                 allowed_audiences=None, aws_credentials=None, require_signed_target=True,
                 subject_issuer=None, subject_audiences=None):
        self.aws_credentials = aws_credentials
        # aws4_request: x-goog-cloud-target-resource must be signed (verify_aws4_request)
        self.require_signed_target = require_signed_target
        self.jwks_url = jwks_url
        self.jwks = jwks
        self.access_token_lifetime = access_token_lifetime
        # None: any well-formed provider; else only these audiences
        self.allowed_audiences = allowed_audiences
        # An OIDC provider's configuration: its issuer-uri (None: any) and allowed audiences
        # (None: the provider's own resource name, Google's default)
        self.subject_issuer = subject_issuer
        self.subject_audiences = subject_audiences
        super().__init__(port)

    # ----- control -----
    def reset(self):
        with self._lock:
            self.counters = {"token_requests": 0, "token_ok": 0, "token_errors": 0,
                             "iam_requests": 0, "iam_ok": 0, "iam_errors": 0,
                             "tokeninfo_requests": 0, "tokeninfo_ok": 0}
            self.verified = []          # claims of each accepted subject JWT
            self.rejected = []          # reasons
            self.subject_tokens = []    # every subject token received
            self.forms = []             # every /v1/token form, subject_token left out
            self.issued = {}            # STS access token -> expiry (epoch)
            self.impersonated = []      # {"sa", "accessToken", "expireTime", "scope"}
            # every access token issued, either kind -> {"exp" (epoch), "scope" (list),
            # "email" (the service account, None for an STS token)}: what /tokeninfo reports
            self.grants = {}
            self.records = []
            self.faults = {}

    def set_fault(self, spec):
        spec = dict(spec or {})
        with self._lock:
            if not spec:
                self.faults = {}
                return
            endpoint = spec.pop("endpoint", "token")
            times = spec.pop("times", None)
            spec["remaining"] = None if times is None else int(times)
            self.faults[endpoint] = spec

    def _take_fault(self, endpoint):
        with self._lock:
            fault = self.faults.get(endpoint)
            if not fault:
                return None
            if fault["remaining"] is not None:
                if fault["remaining"] <= 0:
                    return None
                fault["remaining"] -= 1
            return dict(fault)

    def stats(self):
        with self._lock:
            out = dict(self.counters)
            out.update({"verified": list(self.verified), "rejected": list(self.rejected),
                        "subject_tokens": list(self.subject_tokens), "forms": list(self.forms),
                        "issued": list(self.issued), "impersonated": list(self.impersonated),
                        "records": list(self.records), "port": self.port})
            return out

    def current_jwks(self):
        if self.jwks is not None:
            return self.jwks() if callable(self.jwks) else self.jwks
        if not self.jwks_url:
            raise Rejected("invalid_grant", "the stand-in has no JWKS configured", 400)
        try:
            with urllib.request.urlopen(self.jwks_url, timeout=5) as resp:
                return json.loads(resp.read())
        except Exception as exc:  # noqa: BLE001 - the issuer is unreachable
            raise Rejected("invalid_grant", "cannot fetch the issuer's JWKS from %s: %s"
                           % (self.jwks_url, exc)) from exc

    # ----- addresses -----
    @property
    def token_url(self):
        return self.url + "/v1/token"

    @property
    def tokeninfo_url(self):
        return self.url + "/tokeninfo"

    def impersonation_url(self, service_account):
        return "%s/v1/projects/-/serviceAccounts/%s:generateAccessToken" % (self.url,
                                                                            service_account)

    # ----- the two operations -----
    def exchange(self, form, headers):
        """The /v1/token logic. Returns (status, JSON document)."""
        with self._lock:
            self.counters["token_requests"] += 1
            if form.get("subject_token"):
                self.subject_tokens.append(form["subject_token"])
            self.forms.append({k: v for k, v in form.items() if k != "subject_token"})
        try:
            fault = self._take_fault("token")
            if fault and fault.get("hang"):
                # a slow exchange that then succeeds (with "hang_only"), or fails as below
                self.wait(standin_server.hang_seconds(fault["hang"]))
                if fault.get("hang_only"):
                    fault = None
            if fault:
                raise Rejected(fault.get("error", "temporarily_unavailable"),
                               fault.get("description", "stand-in fault"),
                               int(fault.get("status", 503)))
            if headers.get("Authorization"):
                raise Rejected("invalid_client", "the token exchange takes no Authorization "
                               "header (no client authentication is configured)", 401)
            ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/x-www-form-urlencoded":
                raise Rejected("invalid_request", "Content-Type must be "
                               "application/x-www-form-urlencoded, not %r" % ctype)
            if form.get("grant_type") != GRANT_TYPE:
                raise Rejected("unsupported_grant_type", "grant_type must be %s" % GRANT_TYPE)
            if form.get("requested_token_type") != ACCESS_TOKEN_TYPE:
                raise Rejected("invalid_request", "requested_token_type must be %s"
                               % ACCESS_TOKEN_TYPE)
            audience = form.get("audience", "")
            if not PROVIDER_RE.match(audience):
                raise Rejected("invalid_target", "audience %r is not a workload identity provider"
                               % audience)
            if self.allowed_audiences is not None and audience not in self.allowed_audiences:
                raise Rejected("invalid_target", "unknown provider %s" % audience)
            if form.get("subject_token_type") not in SUBJECT_TOKEN_TYPES:
                raise Rejected("invalid_request", "subject_token_type %r is not a JWT type"
                               % form.get("subject_token_type"))
            if not form.get("subject_token"):
                raise Rejected("invalid_request", "subject_token is missing")
            if not form.get("scope"):
                raise Rejected("invalid_scope", "scope is missing")
            if form["subject_token_type"] == AWS4_REQUEST_TYPE:
                creds = self.aws_credentials() if callable(self.aws_credentials) \
                    else (self.aws_credentials or {})
                claims = verify_aws4_request(form["subject_token"], audience, creds,
                                             require_signed_target=self.require_signed_target)
            else:
                _, claims = verify_subject_jwt(form["subject_token"], self.current_jwks(),
                                               audience, allowed=self.subject_audiences)
                if self.subject_issuer is not None and claims["iss"] != self.subject_issuer:
                    raise Rejected("invalid_grant", "the subject JWT's iss %r is not the "
                                   "provider's issuer" % claims["iss"])
        except Rejected as rej:
            with self._lock:
                self.counters["token_errors"] += 1
                self.rejected.append({"endpoint": "token", "error": rej.error,
                                      "description": rej.description})
            return rej.status, {"error": rej.error, "error_description": rej.description}
        access_token = "ya29.fake-sts-" + secrets.token_urlsafe(32)
        with self._lock:
            self.counters["token_ok"] += 1
            self.verified.append(claims)
            self.issued[access_token] = time.time() + self.access_token_lifetime
            self.grants[access_token] = {"exp": self.issued[access_token],
                                         "scope": form["scope"].split(), "email": None}
        return 200, {"access_token": access_token, "issued_token_type": ACCESS_TOKEN_TYPE,
                     "token_type": "Bearer", "expires_in": self.access_token_lifetime}

    def generate_access_token(self, service_account, body, headers):
        """The generateAccessToken logic. Returns (status, JSON document)."""
        with self._lock:
            self.counters["iam_requests"] += 1

        def error(code, status, message):
            with self._lock:
                self.counters["iam_errors"] += 1
                self.rejected.append({"endpoint": "iam", "error": status,
                                      "description": message})
            return code, {"error": {"code": code, "message": message, "status": status}}

        fault = self._take_fault("iam")
        if fault:
            code = int(fault.get("status", 503))
            return error(code, fault.get("error", "UNAVAILABLE"),
                         fault.get("description", "stand-in fault"))
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            return error(401, "UNAUTHENTICATED", "Request is missing a Bearer access token")
        bearer = auth[len("Bearer "):].strip()
        with self._lock:
            expiry = self.issued.get(bearer)
        if expiry is None:
            return error(401, "UNAUTHENTICATED", "the Bearer token was not issued by this STS")
        if expiry <= time.time():
            return error(401, "UNAUTHENTICATED", "the Bearer token has expired")
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return error(400, "INVALID_ARGUMENT", "Content-Type must be application/json")
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return error(400, "INVALID_ARGUMENT", "the body is not JSON")
        scope = doc.get("scope") if isinstance(doc, dict) else None
        if not isinstance(scope, list) or not scope or \
                not all(isinstance(s, str) and s for s in scope):
            return error(400, "INVALID_ARGUMENT", "scope must be a non-empty list")
        lifetime = 3600
        if doc.get("lifetime") is not None:
            match = re.fullmatch(r"(\d+)(?:\.\d+)?s", str(doc["lifetime"]))
            if not match or not 1 <= int(match.group(1)) <= 43200:
                return error(400, "INVALID_ARGUMENT", "lifetime must be like \"3600s\"")
            lifetime = int(match.group(1))
        token = "ya29.fake-sa-" + secrets.token_urlsafe(32)
        expires = int(time.time() + lifetime)
        expire_time = _rfc3339(expires)
        with self._lock:
            self.counters["iam_ok"] += 1
            self.grants[token] = {"exp": expires, "scope": list(scope),
                                  "email": service_account}
            self.impersonated.append({"sa": service_account, "accessToken": token,
                                      "expireTime": expire_time, "scope": scope,
                                      "sts_token": bearer})
        return 200, {"accessToken": token, "expireTime": expire_time}

    def token_info(self, token):
        """The /tokeninfo logic. Returns (status, JSON document)."""
        now = time.time()
        with self._lock:
            self.counters["tokeninfo_requests"] += 1
            grant = self.grants.get(token or "")
            if grant is None or grant["exp"] <= now:
                return 400, {"error": "invalid_token", "error_description": "Invalid Value"}
            self.counters["tokeninfo_ok"] += 1
        doc = {"aud": "fedcred-standin", "azp": "fedcred-standin",
               "scope": " ".join(grant["scope"]), "exp": str(int(grant["exp"])),
               "expires_in": str(int(grant["exp"] - now))}
        if grant["email"]:
            doc.update({"email": grant["email"], "email_verified": "true"})
        return 200, doc


class _Handler(standin_server.StandinHandler):
    owner: GoogleSts = None
    server_version = "ESF"      # Server: ESF Python/x.y
    log_name = "fake_google_sts"

    def _send(self, status, doc):
        return self._respond(status, json.dumps(doc),
                             [("Content-Type", "application/json; charset=UTF-8")])

    def _control_reply(self, ok):
        return self._send(200, {}) if ok else self._send(400, {"error": "bad json"})

    def _record(self, path):
        hdrs = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        with self.owner._lock:
            self.owner.records.append({"method": self.command, "path": path, "headers": hdrs,
                                       "authorization": bool(self.headers.get("Authorization"))})

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_stats":
            return self._send(200, self.owner.stats())
        self._record(path)
        if path == "/tokeninfo":
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            return self._send(*self.owner.token_info(query.get("access_token")))
        return self._send(404, {"error": {"code": 404, "message": "not found",
                                          "status": "NOT_FOUND"}})

    def do_POST(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        body = self._read_body()
        if self._control(path, body):
            return None
        self._record(path)
        if path == "/tokeninfo":
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            return self._send(*srv.token_info(form.get("access_token")))
        if path == "/v1/token":
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                               keep_blank_values=True))
            status, doc = srv.exchange(form, self.headers)
            return self._send(status, doc)
        match = IAM_PATH_RE.match(path)
        if match:
            status, doc = srv.generate_access_token(urllib.parse.unquote(match.group(1)), body,
                                                    self.headers)
            return self._send(status, doc)
        return self._send(404, {"error": {"code": 404, "message": "no such method %s" % path,
                                          "status": "NOT_FOUND"}})


GoogleSts.handler_class = _Handler


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--jwks-url",
                            help="the issuer's JWKS (AWS outbound stand-in "
                                 "/.well-known/jwks.json, GCE stand-in /.well-known/jwks)")
        parser.add_argument("--aws-credentials-json",
                            help='aws4_request signers: {"AKID": ["secret", "session token"|null]}')

    def start(args):
        creds = None
        if args.aws_credentials_json:
            with open(args.aws_credentials_json) as f:
                creds = {k: tuple(v) for k, v in json.load(f).items()}
        return GoogleSts(jwks_url=args.jwks_url, port=args.port, aws_credentials=creds).start()

    return standin_server.standin_main(__doc__, start, add_arguments, argv)


if __name__ == "__main__":
    sys.exit(main())
