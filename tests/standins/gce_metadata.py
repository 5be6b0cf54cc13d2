#!/usr/bin/env python3
"""Stand-in for the Google metadata server, for fedcred's integration, e2e and demo runs.

It issues real RS256-signed Google-style ID tokens (docs/PROTOCOLS.md section 6) from
  GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=AUD[&format=full]
and answers a few plain metadata keys (instance/name, instance/id, instance/zone,
project/project-id, project/numeric-project-id, instance/service-accounts/default/email and
/scopes, and instance/service-accounts/default/?recursive=true, the account as JSON) and
the directory listings Google's clients probe (/, computeMetadata/v1/instance).
Every /computeMetadata request must carry `Metadata-Flavor: Google` (403 otherwise).

It plays one of three servers (`flavor`, docs/PROTOCOLS.md section 9 has the evidence):
  gce       Compute Engine: every answer carries `Metadata-Flavor: Google`; format=full adds
            the google.compute_engine claims.
  gke       GKE's metadata server (Workload Identity): `Server: GKE Metadata Server`; its 403
            for a request without the header has no Metadata-Flavor (google-auth-library-ruby
            #228); service-account token answers come without the header
            (googleapis/gcp-metadata#215; `tokens_without_flavor`); tokens have no
            google.compute_engine claims, format=full or not (hashicorp/vault-plugin-auth-gcp
            #113); with `refuse_format_full` it answers format=full with HTTP 400
            (googleapis/google-auth-library-nodejs#1305).
  cloudrun  Cloud Run: tokens have no google.compute_engine claims (vault-plugin-auth-gcp
            #190); its 403 has no Metadata-Flavor (xelalexv/dregsy#82).
In every flavor a token without format=full has no email claim, as on Compute Engine
(google-auth-library-python#462, google-auth-library-nodejs#874).

Test-only endpoints (no Metadata-Flavor needed):
  GET  /_stats            JSON: request counters, the tokens issued, the requests received
  POST /_control          JSON: arm a fault (see Fault below); {} clears it
  POST /_reset            clear counters, records and faults
  GET  /.well-known/jwks  the public key as a JWKS (kid, n, e)
  GET  /_pubkey.pem       the public key as PEM

Use it in-process (`MetadataServer(flavor="gke").start()`, then `.set_fault(...)`,
`.stats()`), or as a process: `gce_metadata.py [--port 0] [--port-file F] [--pubkey-file F]
[--flavor gce|gke|cloudrun] [--refuse-format-full] [--tokens-with-flavor]` prints the port on
stdout once it listens, then serves until SIGTERM/SIGINT.
"""

import base64
import http.server
import json
import os
import sys
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import standin_server  # noqa: E402

METADATA_PREFIX = "/computeMetadata/v1/"
IDENTITY_PATH = METADATA_PREFIX + "instance/service-accounts/default/identity"

# Defaults describing the pretend VM and its service account.
DEFAULT_IDENTITY = {
    "sa_id": "104683937529437258841",          # azp = sub = the SA unique id (numeric)
    "email": "fedcred-test@fedcred-demo.iam.gserviceaccount.com",
    "project_id": "fedcred-demo",
    "project_number": "512345678901",
    "zone": "europe-west1-b",
    "instance_id": "6541234567890123456",
    "instance_name": "fedcred-test-vm",
}


IDENTITY_SUFFIX = "/identity"
TOKEN_SUFFIX = "/token"
SERVICE_ACCOUNTS = METADATA_PREFIX + "instance/service-accounts/"


class Flavor:
    """How one kind of Google metadata server answers (see the module docstring)."""

    def __init__(self, name, server, compute_claims, forbidden_body, flavor_on_forbidden,
                 tokens_without_flavor=False):
        self.name = name
        self.server = server                      # the Server header
        self.compute_claims = compute_claims      # format=full adds google.compute_engine
        self.forbidden_body = forbidden_body      # the 403 for a request without the header
        self.flavor_on_forbidden = flavor_on_forbidden
        self.tokens_without_flavor = tokens_without_flavor


