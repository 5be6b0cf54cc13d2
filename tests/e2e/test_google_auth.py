"""AWS -> GCP end to end with the real Google client (issue 4): google-auth-library for Node
(pinned in tests/e2e/node/package.json, installed by `npm ci --prefix tests/e2e/node`) runs the
built fedcred as the executable of an `external_account` credential.

The main flow is the real one: fedcred (source aws) gets role credentials from the IMDSv2
stand-in, calls the SigV4-verifying GetWebIdentityToken stand-in for an RS256 JWT, prints the
executable response; the library sends the JWT to the stand-in Google STS, which verifies its
signature against the AWS issuer's JWKS and its audience, then impersonates a service account
at the stand-in generateAccessToken. getAccessToken() must return that impersonated token.
With `output_file`: a fresh client within the token's validity is served from the file and
fedcred does not run again (counted through a wrapper script). The same with source gce. And
what the token is for: the library's own authorized request reads an object from the Cloud
Storage stand-in, which lets through only the impersonated service account's token
(tests/e2e/node/read_gcs_object.js, the same script demo/run uses).

Without node or the installed library every test is a TAP "not ok" that says how to install
it: this suite never passes by skipping."""

import json
import os
import shlex
import shutil
import stat
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

import fake_gcs  # noqa: E402
import fake_google_sts  # noqa: E402
import gce_metadata  # noqa: E402
from harness import (AwsToGcpFixture, FedcredTestCase, StandinFixture, fedcred_bin,  # noqa: E402
                     token_secrets)

NODE_DIR = os.path.join(HERE, "node")
NODE_SCRIPT = os.path.join(NODE_DIR, "get_access_token.js")
GCS_SCRIPT = os.path.join(NODE_DIR, "read_gcs_object.js")
LIBRARY_DIR = os.path.join(NODE_DIR, "node_modules", "google-auth-library")
AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/aws")
OTHER_AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/"
                  "pool/providers/other")
SERVICE_ACCOUNT = "sa@p.iam.gserviceaccount.com"
BUCKET, OBJECT = "fedcred-e2e", "reports/hello.txt"
GCS_CONTENT = "object only sa@p can read\n"
JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt"


def node_problem():
    """Why the Node client cannot run here, or None."""
    node = shutil.which("node")
    if not node:
        return "node is not installed (Node 18+ is needed for google-auth-library@10)"
    if not os.path.isfile(os.path.join(LIBRARY_DIR, "package.json")):
        return ("google-auth-library is not installed in %s: run `npm ci --prefix tests/e2e/node` "
                "(bash tests/run does)" % NODE_DIR)
    with open(os.path.join(NODE_DIR, "package.json")) as f:
        wanted = json.load(f)["dependencies"]["google-auth-library"]
    with open(os.path.join(LIBRARY_DIR, "package.json")) as f:
        have = json.load(f)["version"]
    if have != wanted:
        return ("tests/e2e/node has google-auth-library %s, package.json pins %s: rerun "
                "`npm ci --prefix tests/e2e/node`" % (have, wanted))
    return None


