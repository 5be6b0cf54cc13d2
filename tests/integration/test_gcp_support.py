"""Shared helpers of the `fedcred gcp` / `fedcred token` integration tests (test_gcp_*.py,
test_token_*.py). Not a test itself: it holds no TestCase with tests.

The checks follow the executable-sourced credential contract (docs/PROTOCOLS.md section 7.3,
docs/DESIGN.md "The user-facing contract"): in gcp mode stdout holds exactly one JSON document, on
success {"version":1,"success":true,"token_type","id_token","expiration_time"} and nothing on
stderr (Google's libraries merge stderr into what they parse); on failure
{"version":1,"success":false,"code","message"} and the documented exit code.
"""

import base64
import json
import os
import stat
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STANDINS = os.path.join(os.path.dirname(HERE), "standins")

from harness import (EXIT_BAD_RESPONSE, EXIT_DENIED, EXIT_INTERNAL, EXIT_IO,  # noqa: E402
                     EXIT_SOURCE, EXIT_TRANSIENT, EXIT_USAGE, FedcredTestCase, fedcred_bin,
                     token_secrets)

PROJECT_NUMBER = "123456"
AUDIENCE = ("//iam.googleapis.com/projects/%s/locations/global/workloadIdentityPools/pool/"
            "providers/aws" % PROJECT_NUMBER)
AUDIENCE_HTTPS = "https:" + AUDIENCE
OTHER_AUDIENCE = ("//iam.googleapis.com/projects/987654/locations/global/workloadIdentityPools/"
                  "other-pool/providers/oidc")
THIRD_AUDIENCE = ("//iam.googleapis.com/projects/555/locations/global/workloadIdentityPools/"
                  "third/providers/p3")
JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
SAML2_TYPE = "urn:ietf:params:oauth:token-type:saml2"

# error "code" of the gcp failure document for each exit code
CODE_FOR_EXIT = {EXIT_USAGE: "USAGE", EXIT_SOURCE: "SOURCE_UNAVAILABLE", EXIT_DENIED: "DENIED",
                 EXIT_TRANSIENT: "TRANSIENT", EXIT_BAD_RESPONSE: "BAD_RESPONSE", EXIT_IO: "IO",
                 EXIT_INTERNAL: "INTERNAL"}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_claims(token):
    return json.loads(b64url_decode(token.split(".")[1]))


class RawResult:
    """A finished fedcred run with stdout/stderr as bytes (stderr must be b"" exactly)."""

    def __init__(self, args, returncode, stdout, stderr, elapsed):
        self.args, self.returncode, self.stdout, self.stderr, self.elapsed = \
            args, returncode, stdout, stderr, elapsed

    @property
    def text(self):
        return self.stdout.decode("utf-8", "replace") + "\n" + \
            self.stderr.decode("utf-8", "replace")

    def describe(self):
        return ("command: %s\nexit: %s (%.2fs)\nstdout: %r\nstderr: %r"
                % (" ".join(self.args), self.returncode, self.elapsed, self.stdout[:2000],
                   self.stderr[:2000]))


class GcpTestCase(FedcredTestCase):
    """FedcredTestCase plus runners and checks for `fedcred gcp` and `fedcred token`."""

    def run_raw(self, *args, env, timeout=60, wrap=None):
        """fedcred ARGS...; `wrap` turns the argv into the one run (StalledResolver.wrap)."""
        argv = [fedcred_bin()] + [str(a) for a in args]
        if wrap is not None:
            argv = wrap(argv)
        started = time.monotonic()
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, cwd=self.sandbox.root)
        return RawResult(argv, proc.returncode, proc.stdout, proc.stderr,
                         time.monotonic() - started)

    def gcp(self, *args, env, timeout=60, wrap=None):
        return self.run_raw("gcp", *args, env=env, timeout=timeout, wrap=wrap)

    def token(self, *args, env, timeout=60):
        return self.run_raw("token", *args, env=env, timeout=timeout)

    # ----- checks -----
    def parse_single_document(self, res):
        doc, problem = None, None
        try:
            doc = json.loads(res.stdout.decode("utf-8"))  # the whole of stdout, nothing else
        except ValueError as exc:
            problem = str(exc)
        if problem is not None:  # failed outside the except block: a short traceback
            self.fail("stdout is not exactly one JSON document (%s)\n%s" % (problem,
                                                                           res.describe()))
        self.assertIsInstance(doc, dict, res.describe())
        return doc

    def assert_gcp_success(self, res, token_type=JWT_TYPE):
        """Exit 0, stderr exactly empty, stdout one executable-source success document whose
        expiration_time is the JWT's exp. Returns (doc, claims)."""
        self.assertEqual(res.returncode, 0, "fedcred gcp failed\n" + res.describe())
        self.assertEqual(res.stderr, b"", "stderr must stay empty on success in gcp mode\n"
                         + res.describe())
        doc = self.parse_single_document(res)
        self.assertEqual(set(doc), {"version", "success", "token_type", "id_token",
                                    "expiration_time"}, res.describe())
        self.assertIs(type(doc["version"]), int, "version must be the JSON number 1")
        self.assertEqual(doc["version"], 1)
        self.assertIs(doc["success"], True)
        self.assertEqual(doc["token_type"], token_type)
        self.assertIsInstance(doc["id_token"], str)
        self.assertEqual(doc["id_token"].count("."), 2, "id_token must be a JWT")
        self.assertIs(type(doc["expiration_time"]), int, "expiration_time must be an integer")
        claims = jwt_claims(doc["id_token"])
        self.assertEqual(doc["expiration_time"], claims["exp"],
                         "expiration_time must be the JWT's exp")
        self.assertGreater(doc["expiration_time"], time.time())
        return doc, claims

    def assert_gcp_failure(self, res, exit_code, mentions=(), secrets=(), mentions_any=()):
        """The documented exit code, stdout one failure document whose code matches it, and no
        secret anywhere. Returns the document."""
        self.assertEqual(res.returncode, exit_code, "wrong exit code\n" + res.describe())
        doc = self.parse_single_document(res)
        self.assertEqual(set(doc), {"version", "success", "code", "message"}, res.describe())
        self.assertIs(type(doc["version"]), int)
        self.assertEqual(doc["version"], 1)
        self.assertIs(doc["success"], False)
        self.assertEqual(doc["code"], CODE_FOR_EXIT[exit_code], res.describe())
        self.assertIsInstance(doc["message"], str)
        self.assertTrue(doc["message"].strip(), "the message must explain the failure")
        lower = doc["message"].lower()
        for word in mentions:
            self.assertIn(str(word).lower(), lower,
                          "the message should name %r\n%s" % (word, res.describe()))
        if mentions_any:
            self.assertTrue(any(str(w).lower() in lower for w in mentions_any),
                            "the message should name one of %r\n%s"
                            % (list(mentions_any), res.describe()))
        self.assert_no_secret_bytes(res, secrets)
        return doc

    def assert_no_secret_bytes(self, res, secrets):
        text = res.text
        for secret in secrets:
            for piece in token_secrets(secret) if secret.count(".") == 2 else [secret]:
                if piece and piece in text:
                    self.fail("a secret (%s...) appears in fedcred's output\n%s"
                              % (piece[:8], res.describe()))

    def assert_private_file(self, path):
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode), "%s is not a regular file" % path)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600, "%s has mode %o, not 0600"
                         % (path, stat.S_IMODE(st.st_mode)))
        return st

    def assert_no_temp_files(self, directory, keep):
        left = sorted(set(os.listdir(directory)) - set(keep))
        self.assertEqual(left, [], "temporary files left behind in %s" % directory)
