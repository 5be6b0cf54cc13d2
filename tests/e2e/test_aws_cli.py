"""End to end with the real AWS CLI: ~/.aws/config's credential_process runs the built fedcred,
which gets an ID token from the metadata stand-in and exchanges it at moto's STS."""

import os
import unittest


from e2e_base import BUCKET, KEY, PROFILE, E2ETestCase  # noqa: E402
from harness import token_secrets  # noqa: E402


class TestAwsCli(E2ETestCase):
    def test_get_caller_identity_shows_assumed_role(self):
        self.assert_env_is_clean()
        res = self.aws_cli("sts", "get-caller-identity", "--profile", PROFILE)
        self.assertEqual(res.returncode, 0, res.describe())
        ident = self.loads(res)
        self.assertEqual(ident["Arn"], self.expected_arn())
        self.assertEqual(ident["Account"], "123456789012")
        self.assertEqual(self.md.stats()["identity_requests"], 1,
                         "credential_process ran fedcred once, which asked the metadata server")
        self.assert_no_secrets(res, token_secrets(self.md.stats()["issued"][0]))

    def test_aws_profile_variable(self):
        env = dict(self.env, AWS_PROFILE=PROFILE)
        res = self.aws_cli("sts", "get-caller-identity", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.loads(res)["Arn"], self.expected_arn())

    def test_s3_cp_reads_object(self):
        res = self.aws_cli("s3", "cp", "s3://%s/%s" % (BUCKET, KEY), "-", "--profile", PROFILE)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, self.content)
        self.assertGreaterEqual(self.md.stats()["identity_requests"], 1)

    def test_credential_process_failure_is_reported(self):
        self.md.set_fault({"status": 403})
        res = self.aws_cli("sts", "get-caller-identity", "--profile", PROFILE)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, "")
        # botocore puts the process's stderr into its error message
        self.assertIn("fedcred: ", res.stderr, res.describe())
        self.assertIn(self.md.host, res.stderr, res.describe())
        self.assertEqual(self.md.stats()["identity_requests"], 1)

    def test_without_fedcred_there_are_no_credentials(self):
        # the same command with a profile that has no credential_process must fail:
        # proves nothing else in the environment supplies credentials
        with open(self.sandbox.aws_config, "w") as f:
            f.write("[profile %s]\nregion = us-east-1\n" % PROFILE)
        res = self.aws_cli("sts", "get-caller-identity", "--profile", PROFILE)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn("credentials", res.stderr.lower())
        self.assertEqual(self.md.stats()["requests"], 0)


if __name__ == "__main__":
    unittest.main()
