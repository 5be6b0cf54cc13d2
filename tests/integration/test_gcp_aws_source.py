"""`fedcred gcp` with its default source `aws` (issue 4): IMDSv2 for the role credentials and
the region, then STS GetWebIdentityToken (SigV4, verified independently by the stand-in with
botocore) for an RS256 JWT whose audience is the workload identity provider; the stand-in
Google STS then accepts that JWT. And every "Bad input" of the issue: IMDS token PUT refused
or unanswered (hop limit), IMDS 401, no role, STS OutboundWebIdentityFederationDisabled,
AccessDenied, SignatureDoesNotMatch, Throttling (retried). Each failure: the executable error
document, the documented exit code, and no key, secret, session token or JWT anywhere."""

import os
import re
import time
import unittest


import fake_google_sts  # noqa: E402
from harness import DEADLINE_SLACK, AwsToGcpFixture, refused_port  # noqa: E402
from test_cache_support import static_front  # noqa: E402
from test_gcp_support import (AUDIENCE, AUDIENCE_HTTPS, EXIT_DENIED, EXIT_SOURCE,  # noqa: E402
                              EXIT_TRANSIENT, EXIT_USAGE, JWT_TYPE, GcpTestCase, jwt_claims)

STATIC = {"AccessKeyId": "AKIAFAKESTATIC000001",
          "SecretAccessKey": "StaticStandinSecret/" + "s" * 20,
          "Token": "StaticStandinSessionToken" + "X" * 120}
SCOPE_RE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/sts/aws4_request")


class AwsSourceCase(AwsToGcpFixture, GcpTestCase):
    extra_keys = {STATIC["AccessKeyId"]: (STATIC["SecretAccessKey"], STATIC["Token"])}

    def setUp(self):
        super().setUp()
        self.imds.zone = "us-east-1a"
        self.imds.region = None
        self.env = self.aws_source_env({
            "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": AUDIENCE,
            "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE": JWT_TYPE,
            "GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE": "0",
        })

    def run_gcp(self, *args, env=None, timeout_flag="5", no_cache=True, timeout=60):
        argv = ["--timeout", timeout_flag]
        if no_cache:
            argv.append("--no-cache")
        return self.gcp(*(argv + list(args)), env=env or self.env, timeout=timeout)

    def secrets(self):
        """Everything that must never be printed: both key pairs, session tokens, the IMDS
        session tokens and every JWT issued."""
        return self.aws_source_secrets() + [self.imds.stats()["credentials"]["AccessKeyId"],
                                            STATIC["SecretAccessKey"], STATIC["Token"]]

    def signing_region(self, index=0):
        auth = self.outbound.stats()["headers"][index]["Authorization"]
        match = SCOPE_RE.search(auth or "")
        self.assertTrue(match, "no SigV4 credential scope in %r" % auth)
        return match.group(1)

    def exchange_at_google(self, token):
        status, doc = self.google.exchange(
            {"grant_type": fake_google_sts.GRANT_TYPE, "audience": AUDIENCE,
             "scope": "https://www.googleapis.com/auth/cloud-platform",
             "requested_token_type": fake_google_sts.ACCESS_TOKEN_TYPE,
             "subject_token": token, "subject_token_type": JWT_TYPE},
            {"Content-Type": "application/x-www-form-urlencoded"})
        return status, doc


