"""The AWS credential chain for source `aws` (issue 13.1, botocore's order): `fedcred gcp` gets a
GetWebIdentityToken JWT signed with credentials from each link - environment keys, EKS IRSA
(web identity token file -> AssumeRoleWithWebIdentity, verified against an EKS-style OIDC
issuer), ECS (relative URI), EKS Pod Identity (full URI + authorization token file, checked by
the endpoint), IMDSv2 - and Google's STS stand-in accepts each. Plus: the cache key names the
signing identity (issue 12.1), `source = aws` is refused for `fedcred aws` (12.9), the duration
is capped to the signing credentials' life, doctor names the link, and the bad inputs: a
container endpoint on a forbidden host, a missing token file, half-set pairs."""

import json
import os
import time
import unittest


from test_aws_chain_support import ChainTestCase as _  # noqa: E402,F401  (path set-up)
from harness import EXIT_SOURCE, EXIT_USAGE, ROLE_ARN  # noqa: E402
from test_aws_chain_support import (AUDIENCE, IRSA_ROLE, LINKS, POD_TOKEN, STATIC,  # noqa: E402
                                    ChainTestCase)
from test_gcp_support import JWT_TYPE  # noqa: E402

GCP_ENV = {"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": AUDIENCE,
           "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE": JWT_TYPE,
           "GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE": "0"}


class TestEachLink(ChainTestCase):
    def run_gcp(self, link, *args, **changes):
        env = self.link_env(link, **dict(GCP_ENV, **changes))
        return self.gcp("--timeout", "8", *args, env=env)

    def signer(self):
        """The access key id that signed the last GetWebIdentityToken."""
        auth = self.sts.stats()["headers"][-1]["Authorization"]
        return auth.split("Credential=")[1].split("/")[0]

    def exchange(self, token):
        return self.google.exchange(
            {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "audience": AUDIENCE,
             "scope": "https://www.googleapis.com/auth/cloud-platform",
             "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
             "subject_token": token, "subject_token_type": JWT_TYPE},
            {"Content-Type": "application/x-www-form-urlencoded"})

    def check_link(self, link, expected_signer):
        res = self.run_gcp(link, "--no-cache")
        doc, _ = self.assert_gcp_success(res)
        self.assertEqual(self.sts.stats()["verdicts"][-1], None, "botocore verified the signature")
        self.assertEqual(self.signer(), expected_signer())
        status, answer = self.exchange(doc["id_token"])
        self.assertEqual(status, 200, answer)
        self.assert_no_secret_bytes(res, [s for s in self.link_secrets() if s != doc["id_token"]])
        return res

    def test_environment_keys(self):
        self.check_link("environment", lambda: STATIC["AccessKeyId"])
        self.assertEqual(self.imds.stats()["gets"], 1, "IMDS only for the region")

    def test_web_identity_irsa(self):
        self.check_link("web_identity", lambda: self.irsa_sts.stats()["issued"][-1]["AccessKeyId"])
        form = self.irsa_sts.stats()["forms"][-1]
        self.assertEqual(form["RoleArn"], IRSA_ROLE)
        self.assertEqual(form["RoleSessionName"], "irsa-session")
        self.assertEqual(self.container.stats()["requests"], 0)

    def test_ecs_relative_uri(self):
        self.check_link("ecs", lambda: self.container.credentials["AccessKeyId"])
        record = self.container.stats()["records"][-1]
        self.assertEqual(record["path"], "/v2/credentials/task-1")
        self.assertFalse(record["proxied"])

    def test_pod_identity_full_uri_and_token_file(self):
        self.check_link("pod_identity", lambda: self.container.credentials["AccessKeyId"])
        record = self.container.stats()["records"][-1]
        self.assertTrue(record["authorization_ok"], "the token file's content is the Authorization")

    def test_pod_identity_token_file_is_reread(self):
        self.check_link("pod_identity", lambda: self.container.credentials["AccessKeyId"])
        self.container.token = "rotated-" + "r" * 30
        self.write("pod-token", self.container.token)
        env = self.link_env("pod_identity", **GCP_ENV)
        self.container.token = "rotated-" + "r" * 30  # link_env set the old one
        self.write("pod-token", self.container.token)
        res = self.gcp("--timeout", "8", "--no-cache", env=env)
        self.assert_gcp_success(res)

    def test_imds(self):
        self.check_link("imds", lambda: self.imds.credentials["AccessKeyId"])

    def test_environment_wins_over_everything(self):
        env = self.link_env("web_identity", **GCP_ENV)
        env.update(self.link_env("ecs"))
        env.update({"AWS_ACCESS_KEY_ID": STATIC["AccessKeyId"],
                    "AWS_SECRET_ACCESS_KEY": STATIC["SecretAccessKey"]})
        self.assert_gcp_success(self.gcp("--no-cache", env=env))
        self.assertEqual(self.signer(), STATIC["AccessKeyId"])
        self.assertEqual(self.irsa_sts.stats()["assume_calls"], 0)
        self.assertEqual(self.container.stats()["requests"], 0)

    def test_web_identity_wins_over_container(self):
        env = self.link_env("web_identity", **GCP_ENV)
        env.update({k: v for k, v in self.link_env("ecs").items() if "CONTAINER" in k})
        self.assert_gcp_success(self.gcp("--no-cache", env=env))
        self.assertEqual(self.container.stats()["requests"], 0)


