"""A credential config is trusted no further than fedcred.conf (issue 21.1): the file itself
(owner, mode, directory, regular file, size, a FIFO refused at once), Google's endpoints only on
Google's hosts unless a root-owned fedcred.conf names another (the route the suite itself and
gcloud-written configs take to the stand-ins), GetCallerIdentity only as the verification URL,
the metadata hosts only for credential_source URLs, and credential_source.file under the same
file rules. Every refusal sends nothing to the Google STS stand-in; doctor names the rule."""

import json
import os
import time

from test_aws_chain_support import ChainTestCase as _  # noqa: E402,F401  (path set-up)
from harness import EXIT_USAGE, EXIT_SOURCE  # noqa: E402
from test_access_token import AccessTokenCase  # noqa: E402

GOOGLE_TOKEN_URL = "https://sts.googleapis.com/v1/token"
SA = "reader@demo-project.iam.gserviceaccount.com"
GOOGLE_IMPERSONATION_URL = ("https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
                            "%s:generateAccessToken" % SA)


class TestEndpoints(AccessTokenCase):
    def refused(self, res, *mentions):
        self.assert_failure(res, EXIT_USAGE, mentions=mentions, secrets=self.link_secrets())
        self.assertEqual(self.google.stats()["token_requests"], 0, "nothing may reach Google STS")

    def test_gcloud_config_goes_where_the_root_owned_conf_sends_it(self):
        """gcloud's own URLs, redirected to the stand-ins by the sandbox's (root-owned) conf."""
        config = self.aws1_config(token_url=GOOGLE_TOKEN_URL,
                                  service_account_impersonation_url=GOOGLE_IMPERSONATION_URL)
        token = self.assert_token(self.access_token(config=config))
        self.assertEqual(self.google.stats()["token_ok"], 1)
        self.assertEqual([i["sa"] for i in self.google.stats()["impersonated"]], [SA])
        self.assertEqual(self.read_object(token)[0], 200)

    def test_without_the_conf_only_google_hosts(self):
        self.sandbox.write_config("")
        res = self.access_token(config=self.aws1_config())  # names the stand-in: refused
        self.refused(res, "token_url", "rule google-endpoint", "google_sts_endpoint")

    def test_other_hosts_and_plain_http_are_refused(self):
        for url in ("https://sts.googleapis.com.evil.example/v1/token", "http://sts.googleapis.com/v1/token",
                    "http://127.0.0.2:9/v1/token"):
            with self.subTest(url=url):
                self.refused(self.access_token(config=self.aws1_config(token_url=url)), "token_url")
        config = self.aws1_config(service_account_impersonation_url=(
            "https://evil.example/v1/projects/-/serviceAccounts/%s:generateAccessToken" % SA))
        self.refused(self.access_token(config=config), "service_account_impersonation_url")

    def test_verification_url_is_get_caller_identity_only(self):
        source = json.load(open(self.aws1_config()))["credential_source"]
        for url in ("https://sts.{region}.amazonaws.com?Action=AssumeRole&Version=2011-06-15"
                    "&RoleArn=arn:aws:iam::123456789012:role/admin&RoleSessionName=x",
                    "https://sts.{region}.amazonaws.com.evil.example?Action=GetCallerIdentity"
                    "&Version=2011-06-15"):
            with self.subTest(url=url):
                config = self.aws1_config(credential_source=dict(source, regional_cred_verification_url=url))
                self.refused(self.access_token(config=config), "regional_cred_verification_url",
                             "rule verification-url")

    def test_metadata_urls_follow_the_imds_rules(self):
        source = json.load(open(self.aws1_config()))["credential_source"]
        for key in ("url", "region_url", "imdsv2_session_token_url"):
            with self.subTest(key=key):
                config = self.aws1_config(credential_source=dict(
                    source, **{key: "http://metadata.evil.example/latest/meta-data"}))
                self.refused(self.access_token(config=config), key, "rule metadata-host")


class TestTheFile(AccessTokenCase):
    def test_weak_or_foreign_config_is_refused(self):
        config = self.aws1_config()
        os.chmod(config, 0o666)
        res = self.access_token(config=config)
        self.assert_failure(res, EXIT_USAGE, mentions=["rule mode", config])
        os.chmod(config, 0o600)
        os.chown(config, 4242, 4242)
        res = self.access_token(config=config)
        self.assert_failure(res, EXIT_USAGE, mentions=["rule owner", config])
        os.chown(config, 0, 0)
        with open(config, "a") as f:
            f.write(" " * (70 * 1024))
        self.assert_failure(self.access_token(config=config), EXIT_USAGE, mentions=["rule size"])
        self.assertEqual(self.google.stats()["token_requests"], 0)

    def test_config_in_a_directory_others_can_write_is_refused(self):
        shared = os.path.join(self.sandbox.root, "shared")
        os.makedirs(shared)
        os.chmod(shared, 0o777)
        config = os.path.join(shared, "aws1.json")
        with open(self.aws1_config()) as src, open(config, "w") as dst:
            dst.write(src.read())
        os.chmod(config, 0o600)
        self.assert_failure(self.access_token(config=config), EXIT_USAGE, mentions=["rule directory", shared])

    def test_a_fifo_is_refused_at_once(self):
        fifo = os.path.join(self.sandbox.root, "fifo.json")
        os.mkfifo(fifo, 0o600)
        started = time.monotonic()
        res = self.access_token("--timeout", "3", config=fifo)
        self.assert_failure(res, EXIT_USAGE, mentions=["rule regular", fifo])
        self.assertLess(time.monotonic() - started, 30, "refused, not timed out")

    def test_credential_source_file_follows_the_same_rules(self):
        token = os.path.join(self.sandbox.root, "subject-token")
        with open(token, "w") as f:
            f.write("eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n")
        os.chmod(token, 0o622)
        config = self.aws1_config(credential_source={"file": token},
                                  subject_token_type="urn:ietf:params:oauth:token-type:jwt")
        res = self.access_token(config=config)
        self.assert_failure(res, EXIT_SOURCE, mentions=["rule mode", "credential_source.file"])
        self.assertEqual(self.google.stats()["token_requests"], 0)

    def test_doctor_names_the_rule(self):
        config = self.aws1_config()
        os.chmod(config, 0o664)
        self.sandbox.write_config(self.google_endpoints_conf() + "credential_config = %s\n" % config)
        res = self.fedcred("doctor", "--gcp", env=self.link_env("imds"))
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn("credential config", res.stdout + res.stderr)
        self.assertIn("rule mode", res.stdout + res.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
