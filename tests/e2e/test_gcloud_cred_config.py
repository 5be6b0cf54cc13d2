"""The seed's AWS -> GCP commands with gcloud itself (issue 24.1).

TestGcloudAws1FileWithFedcred: `gcloud iam workload-identity-pools create-cred-config ... --aws
--output-file=...` (and with --enable-imdsv2) writes the file with no network at all (gcloud runs
in an empty network namespace), and fedcred consumes that file byte for byte (access-token;
serve --gcp-profile naming it in a root-owned fedcred.conf). Nothing in the file is edited: its
token_url and impersonation URL stay https://sts.googleapis.com and
https://iamcredentials.googleapis.com. The test resolves those two names to a loopback TLS front
of the Google STS stand-in (google_hosts.py: a private /etc/hosts in a mount namespace) and
fedcred trusts the front's throwaway CA through CURL_CA_BUNDLE; the file's IMDS URLs
(169.254.169.254) give way to AWS_EC2_METADATA_SERVICE_ENDPOINT as for every AWS tool. So the
redirect needs no fedcred setting at all, and holds whatever rule fedcred applies to
token_url hosts.

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

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import fake_gcs  # noqa: E402
import gcloud_support  # noqa: E402
from google_hosts import GoogleHosts  # noqa: E402
from e2e_base import RequiresTools  # noqa: E402
from harness import AwsToGcpFixture, FedcredTestCase, fedcred_bin  # noqa: E402
from test_aws_chain_support import ChainFixture  # noqa: E402
from test_serve import TOKEN_PATH  # noqa: E402
from test_serve_support import ServeProcess, http_get  # noqa: E402

AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws-pool/"
            "providers/aws-provider")
SERVICE_ACCOUNT = "sa@p.iam.gserviceaccount.com"
BUCKET, OBJECT = "seed-bucket", "from-aws.txt"
CONTENT = b"read through gcloud's token\n"


class GcloudCase(RequiresTools, FedcredTestCase):
    requirements = (gcloud_support.gcloud_problem,)

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
        login = self.login(path)
        printed = self.gcloud("auth", "print-access-token")
        self.assertEqual(printed.returncode, 0, printed.describe())
        token = printed.stdout.strip()
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
        for run in (login, printed, res):
            self.assert_no_secrets(run, self.aws_source_secrets())

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


PROVIDER = ("projects/123456/locations/global/workloadIdentityPools/aws-pool/providers/"
            "aws-provider")
SEED_SA = "gcs-reader@seed-project.iam.gserviceaccount.com"
GOOGLE_NAMES = ("sts.googleapis.com", "iamcredentials.googleapis.com")


class TestGcloudAws1FileWithFedcred(ChainFixture, GcloudCase):
    """ChainFixture: IMDSv2, the Google STS stand-in verifying aws4_request subject tokens
    against the IMDS role's keys, and a Cloud Storage object."""

    requirements = (gcloud_support.gcloud_problem, GoogleHosts.problem)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files_dir = tempfile.mkdtemp(prefix="fedcred-gcloud-files-")
        cls.gcloud_files = {name: cls.create_cred_config(name, extra)
                            for name, extra in (("aws", []), ("imdsv2", ["--enable-imdsv2"]))}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.files_dir, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.add_standin("front", GoogleHosts(GOOGLE_NAMES, cls.google.port))

    @classmethod
    def create_cred_config(cls, name, extra):
        """The seed's command, in a network namespace with no interface up: it needs none."""
        path = os.path.join(cls.files_dir, name + ".json")
        env = gcloud_support.gcloud_env({"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                         "HOME": cls.files_dir, "LANG": "C.UTF-8"},
                                        os.path.join(cls.files_dir, "gcloud-config"))
        proc = subprocess.run(
            ["unshare", "--net", gcloud_support.gcloud_path(), "iam", "workload-identity-pools",
             "create-cred-config", PROVIDER, "--service-account=" + SEED_SA, "--aws",
             "--output-file=" + path] + extra,
            env=env, capture_output=True, text=True, timeout=180, cwd=cls.files_dir)
        if proc.returncode != 0:
            raise RuntimeError("gcloud create-cred-config failed: %s" % proc.stderr)
        with open(path, "rb") as f:
            return f.read()

    def google_endpoints_conf(self):
        # No endpoint in fedcred.conf here: the file's own Google URLs are followed, to the
        # front that Google's names resolve to (test_credential_config_trust covers the
        # root-owned fedcred.conf route, google_sts_endpoint and google_iamcredentials_endpoint).
        return ""

    def install(self, name):
        """gcloud's file, byte for byte, where a user keeps it (mode 0600); returns its path."""
        path = os.path.join(self.sandbox.root, "gcp-credentials-%s.json" % name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(self.gcloud_files[name])
        return path

    def fedcred_env(self, **changes):
        return dict(self.link_env("imds"), CURL_CA_BUNDLE=self.front.ca_path, **changes)

    def assert_unchanged(self, path, name):
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                             hashlib.sha256(self.gcloud_files[name]).hexdigest())

    def assert_impersonated_token(self, token):
        stats = self.google.stats()
        self.assertEqual(stats["rejected"], [])
        self.assertIn(token, [i["accessToken"] for i in stats["impersonated"]])
        self.assertEqual(stats["impersonated"][-1]["sa"], SEED_SA)
        form = stats["forms"][-1]
        self.assertEqual(form["audience"], "//iam.googleapis.com/" + PROVIDER)
        self.assertEqual(form["subject_token_type"], "urn:ietf:params:aws:token-type:aws4_request")
        self.assertGreaterEqual(self.front.connections, 2, "STS and IAM through Google's names")
        status, body = fake_gcs.read_object(self.gcs.object_url("demo-bucket", "hello.txt"), token)
        self.assertEqual((status, body), (200, b"hello from gcs\n"))

    def test_gcloud_writes_the_seed_files_offline(self):
        for name, doc in self.gcloud_files.items():
            with self.subTest(file=name):
                config = json.loads(doc)
                self.assertEqual(config["type"], "external_account")
                self.assertEqual(config["audience"], "//iam.googleapis.com/" + PROVIDER)
                self.assertEqual(config["token_url"], "https://sts.googleapis.com/v1/token")
                self.assertEqual(config["service_account_impersonation_url"],
                                 "https://iamcredentials.googleapis.com/v1/projects/-/"
                                 "serviceAccounts/%s:generateAccessToken" % SEED_SA)
                source = config["credential_source"]
                self.assertEqual(source["environment_id"], "aws1")
                self.assertTrue(source["url"].startswith("http://169.254.169.254/"))
                self.assertEqual("imdsv2_session_token_url" in source, name == "imdsv2")

    def test_access_token_consumes_the_file_unchanged(self):
        for name in self.gcloud_files:
            with self.subTest(file=name):
                self.google.reset()
                self.front.reset()
                path = self.install(name)
                res = self.sandbox.run(self.front.wrap(
                    [fedcred_bin(), "access-token", "--credential-config", path, "--no-cache",
                     "--timeout", "8"]), env=self.fedcred_env())
                self.assertEqual(res.returncode, 0, res.describe())
                self.assert_impersonated_token(res.stdout.strip())
                self.assert_unchanged(path, name)
                self.assert_no_secrets(res, [s for s in self.link_secrets()
                                             if s != res.stdout.strip()])
                if name == "imdsv2":
                    self.assertGreaterEqual(self.imds.stats()["puts"], 1)

    def test_serve_gcp_profile_consumes_the_file_unchanged(self):
        path = self.install("imdsv2")
        self.sandbox.write_config("[profile seed]\ncredential_config = %s\ntimeout = 8\n" % path)
        os.chmod(self.sandbox.config_path, 0o600)
        self.assertEqual(os.stat(self.sandbox.config_path).st_uid, 0, "a root-owned fedcred.conf")
        server = ServeProcess(self.sandbox, self.fedcred_env(), ["--gcp-profile", "seed"],
                              wrap=self.front.wrap)
        self.addCleanup(server.stop)
        server.wait_ready()
        resp = http_get(server.port, TOKEN_PATH, {"Metadata-Flavor": "Google"})
        self.assertEqual(resp.status, 200, resp.body + server.log())
        self.assert_impersonated_token(resp.json()["access_token"])
        email = http_get(server.port, "/computeMetadata/v1/instance/service-accounts/default/email",
                         {"Metadata-Flavor": "Google"})
        self.assertEqual(email.body, SEED_SA)
        self.assert_unchanged(path, "imdsv2")

    def test_gcloud_itself_uses_the_same_file_through_the_front(self):
        # How gcloud reaches the stand-in with Google's own URLs: the names resolve to the
        # front, and gcloud trusts its CA through CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE. Its aws1
        # source takes the environment keys first (else IMDS at the file's 169.254.169.254).
        # gcloud's google-auth adds x-goog-cloud-target-resource after signing, as Google's STS
        # allows; fedcred signs it, and the stand-in requires that of fedcred only (issue 21.2).
        self.google.require_signed_target = False
        self.addCleanup(setattr, self.google, "require_signed_target", True)
        path = self.install("aws")
        env = gcloud_support.gcloud_env(
            self.link_env("environment", AWS_REGION="us-east-1"),
            os.path.join(self.sandbox.root, "gcloud-config"),
            extra={"CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE": self.front.ca_path})
        def gcloud(*args, **changes):
            run_env = dict(env, **changes)
            for key in [k for k, v in changes.items() if v is None]:
                run_env.pop(key)
            return self.sandbox.run(self.front.wrap([gcloud_support.gcloud_path()] + list(args)),
                                    env=run_env, timeout=180)

        res = gcloud("auth", "login", "--cred-file=" + path)
        self.assertEqual(res.returncode, 0, res.describe())
        # the front's TLS is real: without its CA gcloud gets no token
        res = gcloud("auth", "print-access-token", CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE=None)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.google.stats()["forms"], [])
        res = gcloud("auth", "print-access-token")
        self.assertEqual(res.returncode, 0, res.describe())
        self.assert_impersonated_token(res.stdout.strip())
        self.assert_unchanged(path, "aws")

    def test_the_front_is_real_tls_without_its_ca_fedcred_refuses(self):
        path = self.install("aws")
        env = self.fedcred_env()
        env.pop("CURL_CA_BUNDLE")
        res = self.sandbox.run(self.front.wrap(
            [fedcred_bin(), "access-token", "--credential-config", path, "--no-cache",
             "--timeout", "5"]), env=env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, "")
        self.assertIn("sts.googleapis.com", res.stderr, res.describe())
        self.assertEqual(self.google.stats()["forms"], [], "nothing reached the stand-in")


if __name__ == "__main__":
    unittest.main()
