"""End to end, `fedcred serve` with the real Python clients: the AWS CLI and boto3 find their
credentials through the container-credentials provider (AWS_CONTAINER_CREDENTIALS_FULL_URI +
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) and call sts get-caller-identity and S3 on moto_server;
the server assumed the role once, whatever the number of client processes."""

import json
import os
import unittest


from e2e_base import BUCKET, KEY  # noqa: E402
from serve_e2e_base import ServeE2ETestCase  # noqa: E402

BOTO3 = """
import json, boto3
session = boto3.Session()
creds = session.get_credentials()
ident = session.client("sts").get_caller_identity()
body = session.client("s3").get_object(Bucket=%(bucket)r, Key=%(key)r)["Body"].read()
print(json.dumps({"arn": ident["Arn"], "method": creds.method, "body": body.decode(),
                  "access_key": creds.get_frozen_credentials().access_key}))
"""


class TestServeWithPythonClients(ServeE2ETestCase):
    def test_aws_cli_get_caller_identity(self):
        for _ in range(3):
            res = self.aws_cli("sts", "get-caller-identity", "--output", "json", env=self.client_env)
            self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
            self.assertEqual(json.loads(res.stdout)["Arn"], self.expected_serve_arn())
        res = self.aws_cli("s3", "cp", "s3://%s/%s" % (BUCKET, KEY), "-", env=self.client_env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, self.content)
        self.assertEqual(self.md.stats()["identity_requests"], 1, "one exchange for every client")
        self.assert_server_log_clean()

    def test_boto3_container_provider(self):
        res = self.python(BOTO3 % {"bucket": BUCKET, "key": KEY}, env=self.client_env)
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
        out = json.loads(res.stdout)
        self.assertEqual(out["arn"], self.expected_serve_arn())
        self.assertEqual(out["method"], "container-role")
        self.assertEqual(out["body"], self.content)
        self.assertTrue(out["access_key"].startswith("ASIA"))
        self.assertNotIn(out["access_key"], res.stderr)

    def test_wrong_token_file_is_refused(self):
        wrong = os.path.join(self.sandbox.root, "wrong-token")
        with open(wrong, "w") as f:
            f.write("not-the-token")
        env = dict(self.client_env, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=wrong)
        res = self.aws_cli("sts", "get-caller-identity", env=env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertNotIn("assumed-role", res.stdout)


if __name__ == "__main__":
    unittest.main()
