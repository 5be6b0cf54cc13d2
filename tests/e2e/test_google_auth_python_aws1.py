"""Python google-auth's OWN `aws` credential source (2.39, bundled with gcloud) against the Google
STS stand-in (issue 24.4): the same aws1 config and stand-ins as test_access_token_aws1.py, which
proves the stand-in with google-auth-library for Node; a second, independent implementation of
the aws4_request subject token (SigV4 over GetCallerIdentity, x-goog-cloud-target-resource) must
pass the same checks, and fail them with a wrong secret. No fedcred involved: it proves the
stand-in that fedcred's tests rely on. Without gcloud's google-auth the tests are skipped."""

import json
import unittest

import gcloud_support  # noqa: E402
from e2e_base import RequiresTools  # noqa: E402
import test_access_token_aws1  # noqa: E402  (the module, so its tests are not collected here)
from test_aws_chain_support import STATIC, ChainTestCase  # noqa: E402

# google.auth.aws.Credentials from the config file named by argv[1]; refresh, print the token
AWS1_TOKEN = r"""
import json, sys
import google.auth.aws
from google.auth.transport.requests import Request
with open(sys.argv[1]) as f:
    info = json.load(f)
try:
    creds = google.auth.aws.Credentials.from_info(
        info, scopes=["https://www.googleapis.com/auth/cloud-platform"])
    creds.refresh(Request())
    print(json.dumps({"ok": True, "token": creds.token}))
except Exception as err:
    print(json.dumps({"ok": False, "error": "%s: %s" % (type(err).__name__, err)}))
"""


class TestGoogleAuthPythonAws1(RequiresTools, ChainTestCase):
    requirements = (gcloud_support.google_auth_problem,)
    read = test_access_token_aws1.TestAws1.read  # the token reads the Cloud Storage stand-in

    def setUp(self):
        super().setUp()
        # google-auth, like google-auth-library for Node, adds x-goog-cloud-target-resource after
        # signing (Google's STS only recommends signing it): the stand-in is proven with that
        # check off; fedcred's own tests keep it on (issue 21.2, test_access_token_aws1).
        self.google.require_signed_target = False
        self.addCleanup(setattr, self.google, "require_signed_target", True)

    def google_auth(self, env):
        # IMDS is where the config says: the AWS_EC2_METADATA_* variables are fedcred's, not its
        env = {k: v for k, v in env.items() if not k.startswith("AWS_EC2_METADATA")}
        res = self.sandbox.run(["python3", "-c", AWS1_TOKEN, self.aws1_config()],
                               env=gcloud_support.python_env(env), timeout=60)
        try:
            return json.loads(res.stdout)
        except ValueError:
            self.fail("python printed no JSON\n" + res.describe())

    def test_imds_and_environment_keys_pass_the_standin(self):
        for name, env in (("imds", self.link_env("imds")),
                          ("environment", dict(self.link_env("environment"),
                                               AWS_REGION="us-east-1"))):
            with self.subTest(link=name):
                out = self.google_auth(env)
                self.assertTrue(out.get("ok"), out)
                self.assertIn(out["token"], self.google.stats()["issued"])
                self.assertEqual(self.read(out["token"]), 200)
        stats = self.google.stats()
        self.assertEqual(stats["rejected"], [])
        for form in stats["forms"]:
            self.assertEqual(form["subject_token_type"],
                             "urn:ietf:params:aws:token-type:aws4_request")
        self.assertGreaterEqual(self.imds.stats()["puts"], 1, "IMDSv2 session token first")

    def test_the_standin_refuses_a_wrong_secret(self):
        bad = dict(self.link_env("environment"), AWS_REGION="us-east-1",
                   AWS_SECRET_ACCESS_KEY="Wrong/" + "x" * 34)
        out = self.google_auth(bad)
        self.assertFalse(out.get("ok"), out)
        self.assertIn("SignatureDoesNotMatch", out["error"])
        self.assertNotIn(STATIC["SecretAccessKey"], json.dumps(out))
        self.assertEqual(self.google.stats()["issued"], [])

    def test_the_unsigned_target_header_is_refused_with_the_check_on(self):
        self.google.require_signed_target = True
        out = self.google_auth(self.link_env("imds"))
        self.assertFalse(out.get("ok"), out)
        self.assertIn("x-goog-cloud-target-resource is not signed", out["error"])


if __name__ == "__main__":
    unittest.main()