class GoogleAuthCase(StandinFixture, FedcredTestCase):
    """Runs the Node script with a config whose executable is a wrapper around the built
    fedcred that counts its runs."""

    source_args = ()

    @classmethod
    def setUpClass(cls):
        problem = node_problem()
        if problem:
            # a failing setUpClass is one "not ok" TAP point carrying this reason
            raise RuntimeError("cannot run the Google client end-to-end test: " + problem)
        super().setUpClass()  # StandinFixture: start_standins(), stopped after the class

    def setUp(self):
        super().setUp()  # StandinFixture resets the stand-ins
        self.counter = os.path.join(self.sandbox.root, "fedcred-runs")
        self.wrapper = os.path.join(self.sandbox.root, "fedcred-counted")
        with open(self.wrapper, "w") as f:
            f.write("#!/bin/sh\necho run >> %s\nexec %s \"$@\"\n"
                    % (shlex.quote(self.counter), shlex.quote(fedcred_bin())))
        os.chmod(self.wrapper, 0o755)

    def standin_env(self):
        raise NotImplementedError

    def fedcred_runs(self):
        if not os.path.exists(self.counter):
            return 0
        with open(self.counter) as f:
            return len(f.read().split())

    def command(self, *extra):
        return " ".join([self.wrapper, "gcp", "--timeout", "4"] + list(self.source_args)
                        + list(extra))

    def run_node(self, command=None, output_file=None, rounds=1, api="client",
                 audience=AUDIENCE, impersonate=True, extra_env=None, script=NODE_SCRIPT):
        env = self.sandbox.env(extra=self.standin_env())
        env.update({
            "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1",
            "E2E_COMMAND": command or self.command(),
            "E2E_TOKEN_URL": self.google.token_url,
            "E2E_IMPERSONATION_URL": self.google.impersonation_url(SERVICE_ACCOUNT)
            if impersonate else "",
            "E2E_AUDIENCE": audience,
            "E2E_SUBJECT_TOKEN_TYPE": JWT_TYPE,
            "E2E_TIMEOUT_MILLIS": "5000",
            "E2E_ROUNDS": str(rounds),
            "E2E_API": api,
            "E2E_CONFIG_OUT": os.path.join(self.sandbox.root, "credential-config.json"),
            "NODE_PATH": os.path.join(NODE_DIR, "node_modules"),
        })
        if output_file:
            env["E2E_OUTPUT_FILE"] = output_file
        env.update(extra_env or {})
        res = self.sandbox.run([shutil.which("node"), script], env=env, timeout=120,
                               cwd=NODE_DIR)
        try:
            doc = json.loads(res.stdout)
        except ValueError:
            self.fail("the Node script printed no JSON\n" + res.describe())
        return res, doc

    def assert_node_ok(self, res, doc):
        self.assertEqual(res.returncode, 0, "the Google client failed\n" + res.describe())
        self.assertTrue(doc["ok"], res.describe())
        return doc["rounds"]

    def assert_impersonated(self, rounds, count):
        stats = self.google.stats()
        tokens = [i["accessToken"] for i in stats["impersonated"]]
        self.assertEqual(len(rounds), count)
        for rnd in rounds:
            self.assertTrue(rnd["token"].startswith("ya29.fake-sa-"),
                            "not an impersonated token: %r" % rnd["token"][:20])
            self.assertIn(rnd["token"], tokens, "the token came from generateAccessToken")
        for imp in stats["impersonated"]:
            self.assertEqual(imp["sa"], SERVICE_ACCOUNT)
            self.assertIn(imp["sts_token"], stats["issued"], "authorized by the STS token")
        return stats


class AwsSourceMixin(AwsToGcpFixture):
    """Source aws: the harness's AWS -> GCP stand-ins (IMDSv2, GetWebIdentityToken verifying
    SigV4, Google STS verifying the JWT against its JWKS), plus a Cloud Storage object only the
    impersonated service account may read."""

    source_args = ("--source", "aws")

    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.add_standin("gcs", fake_gcs.GcsServer(tokeninfo_url=cls.google.tokeninfo_url,
                                                  objects={(BUCKET, OBJECT): GCS_CONTENT.encode()},
                                                  readers=[SERVICE_ACCOUNT]))

    def standin_env(self):
        return {"AWS_EC2_METADATA_DISABLED": None,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url,
                "AWS_ENDPOINT_URL_STS": self.outbound.url}

    def secrets(self):
        return self.aws_source_secrets()

    def source_calls(self):
        return self.outbound.stats()["token_calls"]


class GceSourceMixin(StandinFixture):
    """Source gce: the metadata stand-in issues the JWT; the Google STS stand-in verifies it
    against the metadata stand-in's key."""

    source_args = ("--source", "gce")

    @classmethod
    def start_standins(cls):
        cls.add_standin("md", gce_metadata.MetadataServer())
        cls.add_standin("google", fake_google_sts.GoogleSts(jwks=cls.md.key.jwks()))

    def standin_env(self):
        return {"GCE_METADATA_HOST": self.md.host}

    def secrets(self):
        out = []
        for token in self.md.stats()["issued"]:
            out += token_secrets(token)
        return out

    def source_calls(self):
        return self.md.stats()["identity_requests"]


