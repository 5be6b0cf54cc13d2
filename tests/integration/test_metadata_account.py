"""The gce source's cache key names the service account the metadata server speaks for (issue
21.12): asked with one GET of .../service-accounts/default/email over the core's plain-http
client. The static front recalls an answer for kAccountRecallSeconds (10 s) instead of asking on
every hit (issue 20, flows/recalled_account.h); the fetcher always asks. So after `gcloud compute
instances set-service-account` or a GKE service account re-bound to another Google service
account, the old account's AWS session (aws) or ID token (token) is served for at most 10 s, or
until the next fetch; a server that cannot name its account serves nothing."""

import copy
import os
import time
import unittest

from harness import EXIT_SOURCE  # noqa: E402
from test_cache_support import CacheTestCase, static_front  # noqa: E402

RECALLS = "the static front recalls the account; a build without it asks on every run"

EMAIL_PATH = "/computeMetadata/v1/instance/service-accounts/default/email"
RECALL_SECONDS = 10  # flows/recalled_account.h kAccountRecallSeconds
OTHER_ROLE_ARN = "arn:aws:iam::123456789012:role/other-reader"


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

    def seen_records(self):
        return [p for p in self.cache_files() if p.endswith(".seen")]

    def forget_the_account(self):
        """What the recall window's end does: the next run asks the server."""
        records = self.seen_records()
        self.assertEqual(len(records), 1, records)
        os.remove(records[0])

    @unittest.skipUnless(static_front(), RECALLS)
    def test_a_burst_of_hits_asks_once(self):
        first = self.assert_credentials(self.cached())
        asked_on_miss = len(self.email_requests())
        self.assertEqual(asked_on_miss, 2, "the front, then the fetcher it execs")
        for _ in range(3):
            self.assertEqual(self.assert_credentials(self.cached()), first)
        verbose = self.cached("-v")
        self.assertEqual(self.assert_credentials(verbose), first)
        self.assertIn("named by the metadata server at %s" % self.env["GCE_METADATA_HOST"], verbose.stderr)
        self.assertIn("recalled, not asked", verbose.stderr)
        self.assertEqual(self.calls(), 1, "same account: hits")
        self.assertEqual(len(self.email_requests()), asked_on_miss, "a hit recalls the account")
        self.assertTrue(all(r["metadata_flavor"] == "Google" for r in self.email_requests()))
        self.assertEqual(oct(os.stat(self.seen_records()[0]).st_mode & 0o777), "0o600")

    @unittest.skipIf(static_front(), RECALLS)
    def test_without_the_static_front_every_run_asks(self):
        first = self.assert_credentials(self.cached())
        self.assertEqual(len(self.email_requests()), 1)
        self.assertEqual(self.assert_credentials(self.cached()), first)
        self.assertEqual(len(self.email_requests()), 2, "a hit asks once")
        self.rebind("other-sa@fedcred-demo.iam.gserviceaccount.com")
        self.assertNotEqual(self.assert_credentials(self.cached()), first, "the old account's session was served")
        self.assertEqual(self.calls(), 2)

    @unittest.skipUnless(static_front(), RECALLS)
    def test_aws_session_of_the_old_account_is_served_for_ten_seconds_at_most(self):
        first = self.assert_credentials(self.cached())
        named_before = time.time()  # the fetcher asked (and recorded the account) before it returned
        self.rebind("other-sa@fedcred-demo.iam.gserviceaccount.com")
        self.assertEqual(self.assert_credentials(self.cached()), first, "recalled within 10 s")
        self.assertEqual(self.calls(), 1)
        time.sleep(max(0.0, named_before + RECALL_SECONDS + 1.1 - time.time()))
        second = self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2, "the old account's session was served after 10 s")
        self.assertNotEqual(second, first)

    def test_a_fetch_asks_and_ends_the_old_accounts_window(self):
        first = self.assert_credentials(self.cached())
        self.rebind("other-sa@fedcred-demo.iam.gserviceaccount.com")
        asked = len(self.email_requests())
        self.assert_credentials(self.cached(role_arn=OTHER_ROLE_ARN))  # a miss: the fetcher asks
        self.assertEqual(len(self.email_requests()), asked + 1, "the front recalled, the fetcher asked")
        self.assertEqual(self.calls(), 2)
        again = self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 3, "the old account's session was served after a fetch named the new one")
        self.assertNotEqual(again, first)

    def test_token_of_the_old_account_is_not_served(self):
        res = self.fedcred("token", "--audience", "sts.amazonaws.com", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.fedcred("token", "--audience", "sts.amazonaws.com", env=self.env).stdout,
                         res.stdout)
        self.assertEqual(self.identity_requests(), 1)
        self.rebind("other-sa@fedcred-demo.iam.gserviceaccount.com")
        self.forget_the_account()
        again = self.fedcred("token", "--audience", "sts.amazonaws.com", env=self.env)
        self.assertEqual(again.returncode, 0, again.describe())
        self.assertEqual(self.identity_requests(), 2, "the old account's token was served")

    def test_no_account_no_credentials(self):
        self.assert_credentials(self.cached())
        self.forget_the_account()
        self.md.set_fault({"status": 404, "times": 1, "all_paths": True})
        res = self.cached()
        self.assert_failure(res, EXIT_SOURCE, mentions=["service account", "404"])
        self.assertEqual(self.calls(), 1)

    def test_cache_clear_forgets_the_account(self):
        self.assert_credentials(self.cached())
        self.assertEqual(len(self.seen_records()), 1)
        self.cache_clear()
        self.assertEqual(self.seen_records(), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