FLAVORS = {
    "gce": Flavor("gce", "Metadata Server for VM", True,
                  "Missing Metadata-Flavor:Google header.\n", True),
    "gke": Flavor("gke", "GKE Metadata Server", False,
                  'GKE Metadata Server encountered an error: Missing required header '
                  '"Metadata-Flavor": "Google"\n', False, tokens_without_flavor=True),
    # Cloud Run's Server header is not on record: http.server's own stays.
    "cloudrun": Flavor("cloudrun", None, False, "Forbidden\n", False),
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_to_b64url(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class SigningKey:
    """An RSA key pair with a kid; signs and verifies RS256 JWTs."""

    def __init__(self):
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = self.private_key.public_key()
        der = self.public_key.public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
        digest = hashes.Hash(hashes.SHA256())
        digest.update(der)
        self.kid = digest.finalize().hex()[:40]

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)

    def jwks(self) -> dict:
        numbers = self.public_key.public_numbers()
        return {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                          "n": _int_to_b64url(numbers.n), "e": _int_to_b64url(numbers.e)}]}

    def sign(self, claims: dict) -> str:
        header = {"alg": "RS256", "kid": self.kid, "typ": "JWT"}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        signature = self.private_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(),
                                          hashes.SHA256())
        return signing_input + "." + b64url(signature)


def verify_jwt(token: str, public_key) -> dict:
    """Verifies an RS256 JWT against `public_key` (a cryptography RSA public key or PEM bytes).

    Returns the claims; raises ValueError with the reason on any failure (shape, alg,
    signature, expiry)."""
    if isinstance(public_key, (bytes, str)):
        if isinstance(public_key, str):
            public_key = public_key.encode()
        public_key = serialization.load_pem_public_key(public_key)
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT: %d segments" % len(parts))
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except Exception as exc:  # noqa: BLE001 - any decoding problem is a bad token
        raise ValueError("undecodable JWT: %s" % exc) from exc
    if header.get("alg") != "RS256":
        raise ValueError("unexpected alg %r" % header.get("alg"))
    try:
        public_key.verify(signature, (parts[0] + "." + parts[1]).encode("ascii"),
                          padding.PKCS1v15(), hashes.SHA256())
    except Exception as exc:  # noqa: BLE001 - InvalidSignature and friends
        raise ValueError("bad signature") from exc
    now = time.time()
    if not isinstance(claims.get("exp"), int) or claims["exp"] < now:
        raise ValueError("token expired or exp missing")
    if not isinstance(claims.get("iat"), int) or claims["iat"] > now + 300:
        raise ValueError("iat missing or in the future")
    return claims


class Fault(standin_server.Fault):
    """What the server does wrong, and for how many identity requests.

    Keys of the JSON accepted by /_control and set_fault():
      status: int         answer with this HTTP status (body: a short error text)
      body: str           answer 200 with this body instead of a JWT
      oversize: bool|int  answer 200 with a JWT-looking body of that many bytes (True = 4 MiB)
      hang: float         wait this many seconds before answering (True = 60)
      drop_header: bool   leave out the Metadata-Flavor response header
      redirect: str       answer 302 to this Location
      close: bool         close the connection without any answer
      times: int          apply to this many identity requests, then behave (default: always)
      all_paths: bool     apply to every /computeMetadata request, not only identity
    """

    def active(self, is_identity: bool) -> bool:
        if not is_identity and not self.spec.get("all_paths"):
            return False
        return bool(self.take())


