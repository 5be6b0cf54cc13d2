"""`fedcred setup gcp-cred-config` end to end with the real Google client (issue 7): the
credential config fedcred prints is loaded as is by google-auth-library for Node (the version
pinned in tests/e2e/node/package.json) and used: the library runs the fedcred binary named in
it (source aws: IMDSv2 and GetWebIdentityToken stand-ins), exchanges the JWT at the stand-in
Google STS and impersonates the service account. `fedcred doctor` agrees the chain is healthy.

It reuses tests/e2e/node's installed library (and test_google_auth.node_problem for the check);
without node or the library every test fails, saying how to install it."""

import json
import os
import shutil
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

from harness import fedcred_bin  # noqa: E402
from test_google_auth import NODE_DIR, AwsSourceMixin, GoogleAuthCase  # noqa: E402

AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/aws")
SERVICE_ACCOUNT = "sa@p.iam.gserviceaccount.com"

# Loads the credential config file named by argv[1] exactly as written and gets a token.
NODE_LOAD_CONFIG = r"""
const fs = require('fs');
const {ExternalAccountClient} = require('google-auth-library');
(async () => {
  const config = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
  const client = ExternalAccountClient.fromJSON(config);
  const result = await client.getAccessToken();
  process.stdout.write(JSON.stringify({ok: true, token: result.token,
                                       client: client.constructor.name}) + '\n');
})().catch(err => {
  process.stdout.write(JSON.stringify({ok: false, error: String(err && err.message || err)}) + '\n');
  process.exitCode = 1;
});
"""


class TestSetupGcpCredConfigWithGoogleAuth(AwsSourceMixin, GoogleAuthCase):
    """The real AWS -> GCP chain (AwsSourceMixin's stand-ins), driven by a generated config."""

    def setUp(self):
        super().setUp()
        self.env = self.sandbox.env(extra=dict(self.standin_env(), **{
            "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1",
            "NODE_PATH": os.path.join(NODE_DIR, "node_modules"),
        }))

    def write_config(self, *extra):
        res = self.fedcred("setup", "gcp-cred-config", "--audience", AUDIENCE,
                           "--token-url", self.google.token_url, *extra, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        path = os.path.join(self.sandbox.root, "credential-config.json")
        with open(path, "w") as f:
            f.write(res.stdout)
        return path, json.loads(res.stdout)

    def run_node(self, config_path):
        res = self.sandbox.run([shutil.which("node"), "-e", NODE_LOAD_CONFIG, config_path],
                               env=self.env, timeout=120, cwd=NODE_DIR)
        try:
            doc = json.loads(res.stdout)
        except ValueError:
            self.fail("node printed no JSON\n" + res.describe())
        return res, doc

    def test_generated_config_with_impersonation(self):
        path, config = self.write_config(
            "--service-account", SERVICE_ACCOUNT,
            "--impersonation-url", self.google.impersonation_url(SERVICE_ACCOUNT))
        self.assertEqual(config["credential_source"]["executable"]["command"],
                         os.path.realpath(fedcred_bin()) + " gcp")
        res, doc = self.run_node(path)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertTrue(doc["ok"], res.describe())
        stats = self.google.stats()
        self.assertEqual(stats["token_ok"], 1, stats["rejected"])
        self.assertEqual(stats["forms"][0]["audience"], AUDIENCE)
        self.assertIn(doc["token"], [i["accessToken"] for i in stats["impersonated"]])
        self.assertEqual(stats["impersonated"][0]["sa"], SERVICE_ACCOUNT)
        self.assertEqual(self.outbound.stats()["token_calls"], 1, "fedcred ran (source aws)")
        for secret in self.secrets():
            self.assertNotIn(secret, res.stdout + res.stderr)

    def test_generated_config_with_output_file(self):
        out_dir = os.path.join(self.sandbox.root, "gcp")
        os.makedirs(out_dir, mode=0o700)
        output_file = os.path.join(out_dir, "response.json")
        path, config = self.write_config("--output-file", output_file)
        self.assertNotIn("service_account_impersonation_url", config)
        res, doc = self.run_node(path)
        self.assertTrue(doc["ok"], res.describe())
        self.assertEqual(doc["token"], self.google.stats()["issued"][0])
        with open(output_file) as f:
            self.assertTrue(json.load(f)["success"], "fedcred wrote the configured output_file")
        # a second client is served from output_file: fedcred's source is not asked again
        res, doc = self.run_node(path)
        self.assertTrue(doc["ok"], res.describe())
        self.assertEqual(self.outbound.stats()["token_calls"], 1)

    def test_doctor_agrees(self):
        res = self.fedcred("doctor", "--gcp", "--audience", AUDIENCE, "--json", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        self.assertTrue(doc["ok"])
        self.assertEqual({s["status"] for s in doc["steps"]}, {"ok"})
        for secret in self.secrets():
            self.assertNotIn(secret, res.stdout + res.stderr)


if __name__ == "__main__":
    unittest.main()