class TestCacheKeyNamesTheSigner(ChainTestCase):
    """Issue 12.1: two identities under one profile and audience never share an entry."""

    def test_two_access_keys_do_not_share_a_token(self):
        first = self.gcp(env=self.link_env("environment", **GCP_ENV))
        self.assert_gcp_success(first)
        other = self.link_env("imds", **GCP_ENV)
        second = self.gcp(env=other)
        self.assert_gcp_success(second)
        self.assertEqual(self.sts.stats()["token_calls"], 2,
                         "the instance role must not be served the static key's JWT")
        self.assertNotEqual(json.loads(first.stdout)["id_token"], json.loads(second.stdout)["id_token"])
        # and each is a hit for itself
        self.assert_gcp_success(self.gcp(env=other))
        self.assertEqual(self.sts.stats()["token_calls"], 2)

    def rebind_pod(self, token):
        """The pod's Pod Identity token is now another one (the pod re-created under another
        service account, or a token for another identity): the agent wants it and answers
        with another role's session."""
        self.addCleanup(setattr, self.container, "role_arn", self.container.role_arn)
        self.container.token = token
        self.container.role_arn = "arn:aws:iam::123456789012:role/rebound-role"
        self.write("pod-token", token)

    def test_rebound_pod_identity_is_not_served_the_old_session(self):
        """Issue 21.12, the container link: its URL is the same for every pod
        (169.254.170.23/v1/credentials), so the key names the Authorization token too."""
        env = self.link_env("pod_identity", **GCP_ENV)
        first = self.gcp(env=env)
        self.assert_gcp_success(first)
        self.assert_gcp_success(self.gcp(env=env))
        self.assertEqual(self.sts.stats()["token_calls"], 1, "same token: a hit")
        self.assertEqual(self.container.stats()["requests"], 1, "a hit asks the endpoint nothing")
        rebound = "eyJhbGciOiJSUzI1NiJ9.rebound-service-account." + "q" * 40
        self.rebind_pod(rebound)
        second = self.gcp(env=env)
        self.assert_gcp_success(second)
        self.assertEqual(self.sts.stats()["token_calls"], 2, "the old identity's JWT was served")
        self.assertNotEqual(json.loads(first.stdout)["id_token"], json.loads(second.stdout)["id_token"])
        self.assertTrue(self.container.stats()["records"][-1]["authorization_ok"])
        self.assert_gcp_success(self.gcp(env=env))
        self.assertEqual(self.sts.stats()["token_calls"], 2, "the new token: a hit for itself")
        for name in os.listdir(self.sandbox.cache_dir):
            with open(os.path.join(self.sandbox.cache_dir, name), "rb") as f:
                data = f.read().decode("utf-8", "replace")
            self.assertNotIn(POD_TOKEN, data)
            self.assertNotIn(rebound, data)

    def test_container_token_variable_names_the_key_too(self):
        """AWS_CONTAINER_AUTHORIZATION_TOKEN (the value, no file) is named the same way."""
        env = self.link_env("pod_identity", **GCP_ENV)
        del env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = POD_TOKEN
        self.assert_gcp_success(self.gcp(env=env))
        self.assert_gcp_success(self.gcp(env=env))
        self.assertEqual(self.sts.stats()["token_calls"], 1)
        rebound = "eyJhbGciOiJSUzI1NiJ9.other-value." + "v" * 40
        self.rebind_pod(rebound)
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = rebound
        self.assert_gcp_success(self.gcp(env=env))
        self.assertEqual(self.sts.stats()["token_calls"], 2, "the old token's JWT was served")

    def test_the_key_holds_no_secret(self):
        self.assert_gcp_success(self.gcp(env=self.link_env("environment", **GCP_ENV)))
        for name in os.listdir(self.sandbox.cache_dir):
            with open(os.path.join(self.sandbox.cache_dir, name), "rb") as f:
                data = f.read().decode("utf-8", "replace")
            self.assertNotIn(STATIC["SecretAccessKey"], data)


