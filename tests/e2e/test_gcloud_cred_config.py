"""The seed's AWS -> GCP commands with gcloud itself (issue 24.1).

TestSetupConfigWithGcloud: `fedcred setup gcp-cred-config` output is accepted by `gcloud auth
login --cred-file=...`, and `gcloud auth print-access-token` then runs fedcred (the executable
source, GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1; source aws: the IMDSv2 and
GetWebIdentityToken stand-ins), exchanges the JWT at the Google STS stand-in, impersonates, and
prints the token the stand-in issued. gcloud reaches the stand-in through the file's token_url
and service_account_impersonation_url (google-auth 2.39 takes any URL there, plain http to
127.0.0.1 included; gcloud has no endpoint override for STS, and
CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS is for its own --impersonate-service-account, not
the file's URL). Without impersonation gcloud also authenticates to STS as its own OAuth client
and introspects the token, which the stand-in does not emulate: recorded, not covered.

Each test has its own CLOUDSDK_CONFIG; without gcloud the tests are skipped, saying why."""

import json
import os
import unittest

import fake_gcs  # noqa: E402
import gcloud_support  # noqa: E402
from harness import AwsToGcpFixture, FedcredTestCase, fedcred_bin  # noqa: E402

AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws-pool/"
            "providers/aws-provider")
SERVICE_ACCOUNT = "sa@p.iam.gserviceaccount.com"
BUCKET, OBJECT = "seed-bucket", "from-aws.txt"
CONTENT = b"read through gcloud's token\n"


class GcloudCase(FedcredTestCase):
    @classmethod
    def setUpClass(cls):
        problem = gcloud_support.gcloud_problem()
        if problem:
            raise unittest.SkipTest(problem)
        super().setUpClass()

    def gcloud(self, *args, env=None, **variables):
        env = gcloud_support.gcloud_env(env or self.env,
                                        os.path.join(self.sandbox.root, "gcloud-config"),
                                        extra=variables)
        return self.sandbox.run([gcloud_support.gcloud_path()] + list(args), env=env, timeout=180)

    def write_private(self, name, text):
        path = os.path.join(self.sandbox.root, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path


class TestSetupConfigWithGcloud(AwsToGcpFixture, GcloudCase):
    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.add_standin("gcs", fake_gcs.GcsServer(tokeninfo_url=cls.google.tokeninfo_url,
                                                  objects={(BUCKET, OBJECT): CONTENT},
                                                  readers=[SERVICE_ACCOUNT]))

    def setUp(self):
        super().setUp()
        self.env = self.aws_source_env(extra={"GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1"})

    def setup_config(self, *extra):
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--token-url", self.google.token_url, *extra, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        return self.write_private("credential-config.json", res.stdout), json.loads(res.stdout)

    def login(self, path):
        res = self.gcloud("auth", "login", "--cred-file=" + path)
        self.assertEqual(res.returncode, 0, res.describe())
        return res

    def test_login_and_print_access_token_with_impersonation(self):
        path, config = self.setup_config(
            "--service-account", SERVICE_ACCOUNT,
            "--impersonation-url", self.google.impersonation_url(SERVICE_ACCOUNT))
        self.assertEqual(config["credential_source"]["executable"]["command"],
                         os.path.realpath(fedcred_bin()) + " gcp")
        self.login(path)
        res = self.gcloud("auth", "print-access-token")
        self.assertEqual(res.returncode, 0, res.describe())
        token = res.stdout.strip()
        stats = self.google.stats()
        self.assertEqual([i["accessToken"] for i in stats["impersonated"]][-1:], [token])
        self.assertEqual(stats["impersonated"][-1]["sa"], SERVICE_ACCOUNT)
        self.assertEqual(stats["forms"][-1]["audience"], AUDIENCE)
        self.assertEqual(stats["rejected"], [])
        self.assertGreaterEqual(self.outbound.stats()["token_calls"], 1, "fedcred ran (source aws)")
        # the account gcloud shows is the service account, and the token reads its object
        res = self.gcloud("auth", "list", "--format=json")
        self.assertIn(SERVICE_ACCOUNT, [a["account"] for a in json.loads(res.stdout)],
                      res.describe())
        status, body = fake_gcs.read_object(self.gcs.object_url(BUCKET, OBJECT), token)
        self.assertEqual((status, body), (200, CONTENT))
        self.assert_no_secrets(res, self.aws_source_secrets())

    def test_without_impersonation_gcloud_authenticates_as_its_own_client(self):
        # Recorded limit: with no service_account_impersonation_url gcloud adds its own OAuth
        # client (client_id/secret, HTTP Basic) to the STS exchange, to introspect the token at
        # token_info_url (default https://sts.googleapis.com/v1/introspect) for the account
        # name. The Google STS stand-in emulates neither client authentication nor
        # introspection, so it refuses; this route is not covered here.
        path, config = self.setup_config()
        self.assertNotIn("service_account_impersonation_url", config)
        res = self.gcloud("auth", "login", "--cred-file=" + path)
        self.assertNotEqual(res.returncode, 0, res.describe())
        rejected = self.google.stats()["rejected"]
        self.assertEqual([r["error"] for r in rejected], ["invalid_client"], rejected)
        self.assertEqual(self.outbound.stats()["token_calls"], 1, "fedcred ran: its JWT was sent")

    def test_executables_stay_off_without_the_variable(self):
        path, _ = self.setup_config(
            "--service-account", SERVICE_ACCOUNT,
            "--impersonation-url", self.google.impersonation_url(SERVICE_ACCOUNT))
        # with impersonation the login needs no token (the account is the service account)
        res = self.gcloud("auth", "login", "--cred-file=" + path,
                          GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=None)
        self.assertEqual(res.returncode, 0, res.describe())
        res = self.gcloud("auth", "print-access-token",
                          GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=None)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, "")
        self.assertIn("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES", res.stderr, res.describe())
        self.assertEqual(self.outbound.stats()["token_calls"], 0, "fedcred did not run")
        self.assertEqual(self.google.stats()["issued"], [])

if __name__ == "__main__":
    unittest.main()
