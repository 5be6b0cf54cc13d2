"""The audit trail (issue 7): every credential handed out and every failure writes one
structured line to syslog (facility authpriv), captured here from a test syslog socket
(FEDCRED_SYSLOG_SOCKET). The lines name uid, profile, role, subject and cache use, and never
a token, secret key or session token. `log = stderr | none` redirects or silences them; in gcp
mode stderr stays empty whatever the setting."""

import os
import socket
import threading
import time
import unittest


from harness import EXIT_DENIED, ROLE_ARN, FedcredTestCase, GceStsFixture  # noqa: E402

AUTHPRIV_INFO = "<86>"     # facility 10 (authpriv) * 8 + severity 6 (info)
AUTHPRIV_WARNING = "<84>"  # severity 4 (warning)
PROVIDER = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/gce")


class SyslogCollector:
    """A datagram socket standing in for /dev/log; collects what arrives."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.lines = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                self.lines.append(self.sock.recv(65536).decode("utf-8", "replace"))
            except socket.timeout:
                continue
            except OSError:
                return

    def wait_for(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while len(self.lines) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.lines)

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()


class AuditTestCase(GceStsFixture, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.syslog = SyslogCollector(os.path.join(self.sandbox.root, "syslog.sock"))
        self.addCleanup(self.syslog.close)
        self.env["FEDCRED_SYSLOG_SOCKET"] = self.syslog.path

    def assert_no_secret_in(self, text):
        for secret in self.secrets():
            self.assertNotIn(secret, text, "a secret (%s...) appears in the audit trail" % secret[:8])

    def profile_config(self, extra=""):
        self.sandbox.write_config("[profile s3-reader]\nrole_arn = %s\n%s" % (ROLE_ARN, extra))


class TestSyslog(AuditTestCase):
    def test_issuance_and_cache_hit_each_leave_one_line(self):
        self.profile_config()
        first = self.fedcred("aws", "--profile", "s3-reader", env=self.env)
        second = self.fedcred("aws", "--profile", "s3-reader", env=self.env)
        self.assertEqual((first.returncode, second.returncode), (0, 0), first.describe())
        lines = self.syslog.wait_for(2)
        self.assertEqual(len(lines), 2, lines)
        sub = self.md.identity["sa_id"]
        for line, cache in zip(lines, ("cache=miss", "cache=hit")):
            self.assertTrue(line.startswith(AUTHPRIV_INFO + "fedcred["), line)
            for field in ("event=issued", "command=aws", "uid=%d" % os.getuid(), "profile=s3-reader",
                          "target=" + ROLE_ARN, "subject=" + sub, "source=gce", cache,
                          "outcome=ok", "expiration=", "session=", "caller="):
                self.assertIn(field, line)
        self.assertIn("request_id=", lines[0])
        self.assert_no_secret_in("\n".join(lines))

    def test_failure_is_a_warning_with_the_reason_and_no_secret(self):
        self.profile_config()
        self.sts.set_fault({"code": "AccessDenied", "status": 403,
                            "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"})
        res = self.fedcred("aws", "--profile", "s3-reader", "--no-cache", env=self.env)
        self.assertEqual(res.returncode, EXIT_DENIED, res.describe())
        lines = self.syslog.wait_for(1)
        self.assertEqual(len(lines), 1, lines)
        line = lines[0]
        self.assertTrue(line.startswith(AUTHPRIV_WARNING), line)
        for field in ("event=failed", "outcome=error-4", "profile=s3-reader", "target=" + ROLE_ARN,
                      "AccessDenied", "cache=off"):
            self.assertIn(field, line)
        self.assert_no_secret_in(line)

    def test_gcp_and_token_are_audited_with_their_audience(self):
        res = self.fedcred("token", "--no-cache", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        gcp = self.fedcred("gcp", "--source", "gce", "--audience", PROVIDER, "--no-cache", env=self.env)
        self.assertEqual(gcp.returncode, 0, gcp.describe())
        self.assertEqual(gcp.stderr, "", "gcp mode writes nothing on stderr on success")
        lines = self.syslog.wait_for(2)
        self.assertEqual(len(lines), 2, lines)
        self.assertIn("command=token", lines[0])
        self.assertIn("target=sts.amazonaws.com", lines[0])
        self.assertIn("command=gcp", lines[1])
        self.assertIn("target=https:" + PROVIDER, lines[1])
        self.assert_no_secret_in("\n".join(lines))


class TestLogSetting(AuditTestCase):
    def test_log_stderr_writes_the_line_on_stderr_instead(self):
        self.profile_config("log = stderr\n")
        res = self.fedcred("aws", "--profile", "s3-reader", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertIn("fedcred: audit: event=issued", res.stderr)
        self.assertIn("profile=s3-reader", res.stderr)
        self.assertEqual(self.syslog.wait_for(1, timeout=0.5), [])
        self.assert_no_secret_in(res.stderr)

    def test_log_none_writes_nothing(self):
        self.profile_config("log = none\n")
        res = self.fedcred("aws", "--profile", "s3-reader", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stderr, "")
        self.assertEqual(self.syslog.wait_for(1, timeout=0.5), [])

    def test_gcp_mode_never_writes_the_audit_line_on_stderr(self):
        self.sandbox.write_config("[default]\nlog = stderr\nsource = gce\naudience = %s\n" % PROVIDER)
        res = self.fedcred("gcp", "--no-cache", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stderr, "")

    def test_bad_log_value_names_file_and_line(self):
        path = self.sandbox.write_config("[default]\nlog = journal\n")
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, env=self.env)
        self.assertEqual(res.returncode, 2, res.describe())
        self.assertIn(path + ":2", res.stderr)


if __name__ == "__main__":
    unittest.main()