class TestDurationCap(ChainTestCase):
    def test_capped_to_the_signing_credentials(self):
        self.container.set_fault({"expires_in": 600})
        res = self.gcp("--no-cache", env=self.link_env("ecs", **GCP_ENV))
        self.assert_gcp_success(res)
        duration = int(self.sts.stats()["forms"][-1]["DurationSeconds"])
        self.assertLessEqual(duration, 600)
        self.assertGreaterEqual(duration, 500)

    def test_verbose_says_so(self):
        self.container.set_fault({"expires_in": 600})
        config = self.write("c.conf", "[profile g]\nsource = aws\naudience = %s\n" % AUDIENCE)
        res = self.run_raw("token", "--config", config, "--profile", "g", "--no-cache", "-v",
                           env=self.link_env("ecs"))
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertIn(b"capped", res.stderr)
        self.assert_no_secret_bytes(res, self.link_secrets()[:-1])

    def test_too_short_is_a_source_error(self):
        self.container.set_fault({"expires_in": 60})
        res = self.gcp("--no-cache", env=self.link_env("ecs", **GCP_ENV))
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["expire"])
        self.assertEqual(self.sts.stats()["token_calls"], 0)


class TestBadInputs(ChainTestCase):
    def test_full_uri_on_a_forbidden_host(self):
        env = self.link_env("imds", AWS_CONTAINER_CREDENTIALS_FULL_URI="http://192.0.2.10/creds",
                            **GCP_ENV)
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["192.0.2.10", "AWS_CONTAINER_CREDENTIALS_FULL_URI"])
        self.assertEqual(self.imds.stats()["puts"], 0, "nothing sent")

    def test_https_full_uri_anywhere_and_botocore_hosts_are_allowed(self):
        for host in ("169.254.170.23", "[fd00:ec2::23]"):
            env = self.link_env("imds", AWS_CONTAINER_CREDENTIALS_FULL_URI="http://%s/v1/credentials" % host,
                                **GCP_ENV)
            res = self.gcp("--no-cache", "--timeout", "2", env=env)
            self.assertNotEqual(res.returncode, EXIT_USAGE, res.describe())

    def test_relative_uri_override_must_be_loopback(self):
        env = self.link_env("ecs", FEDCRED_CONTAINER_CREDENTIALS_ENDPOINT="http://192.0.2.1:80", **GCP_ENV)
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["FEDCRED_CONTAINER_CREDENTIALS_ENDPOINT"])

    def test_missing_web_identity_token_file(self):
        env = self.link_env("web_identity", AWS_WEB_IDENTITY_TOKEN_FILE="/nonexistent/token", **GCP_ENV)
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["/nonexistent/token", "AWS_WEB_IDENTITY_TOKEN_FILE"])

    def test_missing_pod_identity_token_file(self):
        env = self.link_env("pod_identity", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="/nonexistent/pod",
                            **GCP_ENV)
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["/nonexistent/pod"])
        self.assertEqual(self.container.stats()["requests"], 0)

    def test_wrong_pod_identity_token_is_refused(self):
        env = self.link_env("pod_identity", **GCP_ENV)
        self.write("pod-token", "not-the-token")
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, 4, mentions=["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"],
                                secrets=self.link_secrets() + ["not-the-token"])

    def test_role_arn_missing_for_web_identity(self):
        env = self.link_env("web_identity", AWS_ROLE_ARN=None, **GCP_ENV)
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["AWS_ROLE_ARN"])

    def test_secret_without_key_id(self):
        env = self.link_env("imds", AWS_SECRET_ACCESS_KEY="lonely-secret-value", **GCP_ENV)
        res = self.gcp("--no-cache", env=env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["AWS_ACCESS_KEY_ID"],
                                secrets=["lonely-secret-value"])


class TestSourceAwsOnly(ChainTestCase):
    """Issue 12.9."""

    def test_aws_command_refuses_source_aws(self):
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--source", "aws", "--no-cache",
                           env=self.link_env("environment"))
        self.assert_failure(res, EXIT_USAGE, mentions=["source 'aws'", "fedcred gcp"])

    def test_aws_keys_are_not_read_for_source_gce(self):
        """Before, a half-set AWS key pair failed `fedcred token --source gce` (exit 2): the
        environment's AWS keys were read and handed to every source's module."""
        import gce_metadata
        md = gce_metadata.MetadataServer().start()
        self.addCleanup(md.stop)
        env = dict(self.env, GCE_METADATA_HOST=md.host, AWS_ACCESS_KEY_ID="AKIAHALFSET00000000")
        res = self.run_raw("token", "--source", "gce", "--no-cache", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout.decode().count("."), 2, "a JWT")


class TestDoctorNamesTheLink(ChainTestCase):
    def test_each_link(self):
        for link, word in (("environment", STATIC["AccessKeyId"]), ("ecs", "container"),
                           ("web_identity", "web identity"), ("imds", "instance role")):
            res = self.fedcred("doctor", "--gcp", "--audience", AUDIENCE, "--json",
                               env=self.link_env(link))
            self.assertIn(word, res.stdout, "doctor should name the %s link\n%s" % (link, res.describe()))
            self.assert_no_secrets(res, self.link_secrets())


if __name__ == "__main__":
    unittest.main()
