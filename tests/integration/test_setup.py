"""`fedcred setup ...` (issue 7): printed configuration, nothing changed.
- aws-trust-policy: parsed as JSON; its conditions equal the stand-in token's claims
  (accounts.google.com:aud = azp, :oaud = aud, :sub = sub), no token in the output.
- aws-config: the ~/.aws/config section runs the binary itself (its absolute path) with
  --profile; with --role-arn the fedcred.conf section too; the AWS CLI's own parser reads it.
- gcp-cred-config: the external_account JSON (gcloud's --executable-* shape)."""

import configparser
import json
import os
import shlex
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

import gce_metadata  # noqa: E402
from harness import (EXIT_OK, EXIT_SOURCE, EXIT_USAGE, ROLE_ARN, FedcredTestCase,  # noqa: E402
                     GceStsFixture, fedcred_bin, refused_port, token_secrets)

AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/aws")
SA = "sa@p.iam.gserviceaccount.com"


class TestSetupTrustPolicy(GceStsFixture, FedcredTestCase):
    with_sts = False

    def claims_of_issued(self):
        issued = self.md.stats()["issued"]
        self.assertEqual(len(issued), 1)
        return json.loads(gce_metadata.b64url_decode(issued[0].split(".")[1])), issued[0]

    def test_conditions_equal_the_live_claims(self):
        res = self.fedcred("setup", "aws-trust-policy", env=self.env)
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        policy = json.loads(res.stdout)
        claims, token = self.claims_of_issued()
        self.assertEqual(policy["Version"], "2012-10-17")
        self.assertEqual(len(policy["Statement"]), 1)
        st = policy["Statement"][0]
        self.assertEqual(st["Effect"], "Allow")
        self.assertEqual(st["Principal"], {"Federated": "accounts.google.com"})
        self.assertEqual(st["Action"], "sts:AssumeRoleWithWebIdentity")
        self.assertEqual(st["Condition"], {"StringEquals": {
            "accounts.google.com:aud": claims["azp"],
            "accounts.google.com:oaud": claims["aud"],
            "accounts.google.com:sub": claims["sub"]}})
        self.assertEqual(claims["aud"], "sts.amazonaws.com")
        self.assert_no_secrets(res, token_secrets(token))
        self.assertEqual(os.listdir(self.sandbox.cache_dir), [], "setup changes nothing")

    def test_profile_audience_is_used(self):
        self.sandbox.write_config("[profile s3]\naudience = my-aws-audience\nrole_arn = %s\n"
                                  % ROLE_ARN)
        res = self.fedcred("setup", "aws-trust-policy", "--profile", "s3", env=self.env)
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        cond = json.loads(res.stdout)["Statement"][0]["Condition"]["StringEquals"]
        self.assertEqual(cond["accounts.google.com:oaud"], "my-aws-audience")
        self.assertEqual(self.md.stats()["records"][-1]["query"]["audience"], "my-aws-audience")

    def test_metadata_down(self):
        env = self.sandbox.env(metadata_host="127.0.0.1:%d" % refused_port(self))
        res = self.fedcred("setup", "aws-trust-policy", "--timeout", "2", env=env)
        self.assert_failure(res, EXIT_SOURCE, mentions=["metadata"])


class TestSetupAwsConfig(FedcredTestCase):
    def test_section_runs_this_binary(self):
        res = self.fedcred("setup", "aws-config", "--profile", "s3", env=self.sandbox.env())
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        parser = configparser.ConfigParser()
        parser.read_string(res.stdout)
        command = parser["profile s3"]["credential_process"]
        argv = shlex.split(command)
        self.assertEqual(argv[0], os.path.realpath(fedcred_bin()))
        self.assertTrue(os.path.isabs(argv[0]))
        self.assertEqual(argv[1:], ["aws", "--profile", "s3"])
        self.assertIn("--role-arn", res.stdout, "says the fedcred profile is still missing")

    def test_role_arn_adds_the_fedcred_conf_section_that_works(self):
        res = self.fedcred("setup", "aws-config", "--profile", "s3", "--role-arn", ROLE_ARN,
                           env=self.sandbox.env())
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        aws_part, fedcred_part = res.stdout.split("\n\n", 1)
        aws = configparser.ConfigParser()
        aws.read_string(aws_part)
        self.assertIn("credential_process", aws["profile s3"])
        # the fedcred.conf snippet is accepted by fedcred's own parser
        self.sandbox.write_config(fedcred_part)
        check = self.fedcred("doctor", "--profile", "s3", "--json", env=self.sandbox.env(
            metadata_host="127.0.0.1:%d" % refused_port(self)))
        doc = json.loads(check.stdout)
        self.assertEqual(doc["steps"][0]["name"], "config")
        self.assertEqual(doc["steps"][0]["status"], "ok", check.describe())
        self.assertIn(ROLE_ARN, doc["steps"][0]["detail"])

    def test_profile_is_required(self):
        res = self.fedcred("setup", "aws-config", env=self.sandbox.env())
        self.assert_failure(res, EXIT_USAGE, mentions=["--profile"])

    def test_unknown_setup_kind(self):
        res = self.fedcred("setup", "nonsense", env=self.sandbox.env())
        self.assert_failure(res, EXIT_USAGE, mentions=["unknown command"])
        res = self.fedcred("setup", env=self.sandbox.env())
        self.assert_failure(res, EXIT_USAGE, mentions=["aws-trust-policy"])


class TestSetupGcpCredConfig(FedcredTestCase):
    def test_full_config(self):
        out = os.path.join(self.sandbox.root, "gcp-response.json")
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--service-account", SA, "--output-file", out,
                           env=self.sandbox.env())
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        doc = json.loads(res.stdout)
        self.assertEqual(doc, {
            "type": "external_account",
            "audience": AUDIENCE,
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": "https://sts.googleapis.com/v1/token",
            "service_account_impersonation_url":
                "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/%s:"
                "generateAccessToken" % SA,
            "credential_source": {"executable": {
                "command": os.path.realpath(fedcred_bin()) + " gcp",
                "timeout_millis": 30000,
                "output_file": out}},
        })
        self.assertFalse(os.path.exists(out), "setup writes nothing")

    def test_minimal_config_and_profile(self):
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE, "--profile", "gcs",
                           env=self.sandbox.env())
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        doc = json.loads(res.stdout)
        self.assertNotIn("service_account_impersonation_url", doc)
        self.assertEqual(doc["credential_source"]["executable"]["command"].split()[1:],
                         ["gcp", "--profile", "gcs"])

    def test_bad_input(self):
        env = self.sandbox.env()
        res = self.fedcred("setup", "gcp-cred-config", env=env)
        self.assert_failure(res, EXIT_USAGE, mentions=["--audience"])
        res = self.fedcred("setup", "gcp-cred-config", "--audience", "sts.amazonaws.com", env=env)
        self.assert_failure(res, EXIT_USAGE, mentions=["workload identity provider"])
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--service-account", "nope", env=env)
        self.assert_failure(res, EXIT_USAGE, mentions=["service account"])
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--output-file", "rel.json", env=env)
        self.assert_failure(res, EXIT_USAGE, mentions=["absolute"])
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--token-url", "http://sts.example.com/v1/token", env=env)
        self.assert_failure(res, EXIT_USAGE, mentions=["https"])


if __name__ == "__main__":
    unittest.main()
