"""fedcred aws against the GCE metadata stand-in: the request it sends and every way the
metadata server can fail (issue 2, "Bad input": down, 403, 404, non-JWT, oversized)."""

import os
import time
import unittest


import gce_metadata  # noqa: E402
from harness import EXIT_SOURCE, FedcredTestCase, GceStsFixture, refused_port  # noqa: E402

IDENTITY = gce_metadata.IDENTITY_PATH


class MetadataTestCase(GceStsFixture, FedcredTestCase):
    pass


class TestMetadataRequest(MetadataTestCase):
    def test_identity_request_shape(self):
        res = self.aws(env=self.env)
        self.assert_credentials(res)
        stats = self.md.stats()
        self.assertEqual(stats["identity_requests"], 1, stats["by_path"])
        ident = [r for r in stats["records"] if r["path"] == IDENTITY]
        self.assertEqual(len(ident), 1)
        rec = ident[0]
        self.assertEqual(rec["method"], "GET")
        self.assertEqual(rec["metadata_flavor"], "Google")
        self.assertEqual(rec["query"].get("audience"), "sts.amazonaws.com",
                         "default audience is sts.amazonaws.com")
        self.assertEqual(rec["query"].get("format"), "full")
        self.assertFalse(rec["proxied"])
        # the token fedcred got is the one STS received
        self.assertEqual(self.sts.stats()["forms"][0]["WebIdentityToken"], stats["issued"][0])

    def test_audience_flag_is_requested(self):
        res = self.aws("--audience", "https://example.test/aud", env=self.env)
        self.assert_credentials(res)
        ident = [r for r in self.md.stats()["records"] if r["path"] == IDENTITY]
        self.assertEqual(ident[0]["query"].get("audience"), "https://example.test/aud")
        claims = gce_metadata.verify_jwt(self.sts.stats()["forms"][0]["WebIdentityToken"],
                                         self.md.key.public_pem())
        self.assertEqual(claims["aud"], "https://example.test/aud")

    def test_metadata_5xx_is_retried(self):
        self.md.set_fault({"status": 500, "times": 2})
        res = self.aws(env=self.env, timeout_flag="15")
        self.assert_credentials(res)
        self.assertEqual(self.md.stats()["identity_requests"], 3,
                         "two 500s then success: 3 identity requests")
        self.assertEqual(self.sts.stats()["assume_calls"], 1)

    def test_metadata_connection_reset_is_retried(self):
        self.md.set_fault({"close": True, "times": 1})
        res = self.aws(env=self.env, timeout_flag="15")
        self.assert_credentials(res)
        self.assertEqual(self.md.stats()["identity_requests"], 2)

    def test_proxy_variables_are_not_used_for_metadata(self):
        dead = "http://127.0.0.1:%d" % refused_port(self)
        env = dict(self.env, http_proxy=dead, HTTP_PROXY=dead, https_proxy=dead,
                   HTTPS_PROXY=dead, ALL_PROXY=dead, all_proxy=dead)
        res = self.aws(env=env)
        self.assertGreaterEqual(self.md.stats()["identity_requests"], 1,
                                "metadata must be reached directly, never through a proxy\n"
                                + res.describe())
        self.assertNotEqual(res.returncode, EXIT_SOURCE, res.describe())


class TestMetadataBadInput(MetadataTestCase):
    """Each: exit 3 (source unavailable), empty stdout, stderr names the metadata host,
    no token anywhere, and nothing sent to STS."""

    def check_source_failure(self, res, *mentions, host=None):
        self.assert_failure(res, EXIT_SOURCE, mentions=(host or self.md.host,) + mentions,
                            secrets=self.issued_secrets())
        self.assertEqual(self.sts.stats()["requests"], 0, "nothing may reach STS")

    def test_metadata_server_down(self):
        host = "127.0.0.1:%d" % refused_port(self)
        env = dict(self.env, GCE_METADATA_HOST=host)
        started = time.monotonic()
        res = self.aws(env=env, timeout_flag="5")
        self.check_source_failure(res, host=host)
        self.assertLess(time.monotonic() - started, 10, "must give up within its deadline")

    def test_metadata_403(self):
        self.md.set_fault({"status": 403})
        res = self.aws(env=self.env)
        self.check_source_failure(res, "403")
        self.assertEqual(self.md.stats()["identity_requests"], 1, "a 403 is not retried")

    def test_metadata_404(self):
        self.md.set_fault({"status": 404})
        res = self.aws(env=self.env)
        self.check_source_failure(res, "404")
        self.assertEqual(self.md.stats()["identity_requests"], 1, "a 404 is not retried")

    def test_metadata_non_jwt_body(self):
        self.md.set_fault({"body": "<html><body>Service account not found</body></html>"})
        res = self.aws(env=self.env)
        self.check_source_failure(res)

    def test_metadata_two_segment_body(self):
        self.md.set_fault({"body": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0"})
        res = self.aws(env=self.env)
        self.check_source_failure(res)

    def test_metadata_oversized_body(self):
        self.md.set_fault({"oversize": True})  # 4 MiB starting with a real token
        res = self.aws(env=self.env)
        self.check_source_failure(res)
        self.assertLess(len(res.stderr), 4096, "the body must not be echoed")

    def test_metadata_5xx_persisting(self):
        # retried, and when it never recovers the source is unavailable (3), not transient (5,
        # which is about the exchange)
        self.md.set_fault({"status": 503})
        res = self.aws(env=self.env, timeout_flag="4")
        self.check_source_failure(res, "503")
        self.assertGreaterEqual(self.md.stats()["identity_requests"], 2, "5xx must be retried")

    def test_metadata_hang_respects_timeout(self):
        self.md.set_fault({"hang": 30})
        started = time.monotonic()
        res = self.aws(env=self.env, timeout_flag="2", timeout=40)
        elapsed = time.monotonic() - started
        self.check_source_failure(res)
        self.assertLess(elapsed, 6, "--timeout 2 must bound the whole run (took %.1fs)" % elapsed)

    def test_error_without_metadata_flavor_header(self):
        # an error page without the header: not the metadata server, and said so
        self.md.set_fault({"status": 404, "drop_header": True})
        res = self.aws(env=self.env)
        self.check_source_failure(res, "Metadata-Flavor")

    def test_token_without_metadata_flavor_header_is_used(self):
        # GKE's server has sent tokens without the header (googleapis/gcp-metadata#215):
        # the token is a JWT STS verifies, as Google's Python, Go and C++ clients take it
        # (issue 12.22, tests/integration/test_metadata_flavors.py)
        self.md.set_fault({"drop_header": True})
        self.assert_credentials(self.aws(env=self.env))

    def test_redirect_is_not_followed(self):
        other = gce_metadata.MetadataServer().start()
        self.addCleanup(other.stop)
        self.md.set_fault({"redirect": "http://%s%s?audience=sts.amazonaws.com&format=full"
                                       % (other.host, IDENTITY)})
        res = self.aws(env=self.env)
        self.assertEqual(other.stats()["requests"], 0, "fedcred followed a metadata redirect")
        self.check_source_failure(res)


if __name__ == "__main__":
    unittest.main()
