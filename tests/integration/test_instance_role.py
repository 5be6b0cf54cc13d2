"""The instance role is part of the cache key (issue 12.1, the imds link): before every cache
lookup fedcred asks IMDS (IMDSv2 token, then the role listing) which role the instance has,
over the core's own plain-http client, so the hit path still maps no network library. A
replaced instance profile (role A -> role B) is a new key: a new STS call signed by B. The
same role twice is a hit: one STS call, and on the hit exactly one PUT and one GET of the
role listing. When IMDS cannot confirm the role, the run fails as the fetch would (exit 3,
one failure document) instead of serving an entry whose identity is unknown; a role replaced
between the key's lookup and the module's read is refused rather than misfiled."""

import json
import os
import unittest

from test_aws_chain_support import AUDIENCE, ChainTestCase  # noqa: E402  (path set-up first)
from fault_server import StalledResolver  # noqa: E402
from harness import DEADLINE_SLACK, EXIT_SOURCE  # noqa: E402
from test_cache_support import hit_objects as hit_objects_of, loaded_objects, static_front  # noqa: E402
from test_gcp_support import JWT_TYPE  # noqa: E402

GCP_ENV = {"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": AUDIENCE, "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE": JWT_TYPE,
           "GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE": "0"}
ROLE_B = "replacement-role-B"
CREDS_B = {"AccessKeyId": "ASIAFAKEROLEB0000001", "SecretAccessKey": "RoleBSecret/" + "b" * 28,
           "Token": "RoleBToken" + "t" * 40}
ROLES_PATH = "/latest/meta-data/iam/security-credentials/"
NETWORK = ("libcurl", "libssl", "libcrypto", "libexpat", "/proc/self/fd/")
# slack over --timeout for process start and teardown (test_deadline.py)
SLACK = DEADLINE_SLACK


class InstanceRoleCase(ChainTestCase):
    def setUp(self):
        super().setUp()
        self.env = self.link_env("imds", **GCP_ENV)
        role, creds = self.imds.role, dict(self.imds.credentials)

        def restore():
            self.imds.role = role
            self.imds.credentials.clear()
            self.imds.credentials.update(creds)
            self.imds.set_fault({})
        self.addCleanup(restore)

    def replace_instance_profile(self):
        """What `aws ec2 replace-iam-instance-profile-association` does to IMDS."""
        self.imds.role = ROLE_B
        self.imds.credentials.update(CREDS_B)
        self.sts.credentials[CREDS_B["AccessKeyId"]] = (CREDS_B["SecretAccessKey"], CREDS_B["Token"])

    def signer(self, call):
        """The access key id that signed STS call number `call` (0-based)."""
        auth = self.sts.stats()["headers"][call]["Authorization"]
        return auth.split("Credential=")[1].split("/")[0]

    def imds_records_during(self, run):
        before = len(self.imds.stats()["records"])
        res = run()
        return res, self.imds.stats()["records"][before:]


