"""The total deadline (issue 6): whatever the network does, an invocation ends within its
deadline: --timeout, the profile's `timeout` key, else the default of 15 s (well under the 30 s
Google's libraries give an executable). Hangs come from a server that accepts and never answers
and one that dribbles a byte a second, in front of every network step of every command."""

import os
import time
import unittest


import fake_imds  # noqa: E402
from fault_server import FaultServer  # noqa: E402
from harness import (DEADLINE_SLACK, EXIT_SOURCE, EXIT_TRANSIENT, FedcredTestCase,  # noqa: E402
                     GceStsFixture)

SLACK = DEADLINE_SLACK
DEFAULT_DEADLINE = 15
GCP_AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/"
                "pool/providers/aws")


class DeadlineCase(GceStsFixture, FedcredTestCase):
    sts_verifies = False

    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.add_standin("blackhole", FaultServer("blackhole"), reset=False)
        cls.add_standin("dribble", FaultServer("dribble", interval=1.0), reset=False)

    def ends_within(self, res, seconds, code, retries_until_deadline=True):
        self.assertEqual(res.returncode, code, res.describe())
        self.assertLessEqual(res.elapsed, seconds + SLACK,
                             "ran past its %ss deadline\n%s" % (seconds, res.describe()))
        if retries_until_deadline:
            self.assertGreaterEqual(res.elapsed, seconds * 0.5,
                                    "gave up long before its deadline\n%s" % res.describe())

    def hung_env(self, where, server):
        if where == "metadata":
            return self.sandbox.env(metadata_host=server.host, sts_url=self.sts.url)
        return self.sandbox.env(metadata_host=self.md.host, sts_url=server.url)


class TestTimeoutFlag(DeadlineCase):
    def test_timeout_3_with_hung_servers(self):
        for where, code in (("metadata", EXIT_SOURCE), ("sts", EXIT_TRANSIENT)):
            for name in ("blackhole", "dribble"):
                with self.subTest(where=where, server=name):
                    server = getattr(self, name)
                    res = self.aws(env=self.hung_env(where, server), timeout_flag="3")
                    self.ends_within(res, 3, code)

    def test_timeout_3_token_command(self):
        env = self.sandbox.env(metadata_host=self.blackhole.host)
        res = self.fedcred("token", "--timeout", "3", "--no-cache", env=env)
        self.ends_within(res, 3, EXIT_SOURCE)

    def test_timeout_3_gcp_command_imds_hung(self):
        env = self.sandbox.env(extra={"AWS_EC2_METADATA_DISABLED": None,
                                      "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.dribble.url,
                                      "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": GCP_AUDIENCE})
        res = self.fedcred("gcp", "--timeout", "3", "--no-cache", env=env)
        # IMDS answers in milliseconds or not at all: fedcred may give up on it early
        self.ends_within(res, 3, EXIT_SOURCE, retries_until_deadline=False)

    def test_timeout_3_gcp_command_sts_hung(self):
        imds = fake_imds.ImdsServer().start()
        self.addCleanup(imds.stop)
        env = self.sandbox.env(sts_url=self.blackhole.url, extra={
            "AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url,
            "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": GCP_AUDIENCE})
        res = self.fedcred("gcp", "--timeout", "3", "--no-cache", env=env)
        self.assertIn(res.returncode, (EXIT_TRANSIENT, EXIT_SOURCE), res.describe())
        self.ends_within(res, 3, res.returncode)

    def test_timeout_1_is_honoured(self):
        res = self.aws(env=self.hung_env("sts", self.blackhole), timeout_flag="1")
        self.assertEqual(res.returncode, EXIT_TRANSIENT, res.describe())
        self.assertLessEqual(res.elapsed, 1 + SLACK, res.describe())


class TestConfiguredDeadline(DeadlineCase):
    def test_timeout_key_in_profile(self):
        self.sandbox.write_config("[profile hung]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                  "timeout = 3\ncache = false\n")
        res = self.fedcred("aws", "--profile", "hung", env=self.hung_env("sts", self.blackhole))
        self.ends_within(res, 3, EXIT_TRANSIENT)

    def test_flag_overrides_profile_timeout(self):
        self.sandbox.write_config("[profile hung]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                  "timeout = 30\ncache = false\n")
        res = self.fedcred("aws", "--profile", "hung", "--timeout", "2",
                           env=self.hung_env("sts", self.dribble))
        self.ends_within(res, 2, EXIT_TRANSIENT)

    def test_default_deadline_is_15_seconds(self):
        started = time.monotonic()
        res = self.fedcred("aws", "--role-arn", "arn:aws:iam::123456789012:role/r", "--no-cache",
                           env=self.hung_env("sts", self.blackhole), timeout=60)
        self.assertEqual(res.returncode, EXIT_TRANSIENT, res.describe())
        elapsed = time.monotonic() - started
        self.assertLessEqual(elapsed, DEFAULT_DEADLINE + SLACK, res.describe())
        self.assertGreaterEqual(elapsed, DEFAULT_DEADLINE - 3, res.describe())
        self.assertLess(elapsed, 30, "must end well within Google's 30 s executable timeout")


if __name__ == "__main__":
    unittest.main()
