"""Go applications built from Debian 12's packaged SDKs (tests/e2e/go/seed_*; go_support.py)
against fedcred (issue 24.5). Each calls the stand-in API with what it got and checks who it is.

- AWS SDK for Go v1 1.44 (session with the shared config) and v2 1.17
  (config.LoadDefaultConfig): `credential_process = fedcred aws ...` in the shared config, and
  `fedcred serve`'s container endpoint. Neither version reads AWS_ENDPOINT_URL* (the programs
  take moto's URL from E2E_STS_ENDPOINT) nor AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (they read
  AWS_CONTAINER_AUTHORIZATION_TOKEN; with the file alone serve refuses them, 401).
- Under socket activation (issue 21.8: they gave up on the early 503), aws-sdk-go-v2 1.17 and
  x/oauth2 0.3 each start `fedcred serve` with their first request, through a slow first fetch.
- golang.org/x/oauth2/google 0.3 FindDefaultCredentials: with GCE_METADATA_HOST -> `fedcred
  serve --gcp-profile` (cloud.google.com/go/compute/metadata trusts the variable as "on GCE"),
  and with GOOGLE_APPLICATION_CREDENTIALS naming `fedcred setup gcp-cred-config` output (an
  executable source, GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1). x/oauth2 0.3 accepts only
  https Google host names as token_url and impersonation URL (validTokenURLPatterns), so the
  config keeps https://sts.googleapis.com and https://iamcredentials.googleapis.com and the
  program runs where those names resolve to the stand-in's loopback TLS front
  (google_hosts.py), trusting its CA through SSL_CERT_FILE; a loopback token_url is refused,
  and the test shows that too."""

import json
import os
import shutil
import unittest

import fake_gcs  # noqa: E402
import go_support  # noqa: E402
from e2e_base import PROFILE, E2ETestCase, RequiresTools  # noqa: E402
from google_hosts import GoogleHosts  # noqa: E402
from harness import AwsToGcpFixture, FedcredTestCase  # noqa: E402
from serve_e2e_base import ServeE2ETestCase  # noqa: E402
from test_access_token import SA  # noqa: E402
from test_serve import TOKEN_PATH, GoogleServeTestCase  # noqa: E402
from test_serve_support import PROFILE as SERVE_PROFILE  # noqa: E402
from test_serve_support import ServeProcess, http_get, profile_config  # noqa: E402

SOCKET_ACTIVATE = shutil.which("systemd-socket-activate")

AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/aws-pool/"
            "providers/aws-provider")
EXEC_SA = "go-app@p.iam.gserviceaccount.com"
BUCKET, OBJECT = "go-bucket", "object.txt"
CONTENT = "read by a Go program\n"


class GoCase(RequiresTools):
    """RequiresTools with the Go programs a class runs (`programs`) and `extra_requirements`."""

    programs = ()
    extra_requirements = ()

    @classmethod
    def setUpClass(cls):
        cls.requirements = tuple(lambda name=name: go_support.go_problem(name)
                                 for name in cls.programs) + cls.extra_requirements
        super().setUpClass()

    def go(self, name, env, wrap=None):
        argv = [go_support.build(name)]
        res = self.sandbox.run(wrap(argv) if wrap else argv, env=env, timeout=120)
        try:
            return res, json.loads(res.stdout)
        except ValueError:
            self.fail("%s printed no JSON\n%s" % (name, res.describe()))


AWS_PROGRAMS = (("seed_awssdk_v1", "provider", "ProcessProvider"),
                ("seed_awssdk_v2", "source", "ProcessProvider"))


