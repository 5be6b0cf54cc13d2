"""End to end, issue 14's Google route: google-auth-library (Node) with GCE_METADATA_HOST
pointed at `fedcred serve --gcp-profile` and NO credential config (no
GOOGLE_APPLICATION_CREDENTIALS, no gcloud ADC file) detects the metadata server by itself
(gcp-metadata probes /computeMetadata/v1/instance and wants Metadata-Flavor: Google back),
takes the served token (the aws1 exchange of test_access_token.py against the stand-ins) and
reads the object from the stand-in Google API with it."""

import json
import os
import unittest


from test_google_auth import NODE_DIR, node_problem  # noqa: E402
from test_serve import TOKEN_PATH, GoogleServeTestCase  # noqa: E402  (a helper class: no tests)
from test_serve_support import http_get  # noqa: E402

SCRIPT = os.path.join(NODE_DIR, "read_gcs_object.js")


class TestGoogleAuthThroughTheMetadataServer(GoogleServeTestCase):
    def test_detects_the_server_and_reads_the_object(self):
        problem = node_problem()
        if problem:
            self.fail(problem)
        server = self.serve_google()
        # The client knows the server's address and nothing else: HOME is the sandbox's
        # (no ~/.config/gcloud), no AWS variables, no Google credential variables.
        env = {k: v for k, v in self.env.items()
               if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_", "GCE_"))}
        env.update({"GCE_METADATA_HOST": "127.0.0.1:%d" % server.port, "E2E_API": "metadata",
                    "E2E_OBJECT_URL": self.gcs.object_url("demo-bucket", "hello.txt")})
        res = self.sandbox.run(["node", SCRIPT], env=env, timeout=120)
        self.assertTrue(res.stdout.strip(), res.describe())
        out = json.loads(res.stdout)
        self.assertTrue(out["ok"], res.describe() + "\n" + server.log())
        self.assertEqual(res.returncode, 0)
        self.assertEqual((out["status"], out["object"]), (200, "hello from gcs\n"))
        self.assertEqual(out["client"], "Compute")
        served = http_get(server.port, TOKEN_PATH, {"Metadata-Flavor": "Google"}).json()
        self.assertEqual(out["token_start"], served["access_token"][:6])
        self.assertEqual(len(self.google.stats()["forms"]), 1, "one exchange for every request")
        self.assert_clean_log(server, served["access_token"])


if __name__ == "__main__":
    unittest.main()
