"""`fedcred doctor` (issue 7) against the loopback stand-ins: healthy (exit 0, every step ok)
and each broken state (metadata down, IMDSv2 PUT unanswered, STS AccessDenied, a skewed clock,
GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES for a gcp profile), each with the right failed step,
its fix and the documented exit code, and never a token, key or session token in the output.
The skewed clock is simulated in-process without touching the stand-ins' files: the metadata
stand-in serves a token signed with its own key whose iat is an hour ahead, and a Date header
an hour ahead comes from patching the per-server handler class."""

import email.utils
import json
import os
import re
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

import fake_sts  # noqa: E402
from harness import (EXIT_DENIED, EXIT_OK, EXIT_SOURCE, EXIT_USAGE, ROLE_ARN,  # noqa: E402
                     AwsToGcpFixture, FedcredTestCase, GceStsFixture, refused_port, token_secrets)

AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/aws")
LINE_RE = re.compile(r"^(ok  |warn|FAIL)  ([a-z-]+): (.*)$")


class DoctorCase(FedcredTestCase):
    def parse_text(self, res):
        """[(state, step, detail, fix)] from the text report on stdout."""
        steps = []
        for line in res.stdout.splitlines():
            if line.startswith("      fix: "):
                self.assertTrue(steps, res.describe())
                steps[-1][3] = line[len("      fix: "):]
                continue
            m = LINE_RE.match(line)
            self.assertIsNotNone(m, "unexpected report line %r\n%s" % (line, res.describe()))
            steps.append([m.group(1).strip(), m.group(2), m.group(3), ""])
        return steps

    def step(self, steps, name):
        for s in steps:
            if s[1] == name:
                return s
        self.fail("no step %s in %r" % (name, [s[1] for s in steps]))

    def assert_failed_step(self, res, code, name, detail_mentions=(), fix_mentions=()):
        self.assertEqual(res.returncode, code, res.describe())
        steps = self.parse_text(res)
        failed = [s for s in steps if s[0] == "FAIL"]
        self.assertTrue(failed, res.describe())
        self.assertEqual(failed[0][1], name, res.describe())
        for word in detail_mentions:
            self.assertIn(word.lower(), failed[0][2].lower(), res.describe())
        self.assertTrue(failed[0][3], "a failed step says how to fix it\n" + res.describe())
        for word in fix_mentions:
            self.assertIn(word.lower(), failed[0][3].lower(), res.describe())
        self.assertIn("fedcred: doctor:", res.stderr, res.describe())
        return steps


