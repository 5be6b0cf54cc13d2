"""End to end, issue 13: the Google STS stand-in that verifies aws4_request subject tokens is
first proven faithful with google-auth-library's OWN `aws` credential source (Node, the same
aws1 config, env keys and IMDSv2 - no fedcred involved), then `fedcred access-token` passes the
same stand-in with the same config from every link of the AWS chain, and the access token it
prints reads an object from the stand-in Google API (a strict GCS object read)."""

import json
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

from test_aws_chain_support import AUDIENCE, LINKS, STATIC, ChainTestCase  # noqa: E402
import fake_google_sts  # noqa: E402
from test_google_auth import NODE_DIR, node_problem  # noqa: E402

NODE_SCRIPT = os.path.join(NODE_DIR, "aws_access_token.js")


class TestAws1(ChainTestCase):
    def node(self, config, env):
        problem = node_problem()
        if problem:
            self.fail(problem)
        full = {k: v for k, v in env.items() if not k.startswith("AWS_EC2_METADATA")}
        full["E2E_CONFIG"] = config
        proc = subprocess.run(["node", NODE_SCRIPT], env=full, capture_output=True, text=True,
                              timeout=60, cwd=self.sandbox.root)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            self.fail("node printed no JSON: %r %r" % (proc.stdout, proc.stderr[-2000:]))

    def read(self, token):
        import urllib.request
        req = urllib.request.Request(self.gcs.object_url("demo-bucket", "hello.txt"),
                                     headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code

    def test_google_auth_library_passes_the_standin(self):
        config = self.aws1_config()
        # Google's STS accepts an unsigned x-goog-cloud-target-resource (it only recommends
        # signing it) and google-auth-library adds it after signing: the stand-in is proven
        # faithful with that check off; fedcred's tests keep it on (issue 21.2).
        self.google.require_signed_target = False
        self.addCleanup(setattr, self.google, "require_signed_target", True)
        for name, env in (("imds", self.link_env("imds")),
                          ("environment", dict(self.link_env("environment"), AWS_REGION="us-east-1"))):
            with self.subTest(link=name):
                out = self.node(config, env)
                self.assertTrue(out.get("ok"), out)
                self.assertEqual(self.read(out["token"]), 200)
        # and the stand-in can refuse: a wrong secret is SignatureDoesNotMatch
        bad = dict(self.link_env("environment"), AWS_REGION="us-east-1",
                   AWS_SECRET_ACCESS_KEY="Wrong/" + "x" * 34)
        out = self.node(config, bad)
        self.assertFalse(out.get("ok"), out)
        self.assertIn("SignatureDoesNotMatch", out.get("error", ""))
        # with the signing check on, the library's unsigned target header is refused
        self.google.require_signed_target = True
        out = self.node(config, self.link_env("imds"))
        self.assertFalse(out.get("ok"), out)
        self.assertIn("x-goog-cloud-target-resource is not signed", out.get("error", ""))

    def test_fedcred_passes_the_same_standin(self):
        config = self.aws1_config()
        for link in LINKS:
            with self.subTest(link=link):
                res = self.fedcred("access-token", "--credential-config", config, "--no-cache",
                                   env=self.link_env(link))
                self.assertEqual(res.returncode, 0, res.describe())
                self.assertEqual(self.read(res.stdout.strip()), 200)
        self.assertEqual(self.google.stats()["rejected"], [])
        self.assertTrue(self.google.require_signed_target)

    def test_fedcred_signed_token_is_bound_to_its_provider(self):
        """The target header is signed: rewriting it to another provider breaks the signature."""
        import urllib.parse
        res = self.fedcred("access-token", "--credential-config", self.aws1_config(), "--no-cache",
                           env=self.link_env("environment", AWS_REGION="us-east-1"))
        self.assertEqual(res.returncode, 0, res.describe())
        token = self.google.stats()["subject_tokens"][-1]
        doc = json.loads(urllib.parse.unquote(token))
        other = AUDIENCE.replace("/providers/", "/providers/other-")
        for header in doc["headers"]:
            if header["key"] == "x-goog-cloud-target-resource":
                self.assertEqual(header["value"], AUDIENCE)
                header["value"] = other
        forged = urllib.parse.quote(json.dumps(doc))
        creds = dict(self.sts.credentials)
        with self.assertRaises(fake_google_sts.Rejected) as caught:
            fake_google_sts.verify_aws4_request(forged, other, creds)
        self.assertIn("SignatureDoesNotMatch", caught.exception.description)
        # and the genuine token verifies for its own provider only
        fake_google_sts.verify_aws4_request(token, AUDIENCE, creds)
        with self.assertRaises(fake_google_sts.Rejected) as caught:
            fake_google_sts.verify_aws4_request(token, other, creds)
        self.assertIn("is not the audience", caught.exception.description)


if __name__ == "__main__":
    unittest.main()
