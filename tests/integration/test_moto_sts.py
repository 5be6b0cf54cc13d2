"""fedcred aws against the metadata stand-in and moto_server's STS (started here on a free
loopback port): the credentials fedcred prints are ones STS accepts for the assumed role."""

import os
import unittest


from harness import ROLE_ARN, FedcredTestCase, GceStsFixture, MotoServer, token_secrets  # noqa: E402


class TestMotoSts(GceStsFixture, FedcredTestCase):
    with_sts = False

    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.add_standin("moto", MotoServer(), reset=False)

    def setUp(self):
        super().setUp()
        self.env = self.sandbox.env(metadata_host=self.md.host, sts_url=self.moto.url)

    def caller_identity(self, doc):
        session = self.moto.boto3_session(key=doc["AccessKeyId"], secret=doc["SecretAccessKey"],
                                          token=doc["SessionToken"])
        return session.client("sts", endpoint_url=self.moto.url).get_caller_identity()

    def test_credentials_belong_to_the_assumed_role(self):
        res = self.aws(env=self.env)
        doc = self.assert_credentials(res)
        self.assertTrue(doc["AccessKeyId"].startswith("ASIA"), doc["AccessKeyId"])
        ident = self.caller_identity(doc)
        self.assertEqual(ident["Arn"], "arn:aws:sts::123456789012:assumed-role/s3-reader/%s"
                         % self.md.identity["instance_name"])
        self.assertEqual(ident["Account"], "123456789012")
        self.assert_no_secrets(res, token_secrets(self.md.stats()["issued"][0]))
        self.assertEqual(self.md.stats()["identity_requests"], 1)

    def test_session_name_and_duration_reach_sts(self):
        res = self.aws("--session-name", "moto-session", "--duration", "900", env=self.env)
        doc = self.assert_credentials(res)
        ident = self.caller_identity(doc)
        self.assertTrue(ident["Arn"].endswith(":assumed-role/s3-reader/moto-session"),
                        ident["Arn"])

    def test_other_role(self):
        arn = "arn:aws:iam::111122223333:role/path/to/deployer"
        res = self.aws(role_arn=arn, env=self.env)
        doc = self.assert_credentials(res)
        ident = self.caller_identity(doc)
        self.assertIn(":assumed-role/deployer/", ident["Arn"])
        self.assertNotEqual(ROLE_ARN, arn)


if __name__ == "__main__":
    unittest.main()