class TestAwsSourceSuccess(AwsSourceCase):
    def test_imds_then_signed_get_web_identity_token(self):
        res = self.run_gcp()
        doc, claims = self.assert_gcp_success(res)
        imds = self.imds.stats()
        puts = [r for r in imds["records"] if r["method"] == "PUT"]
        # one session per process: the role lookup before the cache lookup (issue 12.1; in
        # the static front and again in the fetcher it hands the miss to), whose session the
        # fetcher hands to the module with the role (issue 20.3)
        self.assertEqual(len(puts), 2 if static_front() else 1, imds["records"])
        for put in puts:
            self.assertEqual(put["path"], "/latest/api/token")
            self.assertEqual(put["ttl"], "300", "the PUT carries the TTL header")
            self.assertFalse(put["forwarded"])
        self.assertEqual(imds["by_path"]["/latest/meta-data/iam/security-credentials/fedcred-ec2-role"], 1)
        gets = [r for r in imds["records"] if r["method"] == "GET"]
        self.assertTrue(gets and all(r["token_ok"] for r in gets), "every GET has the token")
        self.assertFalse(any(r["proxied"] for r in imds["records"]))
        sts = self.outbound.stats()
        self.assertEqual(sts["token_calls"], 1)
        self.assertEqual(sts["verdicts"], [None], "botocore verified the SigV4 signature")
        form = sts["forms"][0]
        self.assertEqual(form["Audience.member.1"], AUDIENCE_HTTPS)
        self.assertEqual(form["SigningAlgorithm"], "RS256")
        self.assertEqual(form["DurationSeconds"], "3600", "the documented default")
        self.assertEqual(doc["id_token"], sts["issued"][0])
        self.assertEqual(claims["aud"], AUDIENCE_HTTPS)
        self.assertEqual(claims["iss"], sts["issuer"])
        self.assertEqual(self.signing_region(), "us-east-1", "region from IMDS placement/region")
        # and Google's STS (stand-in) accepts it against the issuer's JWKS
        status, answer = self.exchange_at_google(doc["id_token"])
        self.assertEqual(status, 200, answer)

    def test_local_zone_instance_signs_for_its_region(self):
        # A Local Zone AZ does not end in the region name (issue 12, item 19).
        self.imds.zone = "us-west-2-lax-1a"
        self.imds.region = "us-west-2"
        res = self.run_gcp()
        self.assert_gcp_success(res)
        self.assertEqual(self.signing_region(), "us-west-2")

    def test_token_duration(self):
        before = int(time.time())
        res = self.run_gcp("--token-duration", "900")
        doc, _ = self.assert_gcp_success(res)
        self.assertEqual(self.outbound.stats()["forms"][0]["DurationSeconds"], "900")
        self.assertLessEqual(abs(doc["expiration_time"] - (before + 900)), 5)

    def test_id_token_type_and_output_file(self):
        path = os.path.join(self.sandbox.root, "out.json")
        res = self.run_gcp(env=self.with_env(
            GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE="urn:ietf:params:oauth:token-type:id_token",
            GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        doc, _ = self.assert_gcp_success(res, token_type="urn:ietf:params:oauth:token-type:id_token")
        self.assert_private_file(path)
        with open(path) as f:
            import json
            self.assertEqual(json.load(f), doc)

    def test_cache_hit_asks_imds_the_role_only_and_skips_sts(self):
        first, _ = self.assert_gcp_success(self.run_gcp(no_cache=False))
        imds_before = self.imds.stats()
        second, _ = self.assert_gcp_success(self.run_gcp(no_cache=False))
        self.assertEqual(first, second)
        self.assertEqual(self.outbound.stats()["token_calls"], 1)
        # the role name is part of the key (issue 12.1): one session, one role listing
        self.assertEqual(self.imds.stats()["puts"], imds_before["puts"] + 1)
        self.assertEqual(self.imds.stats()["gets"], imds_before["gets"] + 1)
        self.assertEqual(self.imds.stats()["records"][-1]["path"], "/latest/meta-data/iam/security-credentials/")

    def test_region_from_imds_placement_region(self):
        self.imds.zone = "eu-west-3b"
        self.assert_gcp_success(self.run_gcp())
        self.assertEqual(self.signing_region(), "eu-west-3")
        self.assertIn("/latest/meta-data/placement/region", self.imds.stats()["by_path"])
        self.assertNotIn("/latest/meta-data/placement/availability-zone", self.imds.stats()["by_path"])

    def test_aws_region_beats_the_availability_zone(self):
        self.imds.zone = "eu-west-3b"
        self.assert_gcp_success(self.run_gcp(env=self.with_env(AWS_REGION="ap-south-1",
                                                               AWS_DEFAULT_REGION="us-west-2")))
        self.assertEqual(self.signing_region(), "ap-south-1")
        self.assertNotIn("/latest/meta-data/placement/availability-zone",
                         self.imds.stats()["by_path"], "no AZ lookup when AWS_REGION is set")

    def test_aws_default_region(self):
        self.assert_gcp_success(self.run_gcp(env=self.with_env(AWS_DEFAULT_REGION="us-west-2")))
        self.assertEqual(self.signing_region(), "us-west-2")

    def test_region_flag(self):
        self.assert_gcp_success(self.run_gcp("--region", "ca-central-1",
                                             env=self.with_env(AWS_REGION="ap-south-1")))
        self.assertEqual(self.signing_region(), "ca-central-1")

    def test_static_credentials_skip_imds(self):
        env = self.with_env(AWS_ACCESS_KEY_ID=STATIC["AccessKeyId"],
                            AWS_SECRET_ACCESS_KEY=STATIC["SecretAccessKey"],
                            AWS_SESSION_TOKEN=STATIC["Token"], AWS_REGION="us-east-2")
        self.assert_gcp_success(self.run_gcp(env=env))
        imds = self.imds.stats()
        self.assertEqual((imds["puts"], imds["gets"]), (0, 0), "IMDS must not be touched")
        sts = self.outbound.stats()
        self.assertEqual(sts["verdicts"], [None])
        self.assertIn("Credential=%s/" % STATIC["AccessKeyId"], sts["headers"][0]["Authorization"])
        self.assertEqual(self.signing_region(), "us-east-2")

    def test_static_credentials_with_a_wrong_secret(self):
        env = self.with_env(AWS_ACCESS_KEY_ID=STATIC["AccessKeyId"],
                            AWS_SECRET_ACCESS_KEY="WrongSecretForTheStandin/" + "w" * 15,
                            AWS_SESSION_TOKEN=STATIC["Token"], AWS_REGION="us-east-2")
        res = self.run_gcp(env=env)
        self.assert_gcp_failure(res, EXIT_DENIED, mentions=["SignatureDoesNotMatch"],
                                secrets=self.secrets() + [env["AWS_SECRET_ACCESS_KEY"]])
        self.assertEqual(self.imds.stats()["puts"], 0)

    def test_access_key_without_secret(self):
        env = self.with_env(AWS_ACCESS_KEY_ID=STATIC["AccessKeyId"], AWS_REGION="us-east-2")
        res = self.run_gcp(env=env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["AWS_SECRET_ACCESS_KEY"])

    def test_throttling_is_retried(self):
        self.outbound.set_fault({"code": "Throttling", "message": "Rate exceeded", "status": 400,
                            "times": 2})
        res = self.run_gcp(timeout_flag="20", timeout=60)
        self.assert_gcp_success(res)
        self.assertEqual(self.outbound.stats()["token_calls"], 3, "two throttled, then success")


class TestImdsFailures(AwsSourceCase):
    def test_token_put_refused(self):
        self.imds.set_fault({"put_status": 403})
        res = self.run_gcp()
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["403"], secrets=self.secrets())
        self.assertEqual(self.outbound.stats()["requests"], 0)

    def test_token_put_unanswered_hop_limit(self):
        self.imds.set_fault({"put_hang": 30})
        started = time.monotonic()
        res = self.run_gcp(timeout_flag="3", timeout=30)
        elapsed = time.monotonic() - started
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["hop limit"], secrets=self.secrets())
        self.assertLess(elapsed, 3 + DEADLINE_SLACK, "must give up within --timeout (took %.1fs)" % elapsed)
        self.assertEqual(self.outbound.stats()["requests"], 0)

    def test_imds_401(self):
        self.imds.set_fault({"get_status": 401})
        res = self.run_gcp()
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["401"], secrets=self.secrets())

    def test_no_role_attached(self):
        self.imds.set_fault({"no_role": True})
        res = self.run_gcp()
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["role"], secrets=self.secrets())
        self.assertEqual(self.outbound.stats()["requests"], 0)

    def test_credentials_not_success(self):
        self.imds.set_fault({"creds_code": "Failure"})
        res = self.run_gcp()
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["Failure"], secrets=self.secrets())

    def test_imds_unreachable(self):
        res = self.run_gcp(env=self.with_env(
            AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:%d" % refused_port(self)))
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["AWS_EC2_METADATA_SERVICE_ENDPOINT"])

    def test_bad_region(self):
        self.imds.region = "nowhere"
        res = self.run_gcp()
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["AWS_REGION"], secrets=self.secrets())


