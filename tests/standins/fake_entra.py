#!/usr/bin/env python3
"""Stand-in for Microsoft Entra ID's v2.0 endpoints (docs/PROTOCOLS.md section 12), https only.

  GET  /{tenant}/v2.0/.well-known/openid-configuration   the tenant's OIDC discovery document
  GET  /{tenant}/discovery/v2.0/keys                      its signing keys (JWKS)
  POST /{tenant}/oauth2/v2.0/token                        client credentials with a federated
                                                          client assertion

The token endpoint takes what Entra takes for workload identity federation: a form with
grant_type=client_credentials, client_id, scope (one RESOURCE/.default),
client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and
client_assertion, a JWT it VERIFIES: RS256 with a `kid` found in its issuer's published JWKS
(`issuers`: issuer -> JWKS URL, fetched on every exchange so a rotated key is seen at once,
e.g. the GCE metadata stand-in's /.well-known/jwks for https://accounts.google.com and the AWS
outbound stand-in's /.well-known/jwks.json for its issuer), a good signature, exp in the future,
nbf/iat not in the future, a lifetime of at most a day, and a federated identity credential of
the app (`apps`: client_id -> [{"issuer", "subject", "audiences"}]) whose issuer, subject and
audience match the assertion's iss, sub and aud EXACTLY (case-sensitive, as Entra matches since
2024: learn.microsoft.com/entra/identity-platform/reference-breaking-changes). A federated
credential's audience is api://AzureADTokenExchange unless registered otherwise.

Errors have Entra's shape, {"error", "error_description": "AADSTSnnn: ... Trace ID: ...
Correlation ID: ... Timestamp: ...", "error_codes": [n], "timestamp", "trace_id",
"correlation_id", "error_uri"}; invalid_client is HTTP 401, the others 400:
  AADSTS90002   invalid_request       tenant not found (also for discovery)
  AADSTS700016  unauthorized_client   no application with that client_id in the tenant
  AADSTS900144  invalid_request       a required form parameter is missing
  AADSTS70003   unsupported_grant_type
  AADSTS7000218 invalid_client        no client_assertion (nor secret)
  AADSTS50027   invalid_request       the assertion is not a well-formed JWT (or its type is
                                      not jwt-bearer)
  AADSTS700211  invalid_client        no federated credential has the assertion's issuer
  AADSTS700212  invalid_client        ... the issuer but not the audience
  AADSTS700213  invalid_client        ... the issuer and audience but not the subject
  AADSTS700027  invalid_client        the signature does not verify (kid unknown, bad bytes,
                                      alg not RS256, issuer keys unreachable)
  AADSTS700024  invalid_client        not within its valid time range (expired, not yet
                                      valid, or living longer than a day)
  AADSTS1002012 invalid_scope         a scope without /.default in a client-credentials flow
  AADSTS70011   invalid_scope         more than one resource in scope
  AADSTS500011  invalid_resource      the resource principal is not in the tenant
(700211/700212/700213/700016/90002/700024/1002012 and the shape are on record in
Azure/azure-workload-identity#616 and #1200, Azure/login#482, microsoft/Agents#202; the others
are Entra's codes for those conditions in learn.microsoft.com's AADSTS reference.)

Success: {"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token"}; the
access token is a JWT this stand-in signs (v1 claims: iss https://sts.windows.net/TENANT/, aud
the resource, appid, oid, sub, tid, iat, nbf, exp), which the blob stand-in (fake_blob.py)
verifies with issued_token_claims().

Test-only: GET /_stats, POST /_control (a fault: {"status": 503, "times": N} or {"hang": s}),
POST /_reset. In-process: EntraServer(tls=ca.server_context(), issuers={...},
apps={...}).start(); as a process: fake_entra.py --tls-dir DIR [--issuer ISS=JWKS_URL]...
[--app CLIENT_ID=ISS|SUB[|AUD]]... prints the port once listening (DIR/ca.pem is the CA).
"""

import datetime
import json
import re
import sys
import time
import urllib.parse
import urllib.request
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import standin_server  # noqa: E402
from gce_metadata import SigningKey, b64url_decode  # noqa: E402

TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEFAULT_TENANT_ID = "72f988bf-0000-4000-8000-00000000fedc"
DEFAULT_TENANT_DOMAIN = "fedcredtest.onmicrosoft.com"
DEFAULT_CLIENT_ID = "11111111-2222-4333-8444-555555555555"
# Resource principals every tenant has (first-party apps), and a custom API.
DEFAULT_RESOURCES = ("https://management.azure.com", "https://storage.azure.com",
                     "https://graph.microsoft.com", "https://vault.azure.net",
                     "api://fedcred-test-api")