class TestGcp(InstanceRoleCase):
    def test_replaced_role_is_a_new_key_signed_by_the_new_role(self):
        first, _ = self.assert_gcp_success(self.gcp(env=self.env))
        self.assertEqual(self.signer(0), self.imds.credentials["AccessKeyId"])
        self.replace_instance_profile()
        second, claims = self.assert_gcp_success(self.gcp(env=self.env))
        self.assertEqual(self.sts.stats()["token_calls"], 2, "role B's run is a miss")
        self.assertEqual(self.signer(1), CREDS_B["AccessKeyId"])
        self.assertNotEqual(first["id_token"], second["id_token"])
        third, _ = self.assert_gcp_success(self.gcp(env=self.env))
        self.assertEqual(third["id_token"], second["id_token"], "role B's entry is a hit now")
        self.assertEqual(self.sts.stats()["token_calls"], 2)

    def test_same_role_is_a_hit_after_two_imds_requests(self):
        first, _ = self.assert_gcp_success(self.gcp(env=self.env))
        res, records = self.imds_records_during(lambda: self.gcp(env=self.env))
        second, _ = self.assert_gcp_success(res)
        self.assertEqual(second["id_token"], first["id_token"])
        self.assertEqual(self.sts.stats()["token_calls"], 1)
        self.assertEqual([(r["method"], r["path"]) for r in records],
                         [("PUT", "/latest/api/token"), ("GET", ROLES_PATH)], records)
        self.assertEqual(records[0]["ttl"], "300", "the aws module's TTL")
        self.assertFalse(records[0]["forwarded"] or records[0]["proxied"])
        self.assertTrue(records[1]["token_ok"], "IMDSv2: the GET carries the session token")

    def test_hit_maps_no_network_library(self):
        env = dict(self.env, LD_DEBUG="files")
        miss = self.gcp(env=env)
        self.assertEqual(miss.returncode, 0, miss.describe())
        res, records = self.imds_records_during(lambda: self.gcp(env=env))
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.sts.stats()["token_calls"], 1, "the second run is a hit")
        self.assertEqual(len(records), 2, "the hit asked IMDS for the role")
        miss_objects = loaded_objects(miss.stderr.decode())
        hit_objects = hit_objects_of(self, res.stderr.decode())
        self.assertTrue(any("libcurl" in o for o in miss_objects), miss_objects)
        for name in NETWORK:
            self.assertFalse(any(name in o for o in hit_objects), "the hit loaded %s: %s" % (name, hit_objects))

    def test_unconfirmed_role_is_never_served_from_the_cache(self):
        cached, _ = self.assert_gcp_success(self.gcp(env=self.env))
        for fault, words in (({"no_role": True}, ["no IAM role is attached"]),
                             ({"put_status": 403}, ["refused the IMDSv2 token request"]),
                             ({"get_status": 401}, ["session token was rejected"])):
            with self.subTest(fault=fault):
                self.imds.set_fault(fault)
                res = self.gcp(env=self.env)
                self.imds.set_fault({})
                self.assert_gcp_failure(res, EXIT_SOURCE, mentions=words,
                                        secrets=[cached["id_token"]] + self.link_secrets())
        self.assertEqual(self.sts.stats()["token_calls"], 1)

    def test_role_replaced_during_the_run_is_not_filed_under_the_old_role(self):
        # The key was made with role A (the role lookups: the front's and the fetcher's), then
        # the module reads role B: it must not sign with B for an entry keyed on A.
        old_role = self.imds.role
        self.replace_instance_profile()
        env = dict(self.env, AWS_REGION="us-east-1")  # no region GET in the count below
        # `times` counts every request (PUT and GET): each role lookup is two
        self.imds.set_fault({"listing_role": old_role, "times": 4 if static_front() else 2})
        res = self.gcp(env=env)
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["instance profile was just replaced"],
                                secrets=self.link_secrets())
        self.assertEqual(self.sts.stats()["token_calls"], 0, "nothing signed")
        self.assertNotIn(ROLES_PATH + ROLE_B, self.imds.stats()["by_path"], "no credentials read")
        self.assert_gcp_success(self.gcp(env=env))
        self.assertEqual(self.signer(0), CREDS_B["AccessKeyId"])

    def test_host_name_endpoint_is_resolved_by_the_fetcher(self):
        # The static front resolves no name (NSS in a static binary): it hands the run off.
        env = dict(self.env, AWS_EC2_METADATA_SERVICE_ENDPOINT="http://localhost:%d" % self.imds.port)
        first, _ = self.assert_gcp_success(self.gcp(env=env))
        hit = self.gcp(env=dict(env, LD_DEBUG="files"))
        self.assertEqual(hit.returncode, 0, hit.describe())
        self.assertEqual(json.loads(hit.stdout)["id_token"], first["id_token"])
        self.assertEqual(self.sts.stats()["token_calls"], 1)
        objects = loaded_objects(hit.stderr.decode())
        if static_front():
            self.assertTrue(any("libc.so" in o for o in objects), "the fetcher (dynamic) served it")
        for name in NETWORK:
            self.assertFalse(any(name in o for o in objects), "the hit loaded %s" % name)

    def test_host_name_whose_resolver_never_answers_ends_within_timeout(self):
        # The fetcher resolves a named IMDS host for the role lookup itself: a DNS stall ends
        # with the run's one deadline too (issue 12.5), as a failure to reach IMDS.
        if not StalledResolver.available():
            self.skipTest("needs root and unshare(1) for a private /etc/resolv.conf")
        env = dict(self.env, AWS_EC2_METADATA_SERVICE_ENDPOINT="http://metadata.google.internal:%d" % self.imds.port)
        with StalledResolver(self.sandbox.root) as dns:
            res = self.gcp("--timeout", "3", env=env, timeout=20, wrap=dns.wrap)
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["metadata.google.internal"], secrets=self.link_secrets())
        self.assertLessEqual(res.elapsed, 3 + SLACK, res.describe())
        self.assertEqual(self.imds.stats()["records"], [], "the name never resolved")


class TestAccessToken(InstanceRoleCase):
    def access_token(self):
        return self.fedcred("access-token", "--credential-config", self.aws1_config(), "--timeout", "8",
                            env=self.link_env("imds"))

    def test_replaced_role_is_a_new_key(self):
        first = self.access_token()
        self.assertEqual(first.returncode, 0, first.describe())
        self.assertEqual(self.access_token().stdout, first.stdout, "the same role: a hit")
        self.assertEqual(self.google.stats()["token_ok"], 1)
        self.replace_instance_profile()
        second = self.access_token()
        self.assertEqual(second.returncode, 0, second.describe())
        self.assertEqual(self.google.stats()["token_ok"], 2, "role B's run is a miss")
        self.assertNotEqual(second.stdout, first.stdout)


if __name__ == "__main__":
    unittest.main()