class TestDoctorGceToAws(GceStsFixture, DoctorCase):
    sts_trust = True

    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.trust = dict(cls.sts.trust)
        cls.handler = cls.md.httpd.RequestHandlerClass

    def setUp(self):
        super().setUp()
        self.sts.trust = dict(self.trust)
        self.handler.__dict__.get("date_time_string") and delattr(self.handler, "date_time_string")
        self.sandbox.write_config("[profile s3]\nrole_arn = %s\nregion = us-east-1\n" % ROLE_ARN)

    def secrets(self):
        out = []
        for token in self.md.stats()["issued"]:
            out += token_secrets(token)
        for creds in self.sts.stats()["issued"]:
            out += [creds["SecretAccessKey"], creds["SessionToken"], creds["AccessKeyId"]]
        return out + list(fake_sts.FakeSTS().stats()["canaries"])

    def doctor(self, *args, env=None):
        return self.fedcred("doctor", "--profile", "s3", "--timeout", "5", *args,
                            env=env or self.env)

    def test_healthy_chain_every_step_ok(self):
        res = self.doctor()
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        steps = self.parse_text(res)
        self.assertEqual([s[1] for s in steps], ["config", "cache", "metadata", "subject-token",
                                                 "sts-endpoint", "clock", "exchange"])
        for s in steps:
            self.assertEqual(s[0], "ok", res.describe())
        self.assertEqual(res.stderr, "", res.describe())
        self.assertIn(self.sandbox.config_path, self.step(steps, "config")[2])
        self.assertIn("role_arn=%s (%s:2)" % (ROLE_ARN, self.sandbox.config_path),
                      self.step(steps, "config")[2])
        sa = self.md.identity["sa_id"]
        token_step = self.step(steps, "subject-token")[2]
        for claim in ("iss=https://accounts.google.com", "aud=sts.amazonaws.com", "azp=" + sa,
                      "sub=" + sa, "email=" + self.md.identity["email"], "exp="):
            self.assertIn(claim, token_step)
        self.assertRegex(self.step(steps, "metadata")[2], r"answered in \d+ ms")
        self.assertEqual(self.sts.stats()["assume_calls"], 1, "the exchange itself was tried")
        self.assert_no_secrets(res, self.secrets())
        # doctor never writes the cache
        self.assertEqual(os.listdir(self.sandbox.cache_dir), [])

    def test_json_report_parses(self):
        res = self.doctor("--json")
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        doc = json.loads(res.stdout)
        self.assertIs(doc["ok"], True)
        self.assertEqual([s["status"] for s in doc["steps"]], ["ok"] * 7)
        for s in doc["steps"]:
            self.assertEqual(set(s), {"name", "status", "detail", "fix"})
        self.assert_no_secrets(res, self.secrets())

    def test_metadata_down(self):
        env = self.sandbox.env(metadata_host="127.0.0.1:%d" % refused_port(self), sts_url=self.sts.url)
        res = self.doctor(env=env)
        steps = self.assert_failed_step(res, EXIT_SOURCE, "metadata", ["cannot reach"],
                                        ["GCE_METADATA_HOST"])
        self.assertEqual(steps[-1][1], "metadata", "the walk stops at the metadata server")
        self.assertEqual(self.sts.stats()["assume_calls"], 0)

    def test_metadata_down_json(self):
        env = self.sandbox.env(metadata_host="127.0.0.1:%d" % refused_port(self), sts_url=self.sts.url)
        res = self.doctor("--json", env=env)
        self.assertEqual(res.returncode, EXIT_SOURCE, res.describe())
        doc = json.loads(res.stdout)
        self.assertIs(doc["ok"], False)
        self.assertEqual(doc["exit_code"], EXIT_SOURCE)
        failed = [s for s in doc["steps"] if s["status"] == "fail"]
        self.assertEqual(failed[0]["name"], "metadata")
        self.assertIn("GCE_METADATA_HOST", failed[0]["fix"])

    def test_access_denied_prints_the_conditions_the_token_satisfies(self):
        self.sts.trust["accounts.google.com:oaud"] = "some-other-audience"
        res = self.doctor()
        self.assert_failed_step(res, EXIT_DENIED, "exchange", ["AccessDenied"],
                                ["fedcred setup aws-trust-policy"])
        fix = self.step(self.parse_text(res), "exchange")[3]
        sa = self.md.identity["sa_id"]
        self.assertIn("accounts.google.com:aud = %s" % sa, fix)
        self.assertIn("accounts.google.com:oaud = sts.amazonaws.com", fix)
        self.assertIn("accounts.google.com:sub = %s" % sa, fix)
        self.assert_no_secrets(res, self.secrets())

    def test_access_denied_by_fault(self):
        self.sts.set_fault({"code": "AccessDenied", "status": 403,
                            "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"})
        res = self.doctor()
        self.assert_failed_step(res, EXIT_DENIED, "exchange", ["AccessDenied"],
                                ["accounts.google.com:oaud = sts.amazonaws.com"])

    def test_clock_behind_the_token_issuer(self):
        now = int(time.time())
        sa = self.md.identity["sa_id"]
        skewed = self.md.key.sign({"aud": "sts.amazonaws.com", "azp": sa, "sub": sa,
                                   "email": self.md.identity["email"],
                                   "iss": "https://accounts.google.com",
                                   "iat": now + 3600, "exp": now + 7200})
        self.md.set_fault({"body": skewed})
        res = self.doctor()
        self.assert_failed_step(res, EXIT_USAGE, "clock", ["behind", "iat"], ["synchronise"])
        self.assert_no_secrets(res, token_secrets(skewed) + self.secrets())

    def test_clock_against_server_date(self):
        self.handler.date_time_string = \
            lambda handler, timestamp=None: email.utils.formatdate(time.time() + 3600, usegmt=True)
        res = self.doctor()
        steps = self.assert_failed_step(res, EXIT_USAGE, "clock", ["metadata server Date +3600 s"],
                                        ["synchronise"])
        self.assertEqual(self.step(steps, "exchange")[0], "ok", "the walk goes on after the clock")

    def test_no_role_is_a_config_failure(self):
        self.sandbox.write_config("[profile s3]\nregion = us-east-1\n")
        res = self.doctor()
        self.assert_failed_step(res, EXIT_USAGE, "config", ["no role ARN"], ["role_arn"])

    def test_unsafe_cache_directory_is_a_warning(self):
        os.chmod(self.sandbox.cache_dir, 0o755)
        res = self.doctor()
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        cache = self.step(self.parse_text(res), "cache")
        self.assertEqual(cache[0], "warn")
        self.assertIn("chmod 700", cache[3])