MAX_ASSERTION_LIFETIME = 24 * 3600
CLOCK_SKEW = 300            # Entra tolerates five minutes of skew
ACCESS_TOKEN_LIFETIME = 3599
JWS_SEGMENT_RE = re.compile(r"\A[A-Za-z0-9_-]+\Z")


def _b64url_int(text):
    return int.from_bytes(b64url_decode(text), "big")


def _stamp(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


class EntraError(Exception):
    """An answer in Entra's error shape."""

    STATUS = {"invalid_client": 401}

    def __init__(self, error, code, text):
        super().__init__("AADSTS%d: %s" % (code, text))
        self.error, self.code, self.text = error, code, text

    @property
    def status(self):
        return self.STATUS.get(self.error, 400)

    def document(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        return {"error": self.error,
                "error_description": "AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s"
                                     % (self.code, self.text, trace, correlation, stamp),
                "error_codes": [self.code], "timestamp": stamp, "trace_id": trace,
                "correlation_id": correlation,
                "error_uri": "https://login.microsoftonline.com/error?code=%d" % self.code}


def fic(issuer, subject, audiences=(TOKEN_EXCHANGE_AUDIENCE,)):
    """A federated identity credential, as `az ad app federated-credential create` takes it."""
    return {"issuer": issuer, "subject": subject, "audiences": list(audiences)}


class EntraServer(standin_server.StandinServer):
    thread_name = "entra-standin"

    def __init__(self, tls, issuers=None, apps=None, port=0, tenant_id=DEFAULT_TENANT_ID,
                 tenant_domain=DEFAULT_TENANT_DOMAIN, resources=DEFAULT_RESOURCES, key=None):
        """tls: a server ssl.SSLContext (loopback_ca.LoopbackCa.server_context()).
        issuers: {issuer: JWKS URL, or a JWKS dict, or a callable returning one}.
        apps: {client_id: [fic(...), ...]}."""
        self.tls = tls
        self.issuers = dict(issuers or {})
        self.apps = {k: list(v) for k, v in (apps or {}).items()}
        self.tenant_id = tenant_id
        self.tenant_domain = tenant_domain
        self.resources = tuple(r.rstrip("/") for r in resources)
        self.key = key or SigningKey()
        super().__init__(port)

    # ----- control -----
    def reset(self):
        with self._lock:
            self.token_requests = 0
            self.discovery_requests = 0
            self.forms = []          # every token form, client_assertion left out
            self.assertions = []     # every client assertion received
            self.verified = []       # claims of every accepted assertion
            self.rejected = []       # (AADSTS code, text) of every refusal
            self.issued = []         # every access token handed out
            self.records = []        # method, path, headers (no Authorization)
            self.fault = standin_server.Fault()

    def stats(self):
        with self._lock:
            return {"token_requests": self.token_requests,
                    "discovery_requests": self.discovery_requests,
                    "forms": list(self.forms), "assertions": list(self.assertions),
                    "verified": list(self.verified), "rejected": list(self.rejected),
                    "issued": list(self.issued), "records": list(self.records),
                    "tenant_id": self.tenant_id, "port": self.port}

    def register(self, client_id, credentials):
        with self._lock:
            self.apps[client_id] = list(credentials)

    # ----- addresses -----
    @property
    def issuer_v1(self):
        """The iss of the access tokens it issues (v1 tokens, as Entra's for Azure resources)."""
        return "https://sts.windows.net/%s/" % self.tenant_id

    def token_url(self, tenant=None):
        return "%s/%s/oauth2/v2.0/token" % (self.url, tenant or self.tenant_id)

    def known_tenant(self, tenant):
        return tenant in (self.tenant_id, self.tenant_domain)

    def openid_configuration(self, tenant):
        base = "%s/%s" % (self.url, self.tenant_id)
        return {
            "token_endpoint": base + "/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": base + "/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": base + "/v2.0",
            "request_uri_parameter_supported": False,
            "authorization_endpoint": base + "/oauth2/v2.0/authorize",
            "device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
            "end_session_endpoint": base + "/oauth2/v2.0/logout",
            "http_logout_supported": True, "frontchannel_logout_supported": True,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid"],
            "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net", "msgraph_host": "graph.microsoft.com",
        }

    # ----- tokens -----
    def issue_access_token(self, resource, client_id, lifetime=ACCESS_TOKEN_LIFETIME,
                           object_id=None):
        """A v1 access token for `resource` (what Entra and Azure IMDS hand out), recorded."""
        now = int(time.time())
        oid = object_id or str(uuid.uuid5(uuid.NAMESPACE_URL, "sp:" + client_id))
        claims = {"aud": resource, "iss": self.issuer_v1, "iat": now, "nbf": now,
                  "exp": now + lifetime, "appid": client_id, "appidacr": "2",
                  "idp": self.issuer_v1, "oid": oid, "sub": oid, "tid": self.tenant_id,
                  "uti": uuid.uuid4().hex[:22], "ver": "1.0"}
        token = self.key.sign(claims)
        with self._lock:
            self.issued.append(token)
        return token, now + lifetime

    def issued_token_claims(self, token, resource):
        """The claims of `token` when this stand-in issued it, unexpired, for `resource`;
        raises ValueError with the reason otherwise (what a resource server checks)."""
        parts = token.split(".")
        if len(parts) != 3:
            raise ValueError("not a JWT")
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        if header.get("alg") != "RS256" or header.get("kid") != self.key.kid:
            raise ValueError("not signed with the tenant's key")
        try:
            self.key.public_key.verify(b64url_decode(parts[2]),
                                       (parts[0] + "." + parts[1]).encode("ascii"),
                                       padding.PKCS1v15(), hashes.SHA256())
        except Exception as exc:  # noqa: BLE001 - InvalidSignature
            raise ValueError("bad signature") from exc
        if claims.get("iss") != self.issuer_v1:
            raise ValueError("issuer %r is not the tenant's" % claims.get("iss"))
        if claims.get("aud", "").rstrip("/") != resource.rstrip("/"):
            raise ValueError("audience %r is not %s" % (claims.get("aud"), resource))
        if claims.get("exp", 0) <= time.time():
            raise ValueError("the token has expired")
        return claims

    # ----- the token endpoint -----
    def issuer_jwks(self, issuer):
        source = self.issuers.get(issuer)
        if callable(source):
            return source()
        if isinstance(source, dict):
            return source
        with urllib.request.urlopen(source, timeout=5) as resp:
            return json.loads(resp.read())

    def verify_assertion(self, assertion, client_id):
        """The federated client assertion's claims; raises EntraError as Entra refuses it."""
        parts = assertion.split(".")
        try:
            # A compact JWS is base64url segments and two dots, nothing else: a trailing
            # newline (a token file written with one, sent verbatim by azure-identity) is a
            # malformed assertion here, not one Python's lenient base64 decoder would forgive.
            if len(parts) != 3 or not all(JWS_SEGMENT_RE.match(p) for p in parts):
                raise ValueError
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
            if not isinstance(header, dict) or not isinstance(claims, dict):
                raise ValueError
        except ValueError:
            raise EntraError("invalid_request", 50027,
                             "JWT token is invalid or malformed.") from None
        issuer, subject, aud = claims.get("iss"), claims.get("sub"), claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        credentials = self.apps.get(client_id, [])
        by_issuer = [c for c in credentials if c["issuer"] == issuer]
        if not by_issuer:
            raise EntraError("invalid_client", 700211,
                             "No matching federated identity record found for presented "
                             "assertion issuer '%s'. Please check your federated identity "
                             "credential Subject, Audience and Issuer against the presented "
                             "assertion. https://learn.microsoft.com/entra/workload-id/"
                             "workload-identity-federation" % issuer)
        by_audience = [c for c in by_issuer if any(a in c["audiences"] for a in audiences)]
        if not by_audience:
            raise EntraError("invalid_client", 700212,
                             "No matching federated identity record found for presented "
                             "assertion audience '%s'. Please check your federated identity "
                             "credential Subject, Audience and Issuer against the presented "
                             "assertion. https://learn.microsoft.com/entra/workload-id/"
                             "workload-identity-federation" % ",".join(map(str, audiences)))
        if not any(c["subject"] == subject for c in by_audience):
            raise EntraError("invalid_client", 700213,
                             "No matching federated identity record found for presented "
                             "assertion subject '%s'. Check your federated identity credential "
                             "Subject, Audience and Issuer against the presented assertion. "
                             "https://learn.microsoft.com/entra/workload-id/"
                             "workload-identity-federation" % subject)
        bad_signature = EntraError("invalid_client", 700027,
                                   "Client assertion failed signature validation.")
        if header.get("alg") != "RS256":
            raise bad_signature
        try:
            jwks = self.issuer_jwks(issuer)
        except Exception:  # noqa: BLE001 - the issuer's keys are unreachable
            raise EntraError("invalid_client", 700027,
                             "Client assertion failed signature validation: the keys of "
                             "issuer '%s' could not be retrieved." % issuer) from None
        keys = [k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")
                and k.get("kty") == "RSA"]
        if not keys:
            raise bad_signature
        public_key = rsa.RSAPublicNumbers(_b64url_int(keys[0]["e"]),
                                          _b64url_int(keys[0]["n"])).public_key()
        try:
            public_key.verify(signature, (parts[0] + "." + parts[1]).encode("ascii"),
                              padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 - InvalidSignature
            raise bad_signature from None
        now = time.time()
        exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat"))
        if not isinstance(exp, int) or not isinstance(nbf, int) or exp <= now - CLOCK_SKEW \
                or nbf > now + CLOCK_SKEW or exp - nbf > MAX_ASSERTION_LIFETIME:
            valid_from = _stamp(nbf if isinstance(nbf, int) else 0).strftime(
                "%Y-%m-%dT%H:%M:%S.0000000Z")
            expiry = _stamp(exp if isinstance(exp, int) else 0).strftime(
                "%Y-%m-%dT%H:%M:%S.0000000Z")
            raise EntraError("invalid_client", 700024,
                             "Client assertion is not within its valid time range. Current "
                             "time: %s, assertion valid from %s, expiry time of assertion %s. "
                             "Review the documentation at https://learn.microsoft.com/entra/"
                             "identity-platform/certificate-credentials ."
                             % (_stamp(now).strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
                                valid_from, expiry))
        return claims

    def resource_of(self, scope):
        scopes = scope.split()
        if len(scopes) != 1:
            raise EntraError("invalid_scope", 70011,
                             "The provided request must include a 'scope' input parameter. "
                             "The provided value for the input parameter 'scope' is not valid. "
                             "The scope %s is not valid." % scope)
        if not scopes[0].endswith("/.default"):
            raise EntraError("invalid_scope", 1002012,
                             "The provided value for scope %s is not valid. Client credential "
                             "flows must have a scope value with /.default suffixed to the "
                             "resource identifier (application ID URI)." % scopes[0])
        resource = scopes[0][:-len("/.default")]
        if resource.rstrip("/") not in self.resources:
            raise EntraError("invalid_resource", 500011,
                             "The resource principal named %s was not found in the tenant "
                             "named %s. This can happen if the application has not been "
                             "installed by the administrator of the tenant or consented to by "
                             "any user in the tenant." % (resource, self.tenant_id))
        return resource

    def token(self, tenant, form, headers):
        """The token endpoint. Returns (status, document)."""
        with self._lock:
            self.token_requests += 1
            self.forms.append({k: v for k, v in form.items() if k != "client_assertion"})
            if form.get("client_assertion"):
                self.assertions.append(form["client_assertion"])
        try:
            if not self.known_tenant(tenant):
                raise EntraError("invalid_request", 90002,
                                 "Tenant '%s' not found. Check to make sure you have the correct "
                                 "tenant ID and are signing into the correct cloud." % tenant)
            ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/x-www-form-urlencoded":
                raise EntraError("invalid_request", 900144,
                                 "The request body must contain the following parameter: "
                                 "'grant_type'.")
            for name in ("grant_type", "client_id", "scope"):
                if not form.get(name):
                    raise EntraError("invalid_request", 900144,
                                     "The request body must contain the following parameter: "
                                     "'%s'." % name)
            if form["grant_type"] != "client_credentials":
                raise EntraError("unsupported_grant_type", 70003,
                                 "The app requested an unsupported grant type '%s'."
                                 % form["grant_type"])
            client_id = form["client_id"]
            if client_id not in self.apps:
                raise EntraError("unauthorized_client", 700016,
                                 "Application with identifier '%s' was not found in the "
                                 "directory '%s'. This can happen if the application has not "
                                 "been installed by the administrator of the tenant or consented "
                                 "to by any user in the tenant. You may have sent your "
                                 "authentication request to the wrong tenant."
                                 % (client_id, self.tenant_domain))
            if not form.get("client_assertion"):
                raise EntraError("invalid_client", 7000218,
                                 "The request body must contain the following parameter: "
                                 "'client_assertion' or 'client_secret'.")
            if form.get("client_assertion_type") != JWT_BEARER:
                raise EntraError("invalid_request", 50027,
                                 "JWT token is invalid or malformed: client_assertion_type "
                                 "must be %s." % JWT_BEARER)
            resource = self.resource_of(form["scope"])
            claims = self.verify_assertion(form["client_assertion"], client_id)
        except EntraError as err:
            with self._lock:
                self.rejected.append((err.code, err.text))
            return err.status, err.document()
        token, _ = self.issue_access_token(resource, client_id)
        with self._lock:
            self.verified.append(claims)
        return 200, {"token_type": "Bearer", "expires_in": ACCESS_TOKEN_LIFETIME,
                     "ext_expires_in": ACCESS_TOKEN_LIFETIME, "access_token": token}


PATH_RE = re.compile(r"^/([^/]+)/(v2\.0/\.well-known/openid-configuration|discovery/v2\.0/keys|"
                     r"oauth2/v2\.0/token)$")


class _Handler(standin_server.StandinHandler):
    owner: EntraServer = None
    log_name = "fake_entra"

    def _json(self, status, doc, extra=()):
        return self._respond(status, json.dumps(doc),
                             [("Content-Type", "application/json; charset=utf-8"),
                              ("Cache-Control", "no-store, no-cache")] + list(extra))

    def _control_reply(self, ok):
        return self._json(200, {}) if ok else self._json(400, {"error": "bad json"})

    def _record(self, path):
        with self.owner._lock:
            self.owner.records.append({
                "method": self.command, "path": path,
                "headers": {k: v for k, v in self.headers.items()
                            if k.lower() != "authorization"}})

    def _fault(self):
        fault = self.owner.fault.take()
        if fault.get("hang"):
            self.owner.wait(standin_server.hang_seconds(fault["hang"]))
        if "status" in fault:
            status = int(fault["status"])
            self._json(status, EntraError("temporarily_unavailable", 90033,
                                          "A transient error has occurred. Please try again."
                                          ).document(),
                       [("Retry-After", str(fault.get("retry_after", 0)))])
            return True
        return False

    def do_GET(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_stats":
            return self._json(200, srv.stats())
        self._record(path)
        match = PATH_RE.match(path)
        if not match or match.group(2) == "oauth2/v2.0/token":
            return self._json(404, {"error": "not_found"})
        tenant = match.group(1)
        with srv._lock:
            srv.discovery_requests += 1
        if not srv.known_tenant(tenant) and tenant not in ("common", "organizations"):
            err = EntraError("invalid_tenant", 90002,
                             "Tenant '%s' not found. Check to make sure you have the correct "
                             "tenant ID and are signing into the correct cloud." % tenant)
            return self._json(400, err.document())
        if match.group(2).startswith("discovery"):
            return self._json(200, srv.key.jwks())
        return self._json(200, srv.openid_configuration(tenant))

    def do_POST(self):
        srv = self.owner
        path = urllib.parse.urlsplit(self.path).path
        body = self._read_body()
        if self._control(path, body):
            return None
        self._record(path)
        match = PATH_RE.match(path)
        if not match or match.group(2) != "oauth2/v2.0/token":
            return self._json(404, {"error": "not_found"})
        if self._fault():
            return None
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                           keep_blank_values=True))
        status, doc = srv.token(match.group(1), form, self.headers)
        return self._json(status, doc)


EntraServer.handler_class = _Handler


def main(argv=None):
    import loopback_ca

    def add_arguments(parser):
        parser.add_argument("--tls-dir", required=True,
                            help="where the test CA and server certificate are written")
        parser.add_argument("--issuer", action="append", default=[],
                            help="ISSUER=JWKS_URL: a trusted assertion issuer")
        parser.add_argument("--app", action="append", default=[],
                            help="CLIENT_ID=ISSUER|SUBJECT[|AUDIENCE]: a federated credential")

    def start(args):
        issuers = dict(item.split("=", 1) for item in args.issuer)
        apps = {}
        for item in args.app:
            client_id, spec = item.split("=", 1)
            fields = spec.split("|")
            apps.setdefault(client_id, []).append(
                fic(fields[0], fields[1], fields[2:] or (TOKEN_EXCHANGE_AUDIENCE,)))
        ca = loopback_ca.LoopbackCa(args.tls_dir)
        return EntraServer(tls=ca.server_context(), issuers=issuers, apps=apps,
                           port=args.port).start()

    return standin_server.standin_main(__doc__, start, add_arguments, argv)


if __name__ == "__main__":
    sys.exit(main())
