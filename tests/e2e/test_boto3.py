"""End to end with boto3: boto3.Session(profile_name=...) whose credential_process is the built
fedcred; STS and S3 are moto, the ID token comes from the metadata stand-in."""

import json
import os
import unittest


from e2e_base import BUCKET, KEY, PROFILE, E2ETestCase  # noqa: E402

SCRIPT = """
import json, os, boto3
session = boto3.Session(profile_name=%(profile)r)
creds = session.get_credentials()
frozen = creds.get_frozen_credentials()
ident = session.client("sts").get_caller_identity()
body = session.client("s3").get_object(Bucket=%(bucket)r, Key=%(key)r)["Body"].read()
print(json.dumps({"arn": ident["Arn"], "body": body.decode(), "method": creds.method,
                  "refreshable": hasattr(creds, "refresh_needed"),
                  "access_key": frozen.access_key}))
"""


class TestBoto3(E2ETestCase):
    def test_session_profile_reads_s3_as_assumed_role(self):
        self.assert_env_is_clean()
        res = self.python(SCRIPT % {"profile": PROFILE, "bucket": BUCKET, "key": KEY})
        self.assertEqual(res.returncode, 0, res.describe())
        out = json.loads(res.stdout)
        self.assertEqual(out["arn"], self.expected_arn())
        self.assertEqual(out["body"], self.content)
        self.assertEqual(out["method"], "custom-process")
        self.assertTrue(out["refreshable"], "Expiration makes the credentials refreshable")
        self.assertTrue(out["access_key"].startswith("ASIA"))
        self.assertEqual(self.md.stats()["identity_requests"], 1)

    def test_credential_process_failure_raises(self):
        self.md.set_fault({"status": 404})
        code = ("import boto3, botocore.exceptions\n"
                "try:\n"
                "    boto3.Session(profile_name=%r).client('sts').get_caller_identity()\n"
                "except botocore.exceptions.CredentialRetrievalError as e:\n"
                "    print(str(e))\n"
                "    raise SystemExit(3)\n" % PROFILE)
        res = self.python(code)
        self.assertEqual(res.returncode, 3, res.describe())
        self.assertIn("fedcred: ", res.stdout)
        self.assertIn(self.md.host, res.stdout)


if __name__ == "__main__":
    unittest.main()