class MetadataServer(standin_server.StandinServer):
    """The stand-in; start() binds 127.0.0.1:port (0 = any free port) and serves in a thread."""

    thread_name = "gce-metadata-standin"
    fault_class = Fault

    def __init__(self, port: int = 0, identity: dict = None, key: SigningKey = None,
                 token_lifetime: int = 3600, flavor: str = "gce", refuse_format_full: bool = False,
                 tokens_without_flavor: bool = None):
        self.identity = dict(DEFAULT_IDENTITY)
        self.identity.update(identity or {})
        self.key = key or SigningKey()
        self.token_lifetime = token_lifetime
        self.flavor = FLAVORS[flavor]
        self.refuse_format_full = refuse_format_full
        self.tokens_without_flavor = (self.flavor.tokens_without_flavor
                                      if tokens_without_flavor is None else tokens_without_flavor)
        super().__init__(port)

    # ----- control, used by tests in-process or through /_control -----
    def reset(self):
        with self._lock:
            self.requests = 0              # every /computeMetadata request
            self.identity_requests = 0     # identity requests only
            self.by_path = {}
            self.records = []              # (method, path, query dict, metadata-flavor header)
            self.issued = []               # every token handed out
            self.fault = Fault()

    def stats(self) -> dict:
        with self._lock:
            return {"requests": self.requests, "identity_requests": self.identity_requests,
                    "by_path": dict(self.by_path), "issued": list(self.issued),
                    "records": list(self.records), "port": self.port,
                    "identity": dict(self.identity), "kid": self.key.kid,
                    "flavor": self.flavor.name}

    def make_token(self, audience: str, full: bool) -> str:
        now = int(time.time())
        ident = self.identity
        claims = {"aud": audience, "azp": ident["sa_id"], "exp": now + self.token_lifetime,
                  "iat": now, "iss": "https://accounts.google.com", "sub": ident["sa_id"]}
        if full:
            claims.update({"email": ident["email"], "email_verified": True})
        if full and self.flavor.compute_claims:
            claims["google"] = {"compute_engine": {
                "instance_creation_timestamp": now - 86400,
                "instance_id": ident["instance_id"],
                "instance_name": ident["instance_name"],
                "project_id": ident["project_id"],
                "project_number": int(ident["project_number"]),
                "zone": ident["zone"]}}
        return self.key.sign(claims)


class _Handler(standin_server.StandinHandler):
    owner: MetadataServer = None
    server_header = "Metadata Server for VM"
    log_name = "gce_metadata"
    content_type = "application/text"
    control_ok = "{}\n"
    control_bad = "bad json\n"
    control_bad_type = "application/text"

    def version_string(self):
        server = self.owner.flavor.server
        if server is None:  # http.server's own "BaseHTTP/x Python/y"
            return http.server.BaseHTTPRequestHandler.version_string(self)
        return server

    def _send(self, status, body, content_type=None, flavor=True, extra=None):
        headers = [("Metadata-Flavor", "Google")] if flavor else []
        headers.append(("Content-Type", content_type or self.content_type))
        return self._respond(status, body, headers, (extra or {}).items())

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if self._control(path, self._read_body()):
            return None
        return self._send(405, "method not allowed\n")

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        srv = self.owner
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if path == "/_stats":
            return self._send(200, json.dumps(srv.stats()), "application/json", flavor=False)
        if path in ("/.well-known/jwks", "/_jwks"):
            return self._send(200, json.dumps(srv.key.jwks()), "application/json", flavor=False)
        if path == "/_pubkey.pem":
            return self._send(200, srv.key.public_pem(), "application/x-pem-file", flavor=False)

        flavor_hdr = self.headers.get("Metadata-Flavor")
        is_identity = path == IDENTITY_PATH
        with srv._lock:
            if path == "/" or path.startswith(METADATA_PREFIX) or path == METADATA_PREFIX[:-1]:
                srv.requests += 1
                srv.by_path[path] = srv.by_path.get(path, 0) + 1
                if is_identity:
                    srv.identity_requests += 1
            srv.records.append({"method": self.command, "path": path, "query": query,
                                "metadata_flavor": flavor_hdr,
                                "proxied": self.path.startswith("http")})
            fault = dict(srv.fault.spec) if srv.fault.active(is_identity) else {}

        kind = srv.flavor
        if flavor_hdr != "Google" and (path == "/" and kind.name == "gke"
                                       or path.startswith(METADATA_PREFIX)):
            # What the real server says when the header is missing (GKE asks it on / too).
            return self._send(403, kind.forbidden_body,
                              "text/html" if kind.name == "gce" else "text/plain; charset=utf-8",
                              flavor=kind.flavor_on_forbidden)
        if path == "/":
            return self._send(200, "computeMetadata/\n")
        if not path.startswith(METADATA_PREFIX):
            return self._send(404, "not found\n")

        if fault:
            if fault.get("hang"):
                srv.wait(standin_server.hang_seconds(fault["hang"]))
            if fault.get("close"):
                return self._drop_connection()
            if fault.get("redirect"):
                return self._send(302, "", extra={"Location": fault["redirect"]})
            if "status" in fault:
                status = int(fault["status"])
                return self._send(status, "stand-in fault: HTTP %d\n" % status,
                                  flavor=not fault.get("drop_header"))
            if "body" in fault:
                return self._send(200, fault["body"], flavor=not fault.get("drop_header"))
            if fault.get("oversize"):
                size = 4 * 1024 * 1024 if fault["oversize"] is True else int(fault["oversize"])
                head = srv.make_token(query.get("audience", "x"), True)
                body = (head + "A" * max(0, size - len(head)))[:size]
                return self._send(200, body, flavor=not fault.get("drop_header"))

        flavor = not fault.get("drop_header")
        ident = srv.identity
        if is_identity:
            audience = query.get("audience", "")
            if not audience:
                return self._send(400, "non-empty audience parameter required\n", flavor=flavor)
            full = query.get("format") == "full"
            if full and srv.refuse_format_full:
                return self._send(400, "format=full is not supported\n", "text/plain",
                                  flavor=flavor)
            token = srv.make_token(audience, full)
            with srv._lock:
                srv.issued.append(token)
            return self._send(200, token, flavor=flavor and not srv.tokens_without_flavor)
        if path == SERVICE_ACCOUNTS + "default" + TOKEN_SUFFIX:
            # An opaque access token: enough for clients that look (google-auth-library's
            # Compute client); never a real credential.
            body = json.dumps({"access_token": "ya29.standin-" + srv.key.kid[:12],
                               "expires_in": 3599, "token_type": "Bearer"})
            return self._send(200, body, "application/json",
                              flavor=flavor and not srv.tokens_without_flavor)
        key = path[len(METADATA_PREFIX):]
        if key == "instance/service-accounts/default/" and query.get("recursive") == "true":
            # The account's description, as Compute Engine answers it: what google-auth's
            # compute_engine credentials read first (ID token credentials included).
            body = json.dumps({"aliases": ["default"], "email": ident["email"],
                               "scopes": ["https://www.googleapis.com/auth/cloud-platform"]})
            return self._send(200, body, "application/json", flavor=flavor)
        simple = {
            "instance/name": ident["instance_name"],
            "instance/hostname": "%s.%s.c.%s.internal" % (ident["instance_name"], ident["zone"],
                                                          ident["project_id"]),
            "instance/id": ident["instance_id"],
            "instance/zone": "projects/%s/zones/%s" % (ident["project_number"], ident["zone"]),
            "project/project-id": ident["project_id"],
            "project/numeric-project-id": ident["project_number"],
            "instance/service-accounts/default/email": ident["email"],
            # the listings Google's clients probe: gcp-metadata's detection reads "instance"
            "": "instance/\nproject/\n",
            "instance": "attributes/\nhostname\nid\nname\nservice-accounts/\nzone\n",
            "instance/": "attributes/\nhostname\nid\nname\nservice-accounts/\nzone\n",
            "instance/service-accounts/default/": "aliases\nemail\nidentity\nscopes\ntoken\n",
            "instance/service-accounts/default/scopes":
                "https://www.googleapis.com/auth/cloud-platform\n",
        }
        if key in simple:
            return self._send(200, simple[key], flavor=flavor)
        return self._send(404, "not found\n", "text/html", flavor=flavor)


