"""End to end with Debian 12's own AWS CLI (the `awscli` package, 2.9, /usr/bin/aws; a different
major version from the pip `aws` 1.x that test_aws_cli.py runs as `python -m awscli`), issue 24.6:
credential_process = the built fedcred, and `fedcred serve`'s container-credentials endpoint.

What this version reads differs from the newer CLIs, and the tests pin it down:
- AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> arrived in CLI 2.13: 2.9 ignores them, so every
  command names moto with --endpoint-url (fedcred itself still reads AWS_ENDPOINT_URL_STS).
- AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE arrived with EKS Pod Identity (2.14): 2.9 reads only
  AWS_CONTAINER_AUTHORIZATION_TOKEN, so with the file alone it sends no Authorization header
  and serve refuses it (401)."""

import json
import os
import subprocess
import unittest

from e2e_base import BUCKET, KEY, PROFILE, E2ETestCase, RequiresTools  # noqa: E402
from harness import token_secrets  # noqa: E402
from serve_e2e_base import ServeE2ETestCase  # noqa: E402

DEBIAN_AWS = "/usr/bin/aws"


def debian_aws_problem():
    """Why Debian's AWS CLI 2 cannot run here, or None."""
    if not os.access(DEBIAN_AWS, os.X_OK):
        return "%s is missing: apt-get install awscli (tools/deps does)" % DEBIAN_AWS
    out = subprocess.run([DEBIAN_AWS, "--version"], capture_output=True, text=True, timeout=60)
    if not out.stdout.startswith("aws-cli/2."):
        return "%s is not the AWS CLI 2 (%r)" % (DEBIAN_AWS, out.stdout.strip())
    return None


class DebianCliMixin(RequiresTools):
    requirements = (debian_aws_problem,)

    def debian_aws(self, *args, env):
        # 2.9 takes no endpoint from the environment: --endpoint-url on every command
        return self.sandbox.run([DEBIAN_AWS, "--endpoint-url", self.moto.url] + list(args),
                                env=env, timeout=120)


class TestDebianCliCredentialProcess(DebianCliMixin, E2ETestCase):
    def test_version_is_the_debian_cli_2(self):
        res = self.sandbox.run([DEBIAN_AWS, "--version"], env=self.env)
        self.assertRegex(res.stdout, r"^aws-cli/2\.\d+\.\d+ .*debian", res.describe())

    def test_get_caller_identity_and_s3_through_credential_process(self):
        self.assert_env_is_clean()
        res = self.debian_aws("sts", "get-caller-identity", "--profile", PROFILE, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.loads(res)["Arn"], self.expected_arn())
        self.assertEqual(self.md.stats()["identity_requests"], 1)
        res = self.debian_aws("s3", "cp", "s3://%s/%s" % (BUCKET, KEY), "-", "--profile", PROFILE,
                              env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, self.content)
        self.assertEqual(self.md.stats()["identity_requests"], 1, "the second run hit the cache")
        self.assert_no_secrets(res, token_secrets(self.md.stats()["issued"][0]))

    def test_fedcred_failure_reaches_the_cli(self):
        self.md.set_fault({"status": 403})
        res = self.debian_aws("sts", "get-caller-identity", "--profile", PROFILE, env=self.env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, "")
        self.assertIn("fedcred: ", res.stderr, res.describe())

    def test_without_fedcred_there_are_no_credentials(self):
        with open(self.sandbox.aws_config, "w") as f:
            f.write("[profile %s]\nregion = us-east-1\n" % PROFILE)
        res = self.debian_aws("sts", "get-caller-identity", "--profile", PROFILE, env=self.env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn("credentials", res.stderr.lower())
        self.assertEqual(self.md.stats()["requests"], 0)


class TestDebianCliThroughServe(DebianCliMixin, ServeE2ETestCase):
    def token_env(self):
        env = {k: v for k, v in self.client_env.items()
               if k != "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = self.server.token()
        return env

    def test_container_endpoint_with_the_token_variable(self):
        env = self.token_env()
        for _ in range(2):
            res = self.debian_aws("sts", "get-caller-identity", env=env)
            self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
            self.assertEqual(json.loads(res.stdout)["Arn"], self.expected_serve_arn())
        res = self.debian_aws("s3", "cp", "s3://%s/%s" % (BUCKET, KEY), "-", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, self.content)
        self.assertEqual(self.md.stats()["identity_requests"], 1, "one exchange for every client")
        self.assert_server_log_clean()

    def test_token_file_alone_is_not_read_by_2_9(self):
        # the variable newer SDKs read: 2.9 sends no Authorization header and serve says 401
        res = self.debian_aws("sts", "get-caller-identity", env=self.client_env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertNotIn("assumed-role", res.stdout)
        self.assertEqual(self.md.stats()["identity_requests"], 1,
                         "serve fetched at start only: the refused client got nothing")

    def test_wrong_token_is_refused(self):
        env = dict(self.token_env(), AWS_CONTAINER_AUTHORIZATION_TOKEN="not-the-token")
        res = self.debian_aws("sts", "get-caller-identity", env=env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertNotIn("assumed-role", res.stdout)


if __name__ == "__main__":
    unittest.main()