class TestStsFailures(AwsSourceCase):
    def assert_denied(self, fault, mentions):
        self.outbound.set_fault(fault)
        res = self.run_gcp()
        doc = self.assert_gcp_failure(res, EXIT_DENIED, mentions=mentions, secrets=self.secrets())
        self.assertEqual(self.outbound.stats()["token_calls"], 1, "not retried")
        return doc

    def test_outbound_federation_disabled(self):
        self.assert_denied({"code": "OutboundWebIdentityFederationDisabledException",
                            "message": "Outbound web identity federation is disabled",
                            "status": 403},
                           ["OutboundWebIdentityFederationDisabledException",
                            "enable-outbound-web-identity-federation"])

    def test_access_denied(self):
        self.assert_denied({"code": "AccessDenied", "status": 403,
                            "message": "User is not authorized to perform sts:GetWebIdentityToken"},
                           ["AccessDenied", "sts:GetWebIdentityToken"])

    def test_signature_does_not_match(self):
        self.assert_denied({"code": "SignatureDoesNotMatch", "status": 403,
                            "message": "The request signature we calculated does not match"},
                           ["SignatureDoesNotMatch"])

    def test_throttling_until_the_deadline(self):
        self.outbound.set_fault({"code": "Throttling", "message": "Rate exceeded", "status": 400})
        started = time.monotonic()
        res = self.run_gcp(timeout_flag="4", timeout=60)
        self.assert_gcp_failure(res, EXIT_TRANSIENT, mentions=["Throttling"],
                                secrets=self.secrets())
        self.assertGreater(self.outbound.stats()["token_calls"], 1, "retried")
        self.assertLess(time.monotonic() - started, 4 + 2)

    def test_global_endpoint_refused(self):
        res = self.run_gcp(env=self.with_env(AWS_ENDPOINT_URL_STS="https://sts.amazonaws.com"))
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["regional"])
        # nothing signed: the role lookup (issue 12.1) ran, the credentials were never read
        self.assertEqual(self.outbound.stats()["requests"], 0)
        self.assertNotIn("/latest/meta-data/iam/security-credentials/fedcred-ec2-role",
                         self.imds.stats()["by_path"])


