"""gcloud and Python's google-auth on an AWS-like machine through `fedcred serve` (issue 24.2):
the server's Google route (GCE metadata emulation over the aws1 exchange of test_access_token.py,
against the IMDS, Google STS and Cloud Storage stand-ins) is the only thing the clients know of.
No credential file anywhere: no GOOGLE_APPLICATION_CREDENTIALS, no ADC file, a fresh private
CLOUDSDK_CONFIG.

What each client reads to find the metadata server (their sources, 528 / google-auth 2.39):
- google-auth: GCE_METADATA_HOST (else GCE_METADATA_ROOT) for every metadata request, but
  google.auth.default()'s "am I on GCE" ping goes to GCE_METADATA_IP (default 169.254.169.254)
  and then falls back to /sys/class/dmi/id/product_name; so GCE_METADATA_HOST alone is not found
  off GCE, and the test shows it.
- gcloud: its own metadata reads (the on-GCE check through project/numeric-project-id, the
  account, the project) use GCE_METADATA_ROOT only; GCE_METADATA_HOST alone leaves gcloud with
  no account, and the test shows that too. The token itself is refreshed through google-auth.
So the variables a user sets for both are GCE_METADATA_HOST (or _ROOT) and GCE_METADATA_IP, all
naming serve's host:port. And gcloud wants an account with an email: serve names the
impersonated service account; a federated token without impersonation is served as "default",
which gcloud skips in the account listing (refused: "does not have any valid credentials")."""

import json
import os
import unittest

import gcloud_support  # noqa: E402
from e2e_base import RequiresTools  # noqa: E402
from test_access_token import SA  # noqa: E402
from test_serve import TOKEN_PATH, GoogleServeTestCase  # noqa: E402
from test_serve_support import http_get  # noqa: E402

PROJECT = "fedcred-e2e-project"

# google.auth.default(), then an authorized request to the Cloud Storage stand-in
GOOGLE_AUTH_DEFAULT = r"""
import json, sys
import google.auth
from google.auth.transport.requests import AuthorizedSession
try:
    creds, project = google.auth.default(
        scopes=["https://www.googleapis.com/auth/cloud-platform"])
except Exception as err:
    print(json.dumps({"ok": False, "error": "%s: %s" % (type(err).__name__, err)}))
    sys.exit(1)
resp = AuthorizedSession(creds).get(sys.argv[1], timeout=10)
print(json.dumps({"ok": resp.status_code == 200, "status": resp.status_code,
                  "object": resp.text, "project": project,
                  "class": type(creds).__module__ + "." + type(creds).__name__,
                  "token_start": (creds.token or "")[:6]}))
"""


class TestGoogleClientsThroughServe(RequiresTools, GoogleServeTestCase):
    requirements = (gcloud_support.gcloud_problem, gcloud_support.google_auth_problem)

    def setUp(self):
        super().setUp()
        # gcloud needs an account with an email: the impersonated service account's
        self.server = self.serve_google(
            extra_profile="project_id = %s\n" % PROJECT,
            service_account_impersonation_url=self.google.impersonation_url(SA))
        # the client knows the server's address and nothing else
        self.client_env = {k: v for k, v in self.env.items()
                           if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_", "GCE_"))}

    @property
    def served_host(self):
        return "127.0.0.1:%d" % self.server.port

    def served_token(self):
        return http_get(self.server.port, TOKEN_PATH,
                        {"Metadata-Flavor": "Google"}).json()["access_token"]

    def gcloud(self, *args, **variables):
        env = gcloud_support.gcloud_env(self.client_env,
                                        os.path.join(self.sandbox.root, "gcloud-config"),
                                        extra=variables)
        return self.sandbox.run([gcloud_support.gcloud_path()] + list(args), env=env, timeout=180)

    def google_auth(self, **variables):
        env = gcloud_support.python_env(self.client_env, extra=variables)
        res = self.sandbox.run(["python3", "-c", GOOGLE_AUTH_DEFAULT,
                                self.gcs.object_url("demo-bucket", "hello.txt")],
                               env=env, timeout=120)
        try:
            return res, json.loads(res.stdout)
        except ValueError:
            self.fail("python printed no JSON\n" + res.describe())

    def test_gcloud_print_access_token_and_project(self):
        host = self.served_host
        res = self.gcloud("auth", "print-access-token", GCE_METADATA_ROOT=host,
                          GCE_METADATA_HOST=host)
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
        token = res.stdout.strip()
        self.assertEqual(token, self.served_token())
        self.assertIn(token, [i["accessToken"] for i in self.google.stats()["impersonated"]],
                      "the Google stand-in issued it")
        res = self.gcloud("config", "list", "--format=json", GCE_METADATA_ROOT=host,
                          GCE_METADATA_HOST=host)
        self.assertEqual(res.returncode, 0, res.describe())
        core = json.loads(res.stdout)["core"]
        self.assertEqual(core.get("project"), PROJECT, res.stdout)
        self.assertEqual(core.get("account"), SA, res.stdout)
        self.assertEqual(len(self.google.stats()["forms"]), 1, "one exchange for every client")
        self.assert_clean_log(self.server, token)

    def test_gcloud_does_not_read_gce_metadata_host(self):
        res = self.gcloud("auth", "print-access-token", GCE_METADATA_HOST=self.served_host,
                          CLOUDSDK_COMPUTE_GCE_METADATA_CHECK_TIMEOUT_SEC="1")
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn("do not currently have an active account", res.stderr, res.describe())
        self.assertEqual(res.stdout, "")

    def test_gcloud_refuses_a_federated_token_without_a_service_account(self):
        # without impersonation serve's account is "default" (a federated token has no email):
        # gcloud skips "default" in the account listing and finds no credentials for it
        self.server.stop()
        self.server = self.serve_google()
        res = self.gcloud("auth", "print-access-token", GCE_METADATA_ROOT=self.served_host,
                          GCE_METADATA_HOST=self.served_host)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn("does not have any valid credentials", res.stderr, res.describe())
        self.assertEqual(res.stdout, "")

    def test_google_auth_default_and_an_authorized_request(self):
        res, out = self.google_auth(GCE_METADATA_HOST=self.served_host,
                                    GCE_METADATA_IP=self.served_host)
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
        self.assertTrue(out["ok"], out)
        self.assertEqual((out["status"], out["object"]), (200, "hello from gcs\n"))
        self.assertEqual(out["class"], "google.auth.compute_engine.credentials.Credentials")
        self.assertEqual(out["project"], PROJECT)
        self.assertEqual(out["token_start"], self.served_token()[:6])
        self.assertEqual(self.gcs.stats()["reads"][-1]["bucket"], "demo-bucket")

    def test_google_auth_default_does_not_find_gce_metadata_host_alone(self):
        # off GCE, the ping goes to GCE_METADATA_IP (169.254.169.254 by default): not found
        res, out = self.google_auth(GCE_METADATA_HOST=self.served_host,
                                    GCE_METADATA_IP="127.0.0.1:9")
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertFalse(out["ok"])
        self.assertIn("DefaultCredentialsError", out["error"])


if __name__ == "__main__":
    unittest.main()
