"""End to end, Azure VM -> AWS (issue 22.5): boto3 and the AWS CLI (pip's 1.x and Debian 12's
2.9) on an Azure-VM-like machine, their profile's credential_process `fedcred aws --profile az`
with `source = azure` in fedcred.conf. fedcred takes the managed identity's token from the Azure
IMDS stand-in and exchanges it at the STS stand-in (signature checked with the tenant's key, the
trust on sts.windows.net/TENANT/:aud and :sub); the clients then call GetCallerIdentity with the
credentials, which the stand-in answers only for credentials it issued. A second client run is
a cache hit: IMDS and STS see nothing more."""

import json
import os
import shlex
import sys
import unittest


from azure_vm_support import RESOURCE_AWS, SYSTEM, AzureVmFixture  # noqa: E402
from harness import ROLE_ARN, FedcredTestCase, fedcred_bin  # noqa: E402

PROFILE = "az"
DEBIAN_AWS = "/usr/bin/aws"
EXPECTED_ARN = "arn:aws:sts::123456789012:assumed-role/s3-reader/fedcred-" + SYSTEM["object_id"]

BOTO3 = """
import json, boto3
session = boto3.Session(profile_name=%r)
creds = session.get_credentials()
ident = session.client("sts").get_caller_identity()
print(json.dumps({"arn": ident["Arn"], "method": creds.method,
                  "refreshable": hasattr(creds, "refresh_needed")}))
"""


class TestAzureVmToAwsClients(AzureVmFixture, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.sandbox.write_config("[profile %s]\nsource = azure\nazure_resource = %s\nrole_arn = %s\n"
                                  % (PROFILE, RESOURCE_AWS, ROLE_ARN))
        with open(self.sandbox.aws_config, "w") as f:
            f.write("[profile %s]\ncredential_process = %s aws --profile %s --timeout 5\n"
                    "region = us-east-1\noutput = json\n"
                    % (PROFILE, shlex.quote(fedcred_bin()), PROFILE))
        self.env = self.vm_env({"AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
                                "AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "1"})

    def run_client(self, argv):
        res = self.sandbox.run(argv, env=self.env, timeout=120)
        self.assertEqual(res.returncode, 0, res.describe())
        for secret in self.azure_secrets():
            self.assertNotIn(secret, res.stdout + res.stderr)
        return json.loads(res.stdout)

    def assert_one_exchange(self):
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1)
        self.assertEqual(self.sts.stats()["assume_calls"], 1)

    def test_boto3_session(self):
        out = self.run_client([sys.executable, "-c", BOTO3 % PROFILE])
        self.assertEqual(out["arn"], EXPECTED_ARN)
        self.assertEqual(out["method"], "custom-process")
        self.assertTrue(out["refreshable"], "Expiration makes the credentials refreshable")
        self.run_client([sys.executable, "-c", BOTO3 % PROFILE])
        self.assert_one_exchange()

    def test_aws_cli(self):
        argv = [sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", PROFILE]
        self.assertEqual(self.run_client(argv)["Arn"], EXPECTED_ARN)
        self.assertEqual(self.run_client(argv)["Arn"], EXPECTED_ARN)
        self.assert_one_exchange()

    @unittest.skipUnless(os.access(DEBIAN_AWS, os.X_OK), "Debian's awscli (/usr/bin/aws) is not installed")
    def test_debian_aws_cli(self):
        # 2.9 takes no endpoint from the environment (fedcred still reads AWS_ENDPOINT_URL_STS)
        argv = [DEBIAN_AWS, "--endpoint-url", self.sts.url, "sts", "get-caller-identity",
                "--profile", PROFILE]
        self.assertEqual(self.run_client(argv)["Arn"], EXPECTED_ARN)
        self.assert_one_exchange()


if __name__ == "__main__":
    unittest.main()