class TestGoAwsSdkCredentialProcess(GoCase, E2ETestCase):
    programs = ("seed_awssdk_v1", "seed_awssdk_v2")

    def test_shared_config_credential_process(self):
        env = dict(self.env, AWS_PROFILE=PROFILE, E2E_STS_ENDPOINT=self.moto.url)
        for name, key, provider in AWS_PROGRAMS:
            with self.subTest(sdk=name):
                res, out = self.go(name, env)
                self.assertTrue(out["ok"], res.describe())
                self.assertEqual(out["arn"], self.expected_arn())
                self.assertEqual(out[key], provider)
        self.assertEqual(self.md.stats()["identity_requests"], 1, "the second run hit the cache")

    def test_without_the_profile_there_are_no_credentials(self):
        env = dict(self.env, E2E_STS_ENDPOINT=self.moto.url)
        for name, _, _ in AWS_PROGRAMS:
            with self.subTest(sdk=name):
                res, out = self.go(name, env)
                self.assertFalse(out["ok"], res.describe())
        self.assertEqual(self.md.stats()["requests"], 0)


class TestGoAwsSdkThroughServe(GoCase, ServeE2ETestCase):
    programs = ("seed_awssdk_v1", "seed_awssdk_v2")

    def test_container_endpoint_with_the_token_variable(self):
        env = {k: v for k, v in self.client_env.items()
               if k != "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}
        env.update(AWS_CONTAINER_AUTHORIZATION_TOKEN=self.server.token(),
                   E2E_STS_ENDPOINT=self.moto.url)
        for name, key, _ in AWS_PROGRAMS:
            with self.subTest(sdk=name):
                res, out = self.go(name, env)
                self.assertTrue(out["ok"], res.describe() + "\n" + self.server.log())
                self.assertEqual(out["arn"], self.expected_serve_arn())
                self.assertIn("Endpoint", out[key])
        self.assertEqual(self.md.stats()["identity_requests"], 1, "one exchange for both")
        self.assert_server_log_clean()

    def test_token_file_alone_is_not_read(self):
        # no Authorization header: serve's 401; v1's chain reports only that no provider
        # worked, v2 passes serve's message on
        env = dict(self.client_env, E2E_STS_ENDPOINT=self.moto.url)
        for name, error in (("seed_awssdk_v1", "NoCredentialProviders"),
                            ("seed_awssdk_v2", "Unauthorized: the Authorization header")):
            with self.subTest(sdk=name):
                res, out = self.go(name, env)
                self.assertFalse(out["ok"], res.describe())
                self.assertIn(error, out["error"], out)


@unittest.skipUnless(SOCKET_ACTIVATE, "needs systemd-socket-activate")
class TestGoAwsSdkV2StartsTheServer(GoCase, E2ETestCase):
    programs = ("seed_awssdk_v2",)

    def test_first_request_of_a_socket_activated_server(self):
        self.sandbox.write_config(profile_config())
        # a slow metadata server: the SDK's request waits for the first credentials
        self.md.set_fault({"hang": 2.0, "times": 1})
        server = ServeProcess(self.sandbox, self.sandbox.env(metadata_host=self.md.host, sts_url=self.moto.url),
                              ["--aws-profile", SERVE_PROFILE], socket_activated=True)
        self.addCleanup(server.stop)
        token = "socket-activated-go-token-0123456789"
        server.write_token(token)
        server.wait_listening()
        with open(self.sandbox.aws_config, "w") as f:  # nothing but the container endpoint
            f.write("")
        env = dict(self.env, AWS_CONTAINER_CREDENTIALS_FULL_URI=server.url + "/aws/credentials",
                   AWS_CONTAINER_AUTHORIZATION_TOKEN=token, E2E_STS_ENDPOINT=self.moto.url)
        res, out = self.go("seed_awssdk_v2", env)
        self.assertTrue(out["ok"], res.describe() + "\n" + server.log())
        self.assertEqual(out["arn"], self.expected_arn())
        self.assertIn("Endpoint", out["source"])
        self.assertEqual(self.md.stats()["identity_requests"], 1)
        self.assertNotIn(token, server.log())


class Oauth2ThroughServeCase(GoCase, GoogleServeTestCase):
    programs = ("seed_oauth2_google",)

    def read_through(self, server):
        """x/oauth2 finds the metadata server at `server` (GCE_METADATA_HOST) and reads the object
        with its token, which is the server's."""
        env = {k: v for k, v in self.env.items()
               if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_", "GCE_"))}
        env.update(GCE_METADATA_HOST="127.0.0.1:%d" % server.port,
                   E2E_OBJECT_URL=self.gcs.object_url("demo-bucket", "hello.txt"))
        res, out = self.go("seed_oauth2_google", env)
        self.assertTrue(out["ok"], res.describe() + "\n" + server.log())
        self.assertEqual((out["status"], out["object"]), (200, "hello from gcs\n"))
        served = http_get(server.port, TOKEN_PATH, {"Metadata-Flavor": "Google"}).json()
        self.assertEqual(out["token_start"], served["access_token"][:6])
        self.assertEqual(self.gcs.stats()["reads"][-1]["reader"], SA)
        self.assert_clean_log(server, served["access_token"])


@unittest.skipUnless(SOCKET_ACTIVATE, "needs systemd-socket-activate")
class TestGoOauth2StartsTheServer(Oauth2ThroughServeCase):
    def test_first_request_of_a_socket_activated_server(self):
        # a slow exchange at Google STS: the token request waits for the first token
        self.google.set_fault({"hang": 2.0, "hang_only": True, "times": 1})
        self.read_through(self.serve_google(
            service_account_impersonation_url=self.google.impersonation_url(SA), socket_activated=True))
        self.assertEqual(self.google.stats()["token_ok"], 1)


class TestGoOauth2ThroughServe(Oauth2ThroughServeCase):
    def test_find_default_credentials_with_gce_metadata_host(self):
        self.read_through(self.serve_google(service_account_impersonation_url=self.google.impersonation_url(SA)))


class TestGoOauth2ExecutableSource(GoCase, AwsToGcpFixture, FedcredTestCase):
    programs = ("seed_oauth2_google",)
    extra_requirements = (GoogleHosts.problem,)

    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.add_standin("gcs", fake_gcs.GcsServer(tokeninfo_url=cls.google.tokeninfo_url,
                                                  objects={(BUCKET, OBJECT): CONTENT.encode()},
                                                  readers=[EXEC_SA]))
        cls.add_standin("front", GoogleHosts(("sts.googleapis.com",
                                              "iamcredentials.googleapis.com"), cls.google.port))

    def config(self, *extra):
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--service-account", EXEC_SA, *extra, env=self.aws_source_env())
        self.assertEqual(res.returncode, 0, res.describe())
        path = os.path.join(self.sandbox.root, "external-account.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(res.stdout)
        return path

    def env_for(self, path):
        return self.aws_source_env(extra={
            "GOOGLE_APPLICATION_CREDENTIALS": path, "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1",
            "SSL_CERT_FILE": self.front.ca_path,
            "E2E_OBJECT_URL": self.gcs.object_url(BUCKET, OBJECT)})

    def test_executable_config_through_google_host_names(self):
        res, out = self.go("seed_oauth2_google", self.env_for(self.config()), wrap=self.front.wrap)
        self.assertTrue(out["ok"], res.describe())
        self.assertEqual((out["status"], out["object"]), (200, CONTENT))
        stats = self.google.stats()
        self.assertEqual(stats["rejected"], [])
        self.assertEqual(stats["impersonated"][-1]["sa"], EXEC_SA)
        self.assertEqual(self.gcs.stats()["reads"][-1]["reader"], EXEC_SA)
        self.assertEqual(self.outbound.stats()["token_calls"], 1, "fedcred gcp ran once")
        self.assertGreaterEqual(self.front.connections, 2)
        self.assert_no_secrets(res, self.aws_source_secrets())

    def test_a_loopback_token_url_is_refused_by_x_oauth2(self):
        path = self.config("--token-url", self.google.token_url,
                           "--impersonation-url", self.google.impersonation_url(EXEC_SA))
        res, out = self.go("seed_oauth2_google", self.env_for(path))
        self.assertFalse(out["ok"], res.describe())
        self.assertIn("invalid TokenURL", out["error"])
        self.assertEqual(self.outbound.stats()["token_calls"], 0, "fedcred never ran")
        self.assertEqual(self.google.stats()["forms"], [])


if __name__ == "__main__":
    unittest.main()
