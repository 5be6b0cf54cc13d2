"""fedcred aws where the metadata server is GKE's (Workload Identity) or Cloud Run's, not
Compute Engine's (issue 12.22; docs/PROTOCOLS.md section 9 has the evidence the stand-ins
follow, tests/e2e/test_metadata_flavors.py proves them against google-auth-library):

- GKE sends service-account tokens without `Metadata-Flavor: Google`: fedcred takes the token
  (a JWT, verified by STS) as Google's Python, Go and C++ clients do.
- Where format=full is refused with HTTP 400, fedcred asks once more in the standard format;
  any other failure is final (or retried as itself) and never drops format=full.
- Neither server puts google.compute_engine claims in the token: the session name is the
  token's email, else fedcred-<sub>.

The fake STS verifies every token against the stand-in's key, its issuer, expiry and the
trust policy's aud/oaud/sub."""

import json
import unittest

import gce_metadata  # noqa: E402
from harness import EXIT_OK, EXIT_SOURCE, ROLE_ARN, FedcredTestCase, GceStsFixture  # noqa: E402

IDENTITY = gce_metadata.IDENTITY_PATH
EMAIL = gce_metadata.DEFAULT_IDENTITY["email"]
SA_ID = gce_metadata.DEFAULT_IDENTITY["sa_id"]


class FlavorCase(GceStsFixture, FedcredTestCase):
    sts_trust = True  # aud = azp = the SA id, oaud = the requested audience, sub = the SA id

    def identity_queries(self):
        return [r["query"] for r in self.md.stats()["records"] if r["path"] == IDENTITY]

    def assert_exchanged(self, res, session_name):
        """Credentials out; STS saw exactly the token the stand-in issued last, and the
        session name."""
        self.assert_credentials(res)
        forms = self.sts.stats()["forms"]
        self.assertEqual(len(forms), 1, forms)
        self.assertEqual(forms[0]["WebIdentityToken"], self.md.stats()["issued"][-1])
        self.assertEqual(forms[0]["RoleSessionName"], session_name)
        claims = gce_metadata.verify_jwt(forms[0]["WebIdentityToken"], self.md.key.public_pem())
        self.assertNotIn("google", claims, "GKE and Cloud Run tokens have no instance claims")


class TestGke(FlavorCase):
    md_options = {"flavor": "gke"}

    def test_token_without_the_flavor_header_is_exchanged(self):
        res = self.aws(env=self.env)
        self.assert_exchanged(res, EMAIL)
        self.assertEqual([q.get("format") for q in self.identity_queries()], ["full"])
        self.assertTrue(all(r["metadata_flavor"] == "Google" for r in self.md.stats()["records"]))

    def test_non_jwt_without_the_header_is_refused(self):
        self.md.set_fault({"body": "<html>captive portal</html>", "drop_header": True})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, mentions=["not a JWT", "Metadata-Flavor"],
                            secrets=self.issued_secrets())
        self.assertEqual(self.sts.stats()["requests"], 0, "nothing may reach STS")

    def test_error_without_the_header_is_not_a_metadata_server(self):
        self.md.set_fault({"status": 404, "drop_header": True})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, mentions=["not a GCE metadata server"])
        self.assertEqual(len(self.identity_queries()), 1)

    def test_doctor_passes(self):
        # doctor's probe reads service-accounts/default/email, which GKE answers with the
        # header (gcp-metadata#215: only token answers lost it), so doctor still requires the
        # header there, as the libraries' detection does; the token step takes the token
        self.sandbox.write_config("[profile s3]\nrole_arn = %s\nregion = us-east-1\n" % ROLE_ARN)
        res = self.fedcred("doctor", "--profile", "s3", "--timeout", "5", "--json", env=self.env)
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        doc = json.loads(res.stdout)
        self.assertEqual({s["name"]: s["status"] for s in doc["steps"]},
                         dict.fromkeys(["config", "cache", "metadata", "subject-token",
                                        "sts-endpoint", "clock", "exchange"], "ok"), res.stdout)


class TestGkeRefusingFormatFull(FlavorCase):
    md_options = {"flavor": "gke", "refuse_format_full": True}

    def test_asks_again_without_format_full(self):
        res = self.aws(env=self.env)
        # the standard format carries no email either: the subject names the session
        self.assert_exchanged(res, "fedcred-" + SA_ID)
        queries = self.identity_queries()
        self.assertEqual([q.get("format") for q in queries], ["full", None], queries)
        self.assertEqual({q["audience"] for q in queries}, {"sts.amazonaws.com"})

    def test_asks_again_within_the_cache(self):
        # the refusal is not remembered: a second run asks format=full first again, and the
        # cached entry is the same identity (one STS call, same subject)
        first = self.aws(env=self.env, no_cache=False)
        self.assert_credentials(first)
        second = self.aws(env=self.env, no_cache=False)
        self.assertEqual(first.stdout, second.stdout)
        self.assertEqual(len(self.sts.stats()["forms"]), 1)

    def test_other_refusals_keep_format_full(self):
        for status in (403, 404, 500):
            with self.subTest(status=status):
                self.md.reset()
                self.md.set_fault({"status": status})
                res = self.aws(env=self.env, timeout_flag="4")
                self.assert_failure(res, EXIT_SOURCE, mentions=["HTTP %d" % status])
                formats = [q.get("format") for q in self.identity_queries()]
                self.assertTrue(formats and set(formats) == {"full"}, formats)


class TestCloudRun(FlavorCase):
    md_options = {"flavor": "cloudrun"}

    def test_token_without_instance_claims_is_exchanged(self):
        res = self.aws(env=self.env)
        self.assert_exchanged(res, EMAIL)
        self.assertEqual([q.get("format") for q in self.identity_queries()], ["full"])

    def test_configured_session_name_wins(self):
        res = self.aws("--session-name", "run-svc", env=self.env)
        self.assert_exchanged(res, "run-svc")


class TestComputeEngineStillNamesTheInstance(FlavorCase):
    def test_instance_name_is_the_session_name(self):
        res = self.aws(env=self.env)
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["forms"][0]["RoleSessionName"],
                         gce_metadata.DEFAULT_IDENTITY["instance_name"])


if __name__ == "__main__":
    unittest.main()