class TestDoctorAwsToGcp(AwsToGcpFixture, DoctorCase):
    with_google = False  # doctor checks up to the subject token

    def setUp(self):
        super().setUp()
        self.env = self.aws_source_env({"GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1"})
        self.sandbox.write_config("[profile gcs]\naudience = %s\n" % AUDIENCE)

    def secrets(self):
        return self.aws_source_secrets()

    def doctor(self, *args, env=None):
        return self.fedcred("doctor", "--profile", "gcs", "--timeout", "5", *args,
                            env=env or self.env)

    def test_healthy_chain(self):
        res = self.doctor()
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        steps = self.parse_text(res)
        self.assertEqual([s[1] for s in steps], ["config", "allow-executables", "cache", "imds",
                                                 "subject-token", "clock"])
        for s in steps:
            self.assertEqual(s[0], "ok", res.describe())
        self.assertIn("AWS -> GCP", steps[0][2])
        self.assertIn("sub=" + self.outbound.role_arn, self.step(steps, "subject-token")[2])
        self.assertIn("aud=https:" + AUDIENCE, self.step(steps, "subject-token")[2])
        self.assert_no_secrets(res, self.secrets())

    def test_gcp_flag_with_command_line_audience(self):
        self.sandbox.write_config("")
        res = self.fedcred("doctor", "--gcp", "--audience", AUDIENCE, "--json", env=self.env)
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        doc = json.loads(res.stdout)
        self.assertTrue(doc["ok"])
        self.assertIn("allow-executables", [s["name"] for s in doc["steps"]])

    def test_imds_put_unanswered_means_hop_limit(self):
        self.imds.set_fault({"put_hang": 5})
        res = self.doctor()
        steps = self.assert_failed_step(res, EXIT_SOURCE, "imds", ["PUT", "answers GETs"],
                                        ["--http-put-response-hop-limit 2"])
        self.assertEqual(steps[-1][1], "imds")
        self.assert_no_secrets(res, self.secrets())

    def test_allow_executables_unset_warns(self):
        env = dict(self.env)
        env.pop("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES")
        res = self.doctor(env=env)
        self.assertEqual(res.returncode, EXIT_OK, res.describe())
        step = self.step(self.parse_text(res), "allow-executables")
        self.assertEqual(step[0], "warn")
        self.assertIn("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1", step[3])

    def test_allow_executables_not_1_fails(self):
        env = dict(self.env, GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES="0")
        res = self.doctor(env=env)
        self.assert_failed_step(res, EXIT_USAGE, "allow-executables",
                                ["GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=0"],
                                ["GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1"])
        self.assert_no_secrets(res, self.secrets())


if __name__ == "__main__":
    unittest.main()
