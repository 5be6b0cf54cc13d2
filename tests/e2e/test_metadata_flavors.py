"""The GKE and Cloud Run metadata stand-ins (tests/standins/gce_metadata.py, flavor "gke" and
"cloudrun"; issue 12.22) as google-auth-library for Node sees them: the real client, with
only GCE_METADATA_HOST pointed at the stand-in, detects the server itself, then asks its
Compute client for an ID token (identity?format=full&audience=...;
tests/e2e/node/metadata_id_token.js).

What each case proves (docs/PROTOCOLS.md section 9):
- Cloud Run, and GKE when its tokens carry the header: detection passes and the library
  accepts the token, which has no google.compute_engine claims.
- GKE as in googleapis/gcp-metadata#215 (token answers without Metadata-Flavor): detection
  still passes (the listing answers carry the header) and the library fails with the very
  error #215 reported, because gcp-metadata checks the header on every answer; fedcred takes
  the token (tests/integration/test_metadata_flavors.py), as Python, Go and C++ do.
- GKE refusing format=full (google-auth-library-nodejs#1305): the library fails with HTTP 400
  as reported there; fedcred asks again without format=full.
- A server that is not the metadata server at all (no header on the detection answer) is
  not detected.

Without node or the installed library every test is a TAP "not ok" that says how to install
it: this suite never passes by skipping."""

import json
import os
import unittest

import gce_metadata  # noqa: E402
from harness import FedcredTestCase  # noqa: E402
from test_google_auth import NODE_DIR, node_problem  # noqa: E402

SCRIPT = os.path.join(NODE_DIR, "metadata_id_token.js")
AUDIENCE = "sts.amazonaws.com"


class NodeAgainstFlavor(FedcredTestCase):
    def setUp(self):
        super().setUp()
        problem = node_problem()
        if problem:
            self.fail("cannot run the Google client end-to-end test: " + problem)

    def run_client(self, fault=None, **md_options):
        md = gce_metadata.MetadataServer(**md_options).start()
        self.addCleanup(md.stop)
        if fault:
            md.set_fault(fault)
        env = {k: v for k, v in self.sandbox.env().items()
               if not k.startswith(("AWS_", "GOOGLE_", "CLOUDSDK_", "GCE_"))}
        env.update({"GCE_METADATA_HOST": md.host, "E2E_AUDIENCE": AUDIENCE})
        res = self.sandbox.run(["node", SCRIPT], env=env, timeout=120)
        self.assertTrue(res.stdout.strip(), res.describe())
        return json.loads(res.stdout), md.stats(), res

    def assert_token_accepted(self, out, stats, res):
        self.assertTrue(out["ok"], res.describe())
        self.assertEqual(out["client"], "Compute", "detected as a metadata server")
        claims = out["claims"]
        self.assertEqual(claims["aud"], AUDIENCE)
        self.assertEqual(claims["iss"], "https://accounts.google.com")
        self.assertNotIn("google", claims, "no google.compute_engine claims off Compute Engine")
        self.assertEqual(claims["email"], gce_metadata.DEFAULT_IDENTITY["email"])
        identity = [r for r in stats["records"] if r["path"] == gce_metadata.IDENTITY_PATH]
        self.assertEqual([r["query"].get("format") for r in identity], ["full"])

    def test_cloud_run_token_is_accepted(self):
        self.assert_token_accepted(*self.run_client(flavor="cloudrun"))

    def test_gke_token_with_the_header_is_accepted(self):
        self.assert_token_accepted(*self.run_client(flavor="gke", tokens_without_flavor=False))

    def test_gke_token_without_the_header_fails_as_in_gcp_metadata_215(self):
        out, stats, res = self.run_client(flavor="gke")
        self.assertFalse(out["ok"], res.describe())
        self.assertEqual(out["stage"], "id_token", "detection itself passed")
        self.assertIn("incorrect Metadata-Flavor header", out["error"])
        self.assertEqual(len(stats["issued"]), 1, "the server did answer with a token")

    def test_gke_refusing_format_full_fails_as_in_nodejs_1305(self):
        out, stats, res = self.run_client(flavor="gke", tokens_without_flavor=False,
                                          refuse_format_full=True)
        self.assertFalse(out["ok"], res.describe())
        self.assertEqual((out["stage"], out["status"]), ("id_token", 400))
        self.assertEqual(stats["issued"], [])

    def test_server_without_the_header_is_not_detected(self):
        # detection wants the header (what fedcred's doctor probe and the libraries' pings
        # keep requiring): without it the library finds no credentials at all
        out, stats, res = self.run_client(fault={"drop_header": True, "all_paths": True},
                                          flavor="gke")
        self.assertFalse(out["ok"], res.describe())
        self.assertEqual(out["stage"], "detect", res.describe())
        self.assertEqual(stats["identity_requests"], 0)

    def test_compute_engine_token_has_the_instance_claims(self):
        # the control: the same script against the gce flavor sees the compute claims
        out, _, res = self.run_client(flavor="gce")
        self.assertTrue(out["ok"], res.describe())
        self.assertEqual(out["claims"]["google"]["compute_engine"]["instance_name"],
                         gce_metadata.DEFAULT_IDENTITY["instance_name"])


if __name__ == "__main__":
    unittest.main()
