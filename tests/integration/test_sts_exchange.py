"""fedcred aws against the metadata stand-in and the fake STS: what is sent to STS, the output,
retries, and every STS failure of issue 2's "Bad input" list."""

import datetime
import os
import time
import unittest


import gce_metadata  # noqa: E402
from harness import (EXIT_BAD_RESPONSE, EXIT_DENIED, EXIT_TRANSIENT, ROLE_ARN,  # noqa: E402
                     SESSION_NAME_RE, FedcredTestCase, GceStsFixture, refused_port, parse_rfc3339,
                     token_secrets)

AUDIENCE = "sts.amazonaws.com"


class StsTestCase(GceStsFixture, FedcredTestCase):
    # STS checks the token's signature and a trust policy as the IAM docs recommend.
    sts_trust = True

    def sts_host(self):
        return "127.0.0.1:%d" % self.sts.port


class TestExchange(StsTestCase):
    def test_output_is_credential_process_json(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        res = self.aws(env=self.env)
        doc = self.assert_credentials(res)
        issued = self.sts.stats()["issued"]
        self.assertEqual(len(issued), 1)
        self.assertEqual(doc["AccessKeyId"], issued[0]["AccessKeyId"])
        self.assertEqual(doc["SecretAccessKey"], issued[0]["SecretAccessKey"])
        self.assertEqual(doc["SessionToken"], issued[0]["SessionToken"])
        self.assertEqual(parse_rfc3339(doc["Expiration"]), parse_rfc3339(issued[0]["Expiration"]))
        lifetime = (parse_rfc3339(doc["Expiration"]) - before).total_seconds()
        self.assertTrue(3500 <= lifetime <= 3700, "default duration 3600, got %s" % lifetime)
        self.assertTrue(res.stdout.lstrip().startswith("{"))
        # no token on stdout or stderr; the secret only inside the JSON
        self.assert_no_secrets(res, token_secrets(self.md.stats()["issued"][0]))
        self.assertNotIn(doc["SecretAccessKey"], res.stderr)

    def test_form_fields_sent_to_sts(self):
        res = self.aws(env=self.env)
        self.assert_credentials(res)
        stats = self.sts.stats()
        self.assertEqual(stats["assume_calls"], 1)
        form, headers = stats["forms"][0], stats["headers"][0]
        self.assertEqual(form["Action"], "AssumeRoleWithWebIdentity")
        self.assertEqual(form["Version"], "2011-06-15")
        self.assertEqual(form["RoleArn"], ROLE_ARN)
        self.assertEqual(form.get("DurationSeconds", "3600"), "3600")
        self.assertNotIn("ProviderId", form, "ProviderId is OAuth2-only, never for OIDC")
        # default session name: the instance name from the token's google.compute_engine claim
        self.assertEqual(form["RoleSessionName"], self.md.identity["instance_name"])
        # the token is the metadata server's, unchanged, and it verifies against its key
        self.assertEqual(form["WebIdentityToken"], self.md.stats()["issued"][0])
        claims = gce_metadata.verify_jwt(form["WebIdentityToken"], self.md.key.public_pem())
        self.assertEqual(claims["aud"], AUDIENCE)
        self.assertEqual(claims["sub"], self.md.identity["sa_id"])
        # POSTed as a form, unsigned
        self.assertTrue((headers["Content-Type"] or "").startswith(
            "application/x-www-form-urlencoded"), headers)
        self.assertIsNone(headers["Authorization"], "AssumeRoleWithWebIdentity is unsigned")

    def test_duration_and_session_name_flags(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        res = self.aws("--duration", "7200", "--session-name", "build-42@ci", env=self.env)
        doc = self.assert_credentials(res)
        form = self.sts.stats()["forms"][0]
        self.assertEqual(form["DurationSeconds"], "7200")
        self.assertEqual(form["RoleSessionName"], "build-42@ci")
        lifetime = (parse_rfc3339(doc["Expiration"]) - before).total_seconds()
        self.assertTrue(7100 <= lifetime <= 7300, lifetime)

    def test_duration_bounds_accepted(self):
        for duration in ("900", "43200"):
            with self.subTest(duration=duration):
                self.sts.reset()
                res = self.aws("--duration", duration, env=self.env)
                self.assert_credentials(res)
                self.assertEqual(self.sts.stats()["forms"][0]["DurationSeconds"], duration)

    def test_default_session_name_is_sanitized(self):
        for name in ("x", "vm with spaces/and:colons", "n" * 80):
            with self.subTest(instance_name=name):
                self.md.identity["instance_name"] = name
                self.sts.reset()
                try:
                    res = self.aws(env=self.env)
                finally:
                    self.md.identity["instance_name"] = gce_metadata.DEFAULT_IDENTITY[
                        "instance_name"]
                self.assert_credentials(res)
                session = self.sts.stats()["forms"][0]["RoleSessionName"]
                self.assertRegex(session, SESSION_NAME_RE)

    def test_generic_aws_endpoint_url_never_receives_the_token(self):
        # AWS_ENDPOINT_URL is the MinIO / LocalStack override of every SDK: the ID token
        # must not go there. Only AWS_ENDPOINT_URL_STS redirects STS (issue 12, item 2).
        env = dict(self.env, AWS_ENDPOINT_URL=self.sts.url, AWS_REGION="us-east-1")
        env.pop("AWS_ENDPOINT_URL_STS")
        res = self.aws(timeout_flag=3, env=env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertEqual(self.sts.stats()["assume_calls"], 0)
        self.assertEqual(self.sts.stats()["forms"], [])

    def test_aws_endpoint_url_sts_wins(self):
        env = dict(self.env, AWS_ENDPOINT_URL="http://127.0.0.1:%d" % refused_port(self))
        res = self.aws(env=env)
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 1)


class TestRetries(StsTestCase):
    def test_throttling_twice_then_success(self):
        self.sts.set_fault({"code": "Throttling", "message": "Rate exceeded", "times": 2})
        res = self.aws(env=self.env, timeout_flag="20")
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 3)

    def test_500_twice_then_success(self):
        self.sts.set_fault({"status": 500, "times": 2})
        res = self.aws(env=self.env, timeout_flag="20")
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 3)

    def test_idp_communication_error_is_retried(self):
        self.sts.set_fault({"code": "IDPCommunicationError", "times": 1,
                            "message": "Couldn't communicate with the identity provider"})
        res = self.aws(env=self.env, timeout_flag="20")
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 2)

    def test_connection_closed_is_retried(self):
        self.sts.set_fault({"close": True, "times": 1})
        res = self.aws(env=self.env, timeout_flag="20")
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 2)


