"""The audit trail (issue 7): every credential handed out and every failure writes one
structured line to syslog (facility authpriv), captured here from a test syslog socket
(FEDCRED_SYSLOG_SOCKET). The lines name uid, profile, role, subject and cache use, and never
a token, secret key or session token. `log = stderr | none` redirects or silences them; in gcp
mode stderr stays empty whatever the setting."""

import os
import socket
import threading
import unittest


from harness import (EXIT_DENIED, ROLE_ARN, FedcredTestCase, GceStsFixture,  # noqa: E402,F401
                     SyslogCollector)

NOBODY = 65534

AUTHPRIV_INFO = "<86>"     # facility 10 (authpriv) * 8 + severity 6 (info)
AUTHPRIV_WARNING = "<84>"  # severity 4 (warning)
PROVIDER = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/gce")


class AuditTestCase(GceStsFixture, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.syslog = SyslogCollector(os.path.join(self.sandbox.root, "syslog.sock"))
        self.addCleanup(self.syslog.close)
        self.env["FEDCRED_SYSLOG_SOCKET"] = self.syslog.path
        # `log` is honoured from root's files only; this test build counts the test's own
        # files as root's (FEDCRED_TEST_ROOT_UID, -Dtest_hooks), whoever runs the suite
        self.env["FEDCRED_TEST_ROOT_UID"] = str(os.getuid())

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



class TestAuditCannotBeSilenced(AuditTestCase):
    """Issue 12, item 15: a user's own configuration cannot move the audit trail away from
    syslog (only a root-owned file can), and a syslog socket that does not take the datagram
    gets the line over a stream connection, else on stderr, as syslog(3) falls back."""

    def test_a_users_own_config_cannot_silence_the_audit(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run fedcred as a user who is not root")
        os.chmod(self.sandbox.root, 0o711)
        os.chmod(self.syslog.path, 0o666)  # the user may write to the log socket, as to /dev/log
        conf = os.path.join(self.sandbox.root, "users.conf")
        env = dict(self.env, FEDCRED_CONFIG=conf)
        del env["FEDCRED_TEST_ROOT_UID"]  # the shipped rule: root's files only
        argv = ["aws", "--role-arn", ROLE_ARN, "--no-cache", "--timeout", "5"]
        for target in ("none", "stderr"):
            with self.subTest(log=target, owner="the user"):
                self.sandbox.write_config("[default]\nlog = %s\n" % target, path=conf)
                os.chown(conf, NOBODY, NOBODY)
                before = len(self.syslog.lines)
                res = self.fedcred(*argv, env=env, uid=NOBODY)
                code, err = res.returncode, res.stderr
                self.assertEqual(code, 0, res.describe())
                lines = self.syslog.wait_for(before + 1)[before:]
                self.assertEqual(len(lines), 1, err)
                self.assertIn("uid=%d" % NOBODY, lines[0])
                self.assertIn("log setting (%s:2) ignored" % conf, err)
                self.assertNotIn("fedcred: audit:", err)
        with self.subTest(log="none", owner="root"):
            self.sandbox.write_config("[default]\nlog = none\n", path=conf)
            os.chown(conf, 0, 0)
            before = len(self.syslog.lines)
            res = self.fedcred(*argv, env=env, uid=NOBODY)
            self.assertEqual((res.returncode, res.stderr), (0, ""), res.describe())
            self.assertEqual(self.syslog.wait_for(before + 1, timeout=0.5)[before:], [])

    def test_unreachable_syslog_falls_back_to_stderr(self):
        env = dict(self.env, FEDCRED_SYSLOG_SOCKET=os.path.join(self.sandbox.root, "no-syslog"))
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--no-cache", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertIn("fedcred: audit: event=issued command=aws", res.stderr)
        self.assertIn("no-syslog unreachable: No such file or directory", res.stderr)
        self.assert_no_secret_in(res.stderr)
        with self.subTest("gcp: stderr stays empty, Google's libraries parse it"):
            gcp = self.fedcred("gcp", "--source", "gce", "--audience", PROVIDER, "--no-cache", env=env)
            self.assertEqual((gcp.returncode, gcp.stderr), (0, ""), gcp.describe())

    def test_stream_syslog_socket_gets_the_line(self):
        path = os.path.join(self.sandbox.root, "stream-syslog.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(4)
        self.addCleanup(server.close)
        received = []

        def accept_one():
            conn, _ = server.accept()
            with conn:
                data = b""
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                received.append(data.decode("utf-8", "replace"))
        thread = threading.Thread(target=accept_one, daemon=True)
        thread.start()
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--no-cache",
                           env=dict(self.env, FEDCRED_SYSLOG_SOCKET=path))
        self.assertEqual(res.returncode, 0, res.describe())
        thread.join(5)
        self.assertEqual(len(received), 1, res.describe())
        self.assertTrue(received[0].startswith(AUTHPRIV_INFO + "fedcred["), received[0])
        self.assertTrue(received[0].endswith("outcome=ok\0"), received[0])
        self.assertEqual(res.stderr, "")

if __name__ == "__main__":
    unittest.main()
