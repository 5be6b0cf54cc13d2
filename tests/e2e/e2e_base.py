"""Common set-up of the end-to-end tests: the metadata stand-in, moto_server for STS and S3 with
one object in it, and a private ~/.aws/config whose profile runs the built fedcred through
credential_process. Real clients (the AWS CLI, boto3) run as subprocesses in a scrubbed env."""

import json
import os
import shlex
import sys
import unittest
import uuid


import gce_metadata  # noqa: E402
from harness import ROLE_ARN, FedcredTestCase, MotoServer, fedcred_bin  # noqa: E402

BUCKET = "fedcred-e2e"
KEY = "reports/hello.txt"
PROFILE = "gce-to-aws"


class RequiresTools:
    """Mixin for a TestCase whose clients may be missing on another machine: each of
    `requirements` (functions returning why a client cannot run, or None) is checked before the
    class starts anything, and the first problem skips the class with it as the reason (one TAP
    "# SKIP" point, counted as skipped, never as passed)."""

    requirements = ()

    @classmethod
    def setUpClass(cls):
        for check in cls.requirements:
            problem = check()
            if problem:
                raise unittest.SkipTest(problem)
        super().setUpClass()


class E2ETestCase(FedcredTestCase):
    @classmethod
    def setUpClass(cls):
        cls.md = gce_metadata.MetadataServer().start()
        cls.moto = MotoServer().start()
        # the object the workload will read, put with moto's default test credentials
        cls.content = "object written by the e2e test %s\n" % uuid.uuid4()
        s3 = cls.moto.boto3_session().client("s3", endpoint_url=cls.moto.url)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=cls.content.encode())

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        cls.md.stop()

    def setUp(self):
        super().setUp()
        self.md.reset()
        self.write_aws_config()
        self.env = self.sandbox.env(metadata_host=self.md.host, extra={
            # STS and S3 both go to moto; fedcred honours only the STS-specific variable
            "AWS_ENDPOINT_URL": self.moto.url, "AWS_ENDPOINT_URL_STS": self.moto.url,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_PAGER": "",
            "AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "1",
        })

    def write_aws_config(self, extra_args=""):
        command = "%s aws --role-arn %s --timeout 5%s" % (
            shlex.quote(fedcred_bin()), ROLE_ARN, extra_args)
        with open(self.sandbox.aws_config, "w") as f:
            f.write("[profile %s]\ncredential_process = %s\nregion = us-east-1\noutput = json\n"
                    % (PROFILE, command))

    def aws_cli(self, *args, env=None):
        # `python -m awscli` is the AWS CLI itself; it avoids version-manager shims that
        # depend on the real HOME.
        return self.sandbox.run([sys.executable, "-m", "awscli"] + list(args),
                                env=env or self.env, timeout=120)

    def python(self, code, env=None):
        return self.sandbox.run([sys.executable, "-c", code], env=env or self.env, timeout=120)

    def expected_arn(self):
        return "arn:aws:sts::123456789012:assumed-role/s3-reader/%s" % \
            self.md.identity["instance_name"]

    def assert_env_is_clean(self):
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                    "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
            self.assertNotIn(key, self.env)
        with open(self.sandbox.aws_credentials) as f:
            self.assertEqual(f.read(), "", "the shared credentials file must be empty")

    @staticmethod
    def loads(res):
        return json.loads(res.stdout)
