"""How many requests IMDS gets from one `fedcred gcp` on the imds link (issue 20.3), counted
at the IMDS stand-in. A hit asks for the role and nothing else: the session token and the role
listing, which name the cache key. A miss through the static front asks that twice before the
fetch, the front for its cache lookup and the fetcher (a new process, which is told nothing by
its environment) for its own, before it takes the per-key lock; the fetcher hands its session
and the role it read to the aws module, which then reads only the region and the role's
credentials. The fetcher alone (and libfedcred) makes the four requests a miss needs. Each
count is the exact sequence, so a request added anywhere on these paths fails here first."""

import os
import unittest

from test_aws_chain_support import AUDIENCE, ChainTestCase  # noqa: E402  (path set-up first)
from test_cache_support import static_front  # noqa: E402
from test_gcp_support import JWT_TYPE  # noqa: E402

GCP_ENV = {"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": AUDIENCE, "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE": JWT_TYPE,
           "GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE": "0"}
TOKEN = ("PUT", "/latest/api/token")
LISTING = ("GET", "/latest/meta-data/iam/security-credentials/")
REGION = ("GET", "/latest/meta-data/placement/region")
# the role's key lookup: on a hit, and before every fetch
ROLE_LOOKUP = [TOKEN, LISTING]


class TestImdsRequests(ChainTestCase):
    def setUp(self):
        super().setUp()
        self.env = self.link_env("imds", **GCP_ENV)
        self.credentials = ("GET", "/latest/meta-data/iam/security-credentials/" + self.imds.role)

    def requests_of(self, run):
        """(method, path) of every IMDS request `run` made, and run's result."""
        before = len(self.imds.stats()["records"])
        res = run()
        return res, [(r["method"], r["path"]) for r in self.imds.stats()["records"][before:]]

    def fetch(self, with_region=True):
        """What a miss's fetch asks of IMDS: the key's role lookup, whose session the aws
        module goes on with for the region (unless AWS_REGION names it) and the role's
        credentials."""
        return ROLE_LOOKUP + ([REGION] if with_region else []) + [self.credentials]

    def test_a_hit_makes_two_requests_a_miss_six_through_the_front(self):
        miss, miss_requests = self.requests_of(lambda: self.gcp(env=self.env))
        first, _ = self.assert_gcp_success(miss)
        front = ROLE_LOOKUP if static_front() else []
        self.assertEqual(miss_requests, front + self.fetch(), "the miss")
        self.assertEqual(len(miss_requests), 6 if static_front() else 4)
        hit, hit_requests = self.requests_of(lambda: self.gcp(env=self.env))
        second, _ = self.assert_gcp_success(hit)
        self.assertEqual(second["id_token"], first["id_token"], "a hit")
        self.assertEqual(hit_requests, ROLE_LOOKUP, "the hit")
        self.assertEqual(self.sts.stats()["token_calls"], 1)

    def test_the_region_from_the_environment_is_not_asked(self):
        env = dict(self.env, AWS_REGION="us-east-1")
        miss, requests = self.requests_of(lambda: self.gcp(env=env))
        self.assert_gcp_success(miss)
        front = ROLE_LOOKUP if static_front() else []
        self.assertEqual(requests, front + self.fetch(with_region=False))

    def test_the_handed_over_session_token_is_never_printed(self):
        # The fetcher hands its IMDS session to the module; -v prints what each step did.
        miss, requests = self.requests_of(lambda: self.gcp("-v", env=self.env))
        self.assertEqual(miss.returncode, 0, miss.describe())
        self.assertIn(self.credentials, requests)
        tokens = self.imds.stats()["tokens"]
        self.assertTrue(tokens)
        for token in tokens:
            self.assertNotIn(token.encode(), miss.stdout + miss.stderr)

    def test_the_fetcher_alone_makes_the_four_a_miss_needs(self):
        fetcher = os.environ.get("FEDCRED_FETCHER_BIN")
        if not fetcher:
            self.skipTest("FEDCRED_FETCHER_BIN is set by tests/integration/meson.build")
        miss, requests = self.requests_of(
            lambda: self.gcp(env=self.env, wrap=lambda argv: [fetcher] + argv[1:]))
        self.assert_gcp_success(miss)
        self.assertEqual(requests, self.fetch())
        self.assertEqual(len(requests), 4)


if __name__ == "__main__":
    unittest.main()