class TestStsBadInput(StsTestCase):
    """Each: the documented exit code, empty stdout, stderr naming the STS code (or host),
    no token or secret anywhere."""

    def test_access_denied(self):
        self.sts.set_fault({"code": "AccessDenied", "status": 403, "message":
                            "Not authorized to perform sts:AssumeRoleWithWebIdentity"})
        res = self.aws(env=self.env)
        self.assert_failure(res, EXIT_DENIED, mentions=(
            "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
            secrets=self.secrets())
        self.assertEqual(self.sts.stats()["assume_calls"], 1, "AccessDenied is not retried")

    def test_access_denied_by_trust_policy(self):
        # a token for another audience fails the trust policy's accounts.google.com:oaud
        res = self.aws("--audience", "https://not-sts.example", env=self.env)
        self.assert_failure(res, EXIT_DENIED, mentions=("AccessDenied",), secrets=self.secrets())
        self.assertEqual(self.sts.stats()["assume_calls"], 1)

    def test_invalid_identity_token(self):
        self.sts.set_fault({"code": "InvalidIdentityToken", "message":
                            "Couldn't retrieve verification key from your identity provider"})
        res = self.aws(env=self.env, timeout_flag="8")
        self.assert_failure(res, EXIT_DENIED, mentions=(
            "InvalidIdentityToken", "Couldn't retrieve verification key"), secrets=self.secrets())

    def test_invalid_identity_token_bad_signature(self):
        # a metadata server with another key: the fake STS cannot verify its tokens
        other = gce_metadata.MetadataServer().start()
        self.addCleanup(other.stop)
        env = dict(self.env, GCE_METADATA_HOST=other.host)
        res = self.aws(env=env, timeout_flag="8")
        secrets = self.secrets() + [s for t in other.stats()["issued"] for s in token_secrets(t)]
        self.assert_failure(res, EXIT_DENIED, mentions=("InvalidIdentityToken",), secrets=secrets)

    def test_throttling_persisting(self):
        self.sts.set_fault({"code": "Throttling", "message": "Rate exceeded"})
        started = time.monotonic()
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_TRANSIENT, mentions=("Throttling",), secrets=self.secrets())
        self.assertGreaterEqual(self.sts.stats()["assume_calls"], 2, "Throttling is retried")
        self.assertLess(time.monotonic() - started, 9, "retries stay within --timeout")

    def test_500_persisting(self):
        self.sts.set_fault({"status": 500})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_TRANSIENT, mentions_any=("500", "InternalFailure"),
                            secrets=self.secrets())
        self.assertGreaterEqual(self.sts.stats()["assume_calls"], 2, "500 is retried")

    def test_malformed_xml(self):
        self.sts.set_fault({"malformed": True})
        res = self.aws(env=self.env, timeout_flag="8")
        self.assert_failure(res, EXIT_BAD_RESPONSE, mentions=(self.sts_host(),),
                            secrets=self.secrets())

    def test_response_without_credentials(self):
        self.sts.set_fault({"no_credentials": True})
        res = self.aws(env=self.env)
        self.assert_failure(res, EXIT_BAD_RESPONSE, mentions=("Credentials",),
                            secrets=self.secrets())

    def test_already_expired_credentials(self):
        self.sts.set_fault({"expired": True})
        res = self.aws(env=self.env)
        self.assert_failure(res, EXIT_BAD_RESPONSE, mentions_any=("expire",),
                            secrets=self.secrets())

    def test_unparsable_expiration(self):
        for text in ("not-a-date", "2027-02-31T00:00:00Z", "2027-13-01T00:00:00Z", ""):
            with self.subTest(expiration=text):
                self.sts.reset()
                self.sts.set_fault({"expiration": text})
                res = self.aws(env=self.env)
                self.assert_failure(res, EXIT_BAD_RESPONSE, mentions=(self.sts_host(),),
                                    secrets=self.secrets())

    def test_non_xml_body(self):
        self.sts.set_fault({"body": '{"not": "xml"}'})
        res = self.aws(env=self.env, timeout_flag="8")
        self.assert_failure(res, EXIT_BAD_RESPONSE, secrets=self.secrets())

    def test_sts_unreachable(self):
        url = "http://127.0.0.1:%d" % refused_port(self)
        env = dict(self.env, AWS_ENDPOINT_URL_STS=url)
        res = self.aws(env=env, timeout_flag="4")
        self.assert_failure(res, EXIT_TRANSIENT, mentions=(url[len("http://"):],),
                            secrets=self.secrets())

    def test_sts_hang_respects_timeout(self):
        self.sts.set_fault({"hang": 30})
        started = time.monotonic()
        res = self.aws(env=self.env, timeout_flag="2", timeout=40)
        elapsed = time.monotonic() - started
        self.assert_failure(res, EXIT_TRANSIENT, mentions=(self.sts_host(),),
                            secrets=self.secrets())
        self.assertLess(elapsed, 6, "--timeout 2 must bound the whole run (took %.1fs)" % elapsed)

    def test_validation_error_from_sts(self):
        self.sts.set_fault({"code": "ValidationError", "message":
                            "The requested DurationSeconds exceeds the MaxSessionDuration set "
                            "for this role."})
        res = self.aws(env=self.env)
        self.assertNotEqual(res.returncode, 0)
        self.assert_failure(res, res.returncode, mentions=("ValidationError",
                                                           "MaxSessionDuration"),
                            secrets=self.secrets())


if __name__ == "__main__":
    unittest.main()
