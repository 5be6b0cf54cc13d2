"""The gce source's cache key names the service account the metadata server speaks for (issue
21.12): asked on every run, hit included (one GET of .../service-accounts/default/email over the
core's plain-http client), so after `gcloud compute instances set-service-account` or a GKE
service account re-bound to another Google service account the old account's AWS session (aws)
or ID token (token) is never served; a server that cannot name its account serves nothing."""

import copy

from harness import EXIT_SOURCE  # noqa: E402
from test_cache_support import CacheTestCase  # noqa: E402

EMAIL_PATH = "/computeMetadata/v1/instance/service-accounts/default/email"


class TestMetadataAccount(CacheTestCase):
    def setUp(self):
        super().setUp()
        original = copy.deepcopy(self.md.identity)
        self.addCleanup(setattr, self.md, "identity", original)

    def email_requests(self):
        return [r for r in self.md.stats()["records"] if r["path"] == EMAIL_PATH]

    def rebind(self, email):
        identity = dict(self.md.identity, email=email, sa_id="104683937529437250000")
        self.md.identity = identity

    def test_aws_session_of_the_old_account_is_not_served(self):
        first = self.assert_credentials(self.cached())
        asked_on_miss = len(self.email_requests())  # the front, then the fetcher it execs
        self.assertEqual(self.assert_credentials(self.cached()), first)
        self.assertEqual(self.calls(), 1, "same account: a hit")
        self.assertEqual(len(self.email_requests()), asked_on_miss + 1, "a hit asks once")
        self.assertTrue(all(r["metadata_flavor"] == "Google" for r in self.email_requests()))
        self.rebind("other-sa@fedcred-demo.iam.gserviceaccount.com")
        second = self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2, "the old account's session was served")
        self.assertNotEqual(second, first)

    def test_token_of_the_old_account_is_not_served(self):
        res = self.fedcred("token", "--audience", "sts.amazonaws.com", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.fedcred("token", "--audience", "sts.amazonaws.com", env=self.env).stdout,
                         res.stdout)
        self.assertEqual(self.identity_requests(), 1)
        self.rebind("other-sa@fedcred-demo.iam.gserviceaccount.com")
        again = self.fedcred("token", "--audience", "sts.amazonaws.com", env=self.env)
        self.assertEqual(again.returncode, 0, again.describe())
        self.assertEqual(self.identity_requests(), 2, "the old account's token was served")

    def test_no_account_no_credentials(self):
        self.assert_credentials(self.cached())
        self.md.set_fault({"status": 404, "times": 1, "all_paths": True})
        res = self.cached()
        self.assert_failure(res, EXIT_SOURCE, mentions=["service account", "404"])
        self.assertEqual(self.calls(), 1)


if __name__ == "__main__":
    import unittest
    unittest.main()
