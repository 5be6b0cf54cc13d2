"""`fedcred access-token` (issue 13.3): the seed's aws1 credential config, pointed at the
stand-ins, gives an access token the stand-in Google API accepts, from every link of the AWS
chain; the Google STS stand-in verifies the aws4_request subject token (SigV4 with botocore).
Formats, --output, impersonation with token_lifetime_seconds, the cache (and its hit path
mapping no network library), the file and fedcred-executable sources, and every bad input:
wrong audience, unknown environment_id, Google STS invalid_grant, impersonation 403."""

import json
import os
import stat
import time
import unittest
import urllib.request


from test_aws_chain_support import ChainTestCase as _  # noqa: E402,F401  (path set-up)
from harness import EXIT_DENIED, EXIT_IO, EXIT_USAGE  # noqa: E402
from test_aws_chain_support import AUDIENCE, LINKS, ChainTestCase  # noqa: E402
from test_cache_support import hit_objects as hit_objects_of, loaded_objects  # noqa: E402

SA = "reader@demo-project.iam.gserviceaccount.com"
# A module is dlopen'ed through the descriptor that was checked (/proc/self/fd/N), so it shows
# under that name; the network libraries it needs, under theirs.
NETWORK = ("libcurl", "libssl", "libcrypto", "/proc/self/fd/")