class FlowTests:
    """The same client-side expectations for every source."""

    def test_get_access_token_returns_the_impersonated_token(self):
        res, doc = self.run_node(self.command("--no-cache"))
        rounds = self.assert_node_ok(res, doc)
        stats = self.assert_impersonated(rounds, 1)
        self.assertEqual(self.fedcred_runs(), 1)
        self.assertEqual(self.source_calls(), 1)
        # the STS stand-in verified the JWT fedcred printed
        self.assertEqual(stats["token_ok"], 1, stats["rejected"])
        self.assertEqual(stats["rejected"], [])
        self.assertEqual(len(stats["verified"]), 1)
        claims = stats["verified"][0]
        self.assertEqual(claims["aud"], "https:" + AUDIENCE)
        form = stats["forms"][0]
        self.assertEqual(form["audience"], AUDIENCE)
        self.assertEqual(form["subject_token_type"], JWT_TYPE)
        self.assertEqual(form["scope"], "https://www.googleapis.com/auth/cloud-platform")
        self.assertEqual(stats["iam_ok"], 1)
        # the library's own view of the fedcred output: nothing leaked into the client
        self.assertNotIn("fedcred:", res.stdout + res.stderr)
        return claims

    def test_googleauth_getclient(self):
        res, doc = self.run_node(self.command("--no-cache"), api="googleauth")
        rounds = self.assert_node_ok(res, doc)
        self.assert_impersonated(rounds, 1)
        self.assertEqual(self.fedcred_runs(), 1)

    def test_without_impersonation_the_sts_token_comes_back(self):
        res, doc = self.run_node(self.command("--no-cache"), impersonate=False)
        rounds = self.assert_node_ok(res, doc)
        stats = self.google.stats()
        self.assertEqual(rounds[0]["token"], stats["issued"][0])
        self.assertEqual(stats["iam_requests"], 0)

    def test_output_file_serves_a_fresh_client_without_fedcred(self):
        out_dir = os.path.join(self.sandbox.root, "gcp")
        os.makedirs(out_dir, mode=0o700)
        output_file = os.path.join(out_dir, "executable-response.json")
        # --no-cache: a second fedcred run would show on the source stand-in as well
        res, doc = self.run_node(self.command("--no-cache"), output_file=output_file, rounds=2)
        rounds = self.assert_node_ok(res, doc)
        self.assert_impersonated(rounds, 2)
        self.assertEqual(self.fedcred_runs(), 1,
                         "the second client must be served from output_file")
        self.assertEqual(self.source_calls(), 1)
        st = os.lstat(output_file)
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(output_file) as f:
            cached = json.load(f)
        self.assertTrue(cached["success"])
        self.assertIsInstance(cached["expiration_time"], int)
        stats = self.google.stats()
        self.assertEqual(stats["token_ok"], 2, "each fresh client exchanges the cached JWT")
        self.assertEqual(stats["subject_tokens"], [cached["id_token"]] * 2)
        # and a new process (a new client, as after a restart) still uses the file
        res, doc = self.run_node(self.command("--no-cache"), output_file=output_file)
        self.assert_impersonated(self.assert_node_ok(res, doc), 1)
        self.assertEqual(self.fedcred_runs(), 1)

    def test_sts_refuses_a_token_for_another_provider(self):
        # fedcred asked (by flag) for a token for another provider than the config's:
        # the STS stand-in's audience check is what stops it
        res, doc = self.run_node(self.command("--no-cache", "--audience", OTHER_AUDIENCE))
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertFalse(doc["ok"])
        self.assertIn("invalid_grant", doc["error"])
        stats = self.google.stats()
        self.assertEqual(stats["token_ok"], 0)
        self.assertIn("aud", stats["rejected"][0]["description"])

    def test_executable_gate(self):
        res, doc = self.run_node(extra_env={"GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "0"})
        self.assertFalse(doc["ok"])
        self.assertIn("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES", doc["error"])
        self.assertEqual(self.fedcred_runs(), 0)


class TestGoogleAuthAwsSource(AwsSourceMixin, FlowTests, GoogleAuthCase):
    def test_get_access_token_returns_the_impersonated_token(self):
        claims = super().test_get_access_token_returns_the_impersonated_token()
        out = self.outbound.stats()
        self.assertEqual(claims["iss"], out["issuer"])
        self.assertEqual(claims["sub"], self.outbound.role_arn)
        self.assertEqual(out["verdicts"], [None], "the SigV4 signature verified")
        self.assertEqual(out["forms"][0]["SigningAlgorithm"], "RS256")
        self.assertEqual(out["forms"][0]["Audience.member.1"], "https:" + AUDIENCE)
        self.assertGreaterEqual(self.imds.stats()["puts"], 1, "IMDSv2 token first")

    def test_default_source_is_aws(self):
        res, doc = self.run_node(" ".join([self.wrapper, "gcp", "--timeout", "4", "--no-cache"]))
        self.assert_impersonated(self.assert_node_ok(res, doc), 1)
        self.assertEqual(self.outbound.stats()["token_calls"], 1)

    def test_fedcred_failure_reaches_the_client_without_secrets(self):
        self.outbound.set_fault({"code": "OutboundWebIdentityFederationDisabledException",
                                 "message": "Outbound identity federation is disabled",
                                 "status": 403})
        res, doc = self.run_node(self.command("--no-cache"))
        self.assertNotEqual(res.returncode, 0)
        self.assertFalse(doc["ok"])
        self.assertIn("OutboundWebIdentityFederationDisabledException", doc["error"])
        self.assertEqual(doc.get("code"), "4", "the library reports fedcred's exit code")
        text = res.stdout + res.stderr
        for secret in self.secrets():
            self.assertNotIn(secret, text)
        self.assertEqual(self.google.stats()["token_requests"], 0)

    def read_object(self, **kwargs):
        return self.run_node(self.command("--no-cache"), script=GCS_SCRIPT, extra_env={
            "E2E_OBJECT_URL": self.gcs.object_url(BUCKET, OBJECT)}, **kwargs)

    def test_the_token_reads_a_cloud_storage_object(self):
        res, doc = self.read_object()
        self.assertEqual(res.returncode, 0, "the Google client failed\n" + res.describe())
        self.assertTrue(doc["ok"], res.describe())
        self.assertEqual((doc["status"], doc["object"]), (200, GCS_CONTENT))
        self.assertEqual(self.gcs.stats()["reads"],
                         [{"bucket": BUCKET, "object": OBJECT, "reader": SERVICE_ACCOUNT}])
        self.assertEqual(self.fedcred_runs(), 1)
        # the script shows the token's start only, as the demo prints it
        self.assertEqual(len(doc["token_start"]), 6)
        stats = self.google.stats()
        for secret in self.secrets() + stats["issued"] + \
                [i["accessToken"] for i in stats["impersonated"]]:
            self.assertNotIn(secret, res.stdout + res.stderr)

    def test_cloud_storage_refuses_the_federated_token_of_no_service_account(self):
        # without impersonation the library sends the STS token itself: valid, but the bucket
        # grants the service account only
        res, doc = self.read_object(impersonate=False)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertFalse(doc["ok"])
        self.assertEqual(doc["status"], 403, res.describe())
        self.assertEqual(self.gcs.stats()["reads"], [])
        self.assertEqual(self.google.stats()["token_ok"], 1, "the exchange itself succeeded")


class TestGoogleAuthGceSource(GceSourceMixin, FlowTests, GoogleAuthCase):
    pass


if __name__ == "__main__":
    unittest.main()