class TestGoogleStsStandin(AwsSourceCase):
    """The Google STS stand-in really verifies: a token from another issuer key, for another
    audience, or expired is refused."""

    def test_rejects_a_token_it_cannot_verify(self):
        doc, _ = self.assert_gcp_success(self.run_gcp())
        token = doc["id_token"]
        head, body, sig = token.split(".")
        tampered = head + "." + body + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
        status, answer = self.exchange_at_google(tampered)
        self.assertEqual(status, 400)
        self.assertEqual(answer["error"], "invalid_grant")
        other = fake_google_sts.GoogleSts(jwks={"keys": []})
        self.assertEqual(other.exchange(
            {"grant_type": fake_google_sts.GRANT_TYPE, "audience": AUDIENCE, "scope": "s",
             "requested_token_type": fake_google_sts.ACCESS_TOKEN_TYPE, "subject_token": token,
             "subject_token_type": JWT_TYPE},
            {"Content-Type": "application/x-www-form-urlencoded"})[0], 400)

    def test_rejects_another_audience(self):
        res = self.run_gcp("--audience", AUDIENCE.replace("providers/aws", "providers/other"))
        doc, claims = self.assert_gcp_success(res)
        self.assertNotEqual(claims["aud"], AUDIENCE_HTTPS)
        status, answer = self.exchange_at_google(doc["id_token"])
        self.assertEqual((status, answer["error"]), (400, "invalid_grant"))
        self.assertIn("aud", answer["error_description"])
        self.assertEqual(jwt_claims(doc["id_token"])["iss"], self.outbound.stats()["issuer"])


if __name__ == "__main__":
    unittest.main()