class AccessTokenCase(ChainTestCase):
    def access_token(self, *args, link="imds", config=None, env=None, cache=False):
        argv = ["access-token", "--credential-config", config or self.aws1_config(), "--timeout", "8"]
        if not cache:
            argv.append("--no-cache")
        return self.fedcred(*(argv + list(args)), env=env or self.link_env(link))

    def read_object(self, token):
        req = urllib.request.Request(self.gcs.object_url("demo-bucket", "hello.txt"),
                                     headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def assert_token(self, res):
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertTrue(res.stdout.endswith("\n"), res.describe())
        token = res.stdout[:-1]
        self.assertNotIn("\n", token)
        self.assertNotIn(token, res.stderr)
        return token


class TestEachLink(AccessTokenCase):
    def test_every_link_reads_the_object(self):
        for link in LINKS:
            with self.subTest(link=link):
                res = self.access_token(link=link)
                token = self.assert_token(res)
                status, body = self.read_object(token)
                self.assertEqual((status, body), (200, b"hello from gcs\n"))
                stats = self.google.stats()
                self.assertEqual(stats["forms"][-1]["subject_token_type"],
                                 "urn:ietf:params:aws:token-type:aws4_request")
                self.assert_no_secrets(res, [s for s in self.link_secrets() if s != token])

    def test_the_api_refuses_a_made_up_token(self):
        self.assertEqual(self.read_object("ya29.made-up")[0], 401)

    def test_wrong_signature_is_refused(self):
        env = self.link_env("environment", AWS_SECRET_ACCESS_KEY="WrongSecret/" + "w" * 28)
        res = self.access_token(env=env)
        self.assert_failure(res, EXIT_DENIED, mentions=["invalid_grant", "SignatureDoesNotMatch"],
                            secrets=["WrongSecret/" + "w" * 28])


class TestOutput(AccessTokenCase):
    def test_json(self):
        before = int(time.time())
        res = self.access_token("--format", "json")
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        self.assertEqual(set(doc), {"access_token", "token_type", "expires_in", "expiry"})
        self.assertEqual(doc["token_type"], "Bearer")
        self.assertTrue(3590 <= doc["expires_in"] <= 3600, doc)
        self.assertRegex(doc["expiry"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(self.read_object(doc["access_token"])[0], 200)
        self.assertGreaterEqual(doc["expires_in"] + int(time.time()), before + 3590)

    def test_output_file(self):
        path = os.path.join(self.sandbox.root, "token.txt")
        res = self.access_token("--output", path)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, "")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            token = f.read()
        self.assertTrue(token.endswith("\n"))
        self.assertEqual(self.read_object(token.strip())[0], 200)

    def test_bad_format(self):
        res = self.access_token("--format", "yaml")
        self.assert_failure(res, EXIT_USAGE, mentions=["yaml"])


class TestImpersonation(AccessTokenCase):
    def config(self, lifetime=None):
        changes = {"service_account_impersonation_url": self.google.impersonation_url(SA)}
        if lifetime:
            changes["service_account_impersonation"] = {"token_lifetime_seconds": lifetime}
        return self.aws1_config(**changes)

    def test_impersonated_token_with_lifetime(self):
        res = self.access_token("--format", "json", config=self.config(lifetime=1800))
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        imp = self.google.stats()["impersonated"]
        self.assertEqual(len(imp), 1)
        self.assertEqual(doc["access_token"], imp[0]["accessToken"])
        self.assertEqual(imp[0]["sa"], SA)
        self.assertTrue(1790 <= doc["expires_in"] <= 1800, doc)
        self.assertEqual(self.read_object(doc["access_token"])[0], 200)

    def test_impersonation_403(self):
        self.google.set_fault({"endpoint": "iam", "status": 403, "error": "PERMISSION_DENIED",
                               "description": "Permission 'iam.serviceAccounts.getAccessToken' denied"})
        res = self.access_token(config=self.config())
        self.assert_failure(res, EXIT_DENIED, mentions=["PERMISSION_DENIED", "workloadIdentityUser"],
                            secrets=self.link_secrets())


class TestGoogleErrors(AccessTokenCase):
    def test_wrong_audience(self):
        other = ("//iam.googleapis.com/projects/987654/locations/global/workloadIdentityPools/"
                 "other/providers/aws")
        self.google.allowed_audiences = {AUDIENCE}
        try:
            res = self.access_token(config=self.aws1_config(audience=other))
        finally:
            self.google.allowed_audiences = None
        self.assert_failure(res, EXIT_DENIED, mentions=["invalid_target", "audience"],
                            secrets=self.link_secrets())

    def test_invalid_grant(self):
        self.google.set_fault({"endpoint": "token", "status": 400, "error": "invalid_grant",
                               "description": "The caller does not match the attribute condition"})
        res = self.access_token()
        self.assert_failure(res, EXIT_DENIED, mentions=["invalid_grant", "attribute condition"],
                            secrets=self.link_secrets())

    def test_unknown_environment_id(self):
        config = self.aws1_config()
        with open(config) as f:
            doc = json.load(f)
        doc["credential_source"]["environment_id"] = "aws2"
        with open(config, "w") as f:
            json.dump(doc, f)
        res = self.access_token(config=config)
        self.assert_failure(res, EXIT_USAGE, mentions=["environment_id", "aws2", "aws1"])
        self.assertEqual(self.google.stats()["token_requests"], 0)

    def test_missing_config(self):
        res = self.access_token(config="/nonexistent/cred.json")
        self.assert_failure(res, EXIT_IO, mentions=["/nonexistent/cred.json"])

    def test_other_executable_is_refused(self):
        config = self.aws1_config(credential_source={"executable": {"command": "/usr/bin/curl x"}},
                                  subject_token_type="urn:ietf:params:oauth:token-type:jwt")
        res = self.access_token(config=config)
        self.assert_failure(res, EXIT_USAGE, mentions=["executable", "/usr/bin/curl"])


class TestOtherSources(AccessTokenCase):
    def test_fedcred_executable_in_process(self):
        config = self.aws1_config(credential_source={"executable": {
            "command": "/usr/bin/fedcred gcp", "timeout_millis": 5000}},
            subject_token_type="urn:ietf:params:oauth:token-type:jwt")
        res = self.access_token(config=config, env=self.link_env("imds"))
        token = self.assert_token(res)
        self.assertEqual(self.read_object(token)[0], 200)
        self.assertEqual(self.sts.stats()["token_calls"], 1, "GetWebIdentityToken, in-process")


class TestSetup(AccessTokenCase):
    def test_setup_prints_the_aws1_config(self):
        res = self.fedcred("setup", "gcp-cred-config", "--provider", "aws", "--audience", AUDIENCE,
                           env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        self.assertEqual(doc["subject_token_type"], "urn:ietf:params:aws:token-type:aws4_request")
        source = doc["credential_source"]
        self.assertEqual(source["environment_id"], "aws1")
        self.assertEqual(source["imdsv2_session_token_url"], "http://169.254.169.254/latest/api/token")
        self.assertIn("{region}", source["regional_cred_verification_url"])
        # and access-token reads it (pointed at the stand-ins, as a test must)
        for key in ("region_url", "url", "imdsv2_session_token_url"):
            source[key] = source[key].replace("http://169.254.169.254", self.imds.url)
        doc["token_url"] = self.google.token_url
        token = self.assert_token(self.access_token(config=self.write("setup.json", json.dumps(doc))))
        self.assertEqual(self.read_object(token)[0], 200)


class TestAudit(AccessTokenCase):
    def test_issuance_and_hit_are_audited_without_the_token(self):
        from test_audit import SyslogCollector
        syslog = SyslogCollector(os.path.join(self.sandbox.root, "syslog.sock"))
        self.addCleanup(syslog.close)
        env = dict(self.link_env("environment"), FEDCRED_SYSLOG_SOCKET=syslog.path)
        first = self.access_token(env=env, cache=True)
        second = self.access_token(env=env, cache=True)
        token = self.assert_token(first)
        self.assertEqual(self.assert_token(second), token)
        lines = syslog.wait_for(2)
        self.assertEqual(len(lines), 2, lines)
        for line in lines:
            self.assertIn("access-token", line)
            self.assertIn(AUDIENCE, line)
            self.assertNotIn(token, line)
        self.assertIn("AKIAFAKESTATIC000002", lines[0], "the subject is who signed")


class TestCache(AccessTokenCase):
    def test_hit_and_no_network_library(self):
        env = dict(self.link_env("imds"), LD_DEBUG="files")
        miss = self.access_token(env=env, cache=True)
        hit = self.access_token(env=env, cache=True)
        self.assertEqual(miss.returncode, 0, miss.describe())
        self.assertEqual(hit.returncode, 0, hit.describe())
        self.assertEqual(self.google.stats()["token_ok"], 1, "the second run is a hit")
        miss_objects, hit_objects = loaded_objects(miss.stderr), hit_objects_of(self, hit.stderr)
        for name in NETWORK:
            self.assertTrue(any(name in o for o in miss_objects), "a miss loads %s" % name)
            self.assertFalse(any(name in o for o in hit_objects), "the hit loaded %s" % name)

    def test_identity_is_part_of_the_key(self):
        self.assertEqual(self.access_token(link="imds", cache=True).returncode, 0)
        self.assertEqual(self.access_token(link="environment", cache=True).returncode, 0)
        self.assertEqual(self.google.stats()["token_ok"], 2)

    def test_rebound_pod_identity_is_a_new_key(self):
        """Issue 21.12: the Pod Identity URL is every pod's; the key names its token's digest."""
        env = self.link_env("pod_identity")
        for _ in range(2):
            self.assertEqual(self.access_token(env=env, cache=True).returncode, 0)
        self.assertEqual(self.google.stats()["token_ok"], 1, "same token: a hit")
        rebound = "eyJhbGciOiJSUzI1NiJ9.rebound-service-account." + "q" * 40
        self.container.token = rebound
        self.write("pod-token", rebound)
        res = self.access_token(env=env, cache=True)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.google.stats()["token_ok"], 2, "the old identity's token was served")
        self.assertTrue(self.container.stats()["records"][-1]["authorization_ok"])


if __name__ == "__main__":
    unittest.main()
