"""The seed's GCP -> AWS Python (bench/seed/gcp_to_aws.py: google.auth.default(),
google.oauth2.id_token.fetch_id_token(request, 'sts.amazonaws.com'), boto3's
assume_role_with_web_identity) on a GCE-like machine, against the same stand-ins as `fedcred aws`
(issue 24.3): the metadata stand-in and the fake STS enforcing the trust policy the IAM docs
recommend (aud/sub = the service account id, oaud = sts.amazonaws.com). It is the baseline
bench/cold_fetch.sh measures fedcred against, so it must work here first.

google-auth finds the metadata server through GCE_METADATA_HOST for its requests and
GCE_METADATA_IP for its "on GCE" ping (both the stand-in here). Needs gcloud's bundled
google-auth: skipped without it."""

import json
import os
import unittest

import gcloud_support  # noqa: E402
from e2e_base import RequiresTools  # noqa: E402
from harness import REPO, ROLE_ARN, FedcredTestCase, GceStsFixture  # noqa: E402

SEED_SCRIPT = os.path.join(REPO, "bench", "seed", "gcp_to_aws.py")


class TestSeedGcpToAws(RequiresTools, GceStsFixture, FedcredTestCase):
    requirements = (gcloud_support.google_auth_problem,)
    sts_trust = True

    def seed(self, **changes):
        env = gcloud_support.python_env(self.with_env(GCE_METADATA_IP=self.md.host,
                                                      AWS_REGION="us-east-1", **changes))
        return self.sandbox.run(["python3", SEED_SCRIPT, ROLE_ARN], env=env, timeout=60)

    def test_seed_script_gets_the_role_credentials(self):
        res = self.seed()
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        issued = self.sts.stats()["issued"]
        self.assertEqual(len(issued), 1)
        self.assertEqual(doc["AccessKeyId"], issued[0]["AccessKeyId"])
        self.assertEqual(doc["SessionToken"], issued[0]["SessionToken"])
        self.assertEqual(self.md.stats()["identity_requests"], 1)
        self.assertNotIn(issued[0]["SecretAccessKey"], res.stderr)

    def test_fedcred_gets_the_same_role_from_the_same_standins(self):
        res = self.seed()
        self.assertEqual(res.returncode, 0, res.describe())
        seed = json.loads(res.stdout)
        doc = self.assert_credentials(self.aws("--no-cache", env=self.env))
        self.assertEqual(doc["Version"], seed["Version"])
        self.assertEqual(self.sts.stats()["assume_calls"], 2)
        self.assertEqual(self.md.stats()["identity_requests"], 2)

    def test_the_trust_policy_refuses_another_audience(self):
        # the stand-in is strict for the seed script as for fedcred: the oaud condition
        self.addCleanup(setattr, self.sts, "trust", self.sts.trust)
        self.sts.trust = dict(self.sts.trust, **{"accounts.google.com:oaud": "other-audience"})
        res = self.seed()
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn("AccessDenied", res.stderr, res.describe())
        self.assertEqual(res.stdout, "")


if __name__ == "__main__":
    unittest.main()