MetadataServer.handler_class = _Handler


def main(argv=None):
    def add_arguments(parser):
        parser.add_argument("--pubkey-file", help="write the public key PEM here")
        parser.add_argument("--instance-name", default=DEFAULT_IDENTITY["instance_name"])
        parser.add_argument("--sa-id", default=DEFAULT_IDENTITY["sa_id"])
        parser.add_argument("--flavor", choices=sorted(FLAVORS), default="gce",
                            help="which metadata server to play (default gce)")
        parser.add_argument("--refuse-format-full", action="store_true",
                            help="answer identity?format=full with HTTP 400 (seen on GKE)")
        parser.add_argument("--tokens-with-flavor", action="store_true",
                            help="gke: send Metadata-Flavor on token answers too")

    def start(args):
        server = MetadataServer(port=args.port, identity={"instance_name": args.instance_name,
                                                           "sa_id": args.sa_id},
                                flavor=args.flavor, refuse_format_full=args.refuse_format_full,
                                tokens_without_flavor=(False if args.tokens_with_flavor
                                                       else None)).start()
        if args.pubkey_file:     # written before the port file: the port says "ready"
            with open(args.pubkey_file, "wb") as f:
                f.write(server.key.public_pem())
        return server

    return standin_server.standin_main(__doc__, start, add_arguments, argv)


if __name__ == "__main__":
    sys.exit(main())
