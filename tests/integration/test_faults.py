"""The fault matrix (issue 6): fedcred against stand-ins that misbehave at the HTTP, socket and
TLS level, and a cache directory that misbehaves on disk.

Network faults: metadata 500 twice then 200, STS Throttling twice then success, STS 503
forever (exit 5 within the deadline), connection refused (metadata 3, STS 5), connection reset,
accept-and-never-answer and a byte-a-second dribble on both sides, and a DNS resolver that
never answers (each ended by --timeout), TLS with
a throwaway CA (refused without it, accepted with AWS_CA_BUNDLE / CURL_CA_BUNDLE), redirects
never followed, bodies over the size cap, truncated bodies, garbage XML/JSON/JWT, an STS
Expiration in the past (exit 6, never cached), a dead HTTPS_PROXY (metadata still direct), and
garbage from IMDS in gcp mode.

Cache faults: a full cache file system, a read-only cache directory, SIGKILL during writes and
torn entries, and two users on one host.
"""

import glob
import json
import os
import pwd
import resource
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest


import fake_sts  # noqa: E402
import gce_metadata  # noqa: E402
import recording_proxy  # noqa: E402
from fault_server import (FaultServer, ScriptedHttpServer, StalledResolver, TlsWrapped,  # noqa: E402
                          http_response, make_tls_material)
from harness import (DEADLINE_SLACK, EXIT_BAD_RESPONSE, EXIT_SOURCE, EXIT_TRANSIENT, ROLE_ARN,  # noqa: E402
                     AwsToGcpFixture, FedcredTestCase, GceStsFixture, fedcred_bin, refused_port,
                     token_secrets)

AUDIENCE = "sts.amazonaws.com"
GCP_AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/"
                "pool/providers/aws")
# slack over --timeout for process start, module loading and the last attempt's teardown
SLACK = DEADLINE_SLACK


class FaultCase(GceStsFixture, FedcredTestCase):
    """A working metadata stand-in and fake STS (trust policy for AUDIENCE); each test breaks
    one of them."""

    sts_trust = True

    def assert_within(self, res, seconds):
        self.assertLessEqual(res.elapsed, seconds + SLACK,
                             "did not end within its deadline\n" + res.describe())

    def cache_files(self):
        """The entries (lock files, shared failure records and the recalled service account,
        flows/recalled_account.h, are not entries)."""
        return sorted(f for f in os.listdir(self.sandbox.cache_dir)
                      if not f.startswith(".") and not f.endswith((".lock", ".fail", ".seen")))


class TestRetries(FaultCase):
    def test_metadata_500_twice_then_200_succeeds(self):
        self.md.set_fault({"status": 500, "times": 2})
        res = self.aws(env=self.env)
        self.assert_credentials(res)
        self.assertEqual(self.md.stats()["identity_requests"], 3)
        self.assertEqual(self.sts.stats()["assume_calls"], 1)

    def test_sts_throttling_twice_then_succeeds(self):
        self.sts.set_fault({"code": "Throttling", "message": "Rate exceeded", "status": 400,
                            "times": 2})
        res = self.aws(env=self.env)
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 3)

    def test_sts_503_forever_is_transient_within_deadline(self):
        self.sts.set_fault({"status": 503})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_TRANSIENT, mentions=["503"], secrets=self.secrets())
        self.assertGreaterEqual(self.sts.stats()["assume_calls"], 2, "503 must be retried")
        self.assert_within(res, 4)


class TestConnectionFaults(FaultCase):
    def test_metadata_connection_refused_is_source_unavailable(self):
        env = self.with_env(GCE_METADATA_HOST="127.0.0.1:%d" % refused_port(self))
        res = self.aws(env=env, timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, mentions=["metadata"])
        self.assert_within(res, 4)

    def test_sts_connection_refused_is_transient(self):
        env = self.with_env(AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d" % refused_port(self))
        res = self.aws(env=env, timeout_flag="4")
        self.assert_failure(res, EXIT_TRANSIENT, secrets=self.secrets())
        self.assert_within(res, 4)

    def test_sts_connection_reset_is_transient(self):
        with FaultServer("reset") as srv:
            res = self.aws(env=self.with_env(AWS_ENDPOINT_URL_STS=srv.url), timeout_flag="4")
            self.assert_failure(res, EXIT_TRANSIENT, secrets=self.secrets())
            self.assertGreaterEqual(srv.connections, 2, "a reset must be retried")
        self.assert_within(res, 4)

    def test_metadata_never_answers_ends_within_timeout(self):
        with FaultServer("blackhole") as srv:
            res = self.aws(env=self.with_env(GCE_METADATA_HOST=srv.host), timeout_flag="3")
        self.assert_failure(res, EXIT_SOURCE)
        self.assert_within(res, 3)

    def test_sts_never_answers_ends_within_timeout(self):
        with FaultServer("blackhole") as srv:
            res = self.aws(env=self.with_env(AWS_ENDPOINT_URL_STS=srv.url), timeout_flag="3")
        self.assert_failure(res, EXIT_TRANSIENT, secrets=self.secrets())
        self.assert_within(res, 3)

    def test_sts_host_whose_resolver_never_answers_ends_within_timeout(self):
        # Issue 12.5: a DNS stall must not outlive --timeout either (libcurl joins its
        # threaded resolver at cleanup unless told not to).
        if not StalledResolver.available():
            self.skipTest("needs root and unshare(1) for a private /etc/resolv.conf")
        host = "sts.resolver-stall.example"
        with StalledResolver(self.sandbox.root) as dns:
            argv = dns.wrap([fedcred_bin(), "aws", "--role-arn", ROLE_ARN, "--timeout", "3", "--no-cache"])
            res = self.sandbox.run(argv, env=self.with_env(AWS_ENDPOINT_URL_STS="https://" + host), timeout=20)
        self.assert_failure(res, EXIT_TRANSIENT, mentions=[host], secrets=self.secrets())
        self.assert_within(res, 3)

    def test_metadata_dribbling_a_byte_a_second_ends_within_timeout(self):
        with FaultServer("dribble", interval=1.0) as srv:
            res = self.aws(env=self.with_env(GCE_METADATA_HOST=srv.host), timeout_flag="3")
        self.assert_failure(res, EXIT_SOURCE)
        self.assert_within(res, 3)

    def test_sts_dribbling_a_byte_a_second_ends_within_timeout(self):
        with FaultServer("dribble", interval=1.0) as srv:
            res = self.aws(env=self.with_env(AWS_ENDPOINT_URL_STS=srv.url), timeout_flag="3")
        self.assert_failure(res, EXIT_TRANSIENT, secrets=self.secrets())
        self.assert_within(res, 3)


class TestTls(FaultCase):
    """An HTTPS STS whose certificate chains to a CA generated here, nowhere trusted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tls_dir = tempfile.mkdtemp(prefix="fedcred-tls-")
        cls.ca, cert, key = make_tls_material(cls.tls_dir)
        cls.tls_sts = fake_sts.FakeSTS(public_key_pem=cls.md.key.public_pem()).start()
        cls.https = TlsWrapped(cls.tls_sts, cert, key)

    @classmethod
    def tearDownClass(cls):
        cls.tls_sts.stop()
        shutil.rmtree(cls.tls_dir, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.tls_sts.reset()
        self.https.handshakes = 0
        self.env = self.with_env(AWS_ENDPOINT_URL_STS=self.https.url, AWS_CA_BUNDLE=None,
                                 CURL_CA_BUNDLE=None, SSL_CERT_FILE=None, SSL_CERT_DIR=None)

    def tls_secrets(self):
        return self.secrets() + [c["SecretAccessKey"] for c in self.tls_sts.stats()["issued"]]

    def test_self_signed_ca_refused_without_bundle(self):
        # Not transient: a certificate that does not verify will not verify on a retry, and
        # the message says which host and which CA bundle (issue 12, item 18).
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_BAD_RESPONSE,
                            mentions=["certificate", self.https.url[len("https://"):], "CA bundle"],
                            secrets=self.tls_secrets())
        self.assertEqual(self.tls_sts.stats()["assume_calls"], 0,
                         "no request may reach an unverified server")
        self.assertEqual(self.https.handshakes, 1, "a verification failure was retried")

    def test_self_signed_ca_accepted_with_aws_ca_bundle(self):
        res = self.aws(env=self.with_env(AWS_CA_BUNDLE=self.ca))
        doc = self.assert_credentials(res)
        self.assertEqual(doc["AccessKeyId"], self.tls_sts.stats()["issued"][0]["AccessKeyId"])

    def test_self_signed_ca_accepted_with_curl_ca_bundle(self):
        res = self.aws(env=self.with_env(CURL_CA_BUNDLE=self.ca))
        self.assert_credentials(res)

    def test_wrong_ca_bundle_refused(self):
        other = tempfile.mkdtemp(prefix="fedcred-tls-other-")
        self.addCleanup(shutil.rmtree, other, True)
        other_ca, _, _ = make_tls_material(other)
        res = self.aws(env=self.with_env(AWS_CA_BUNDLE=other_ca), timeout_flag="4")
        self.assert_failure(res, EXIT_BAD_RESPONSE, mentions=[other_ca], secrets=self.tls_secrets())
        self.assertEqual(self.tls_sts.stats()["assume_calls"], 0)
        self.assertEqual(self.https.handshakes, 1, "a verification failure was retried")


class TestBadResponses(FaultCase):
    def test_metadata_redirect_not_followed(self):
        target = gce_metadata.MetadataServer().start()
        self.addCleanup(target.stop)
        self.md.set_fault({"redirect": "http://%s/computeMetadata/v1/instance/service-accounts/"
                                       "default/identity?audience=x" % target.host})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, mentions=["302"])
        self.assertEqual(target.stats()["requests"], 0, "the redirect was followed")

    def test_sts_redirect_not_followed(self):
        srv = ScriptedHttpServer({("POST", "/"): (302, "", {"Location": self.sts.url + "/"})})
        srv.start()
        self.addCleanup(srv.stop)
        res = self.aws(env=self.with_env(AWS_ENDPOINT_URL_STS=srv.url), timeout_flag="4")
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assert_failure(res, EXIT_BAD_RESPONSE, mentions=["302"], secrets=self.secrets())
        self.assertEqual(self.sts.stats()["assume_calls"], 0, "the redirect was followed")

    def test_metadata_body_over_cap_rejected(self):
        self.md.set_fault({"oversize": True})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, mentions=["exceeds"], secrets=self.secrets())
        self.assertEqual(self.sts.stats()["assume_calls"], 0)

    def test_sts_body_over_cap_rejected(self):
        body = ("<AssumeRoleWithWebIdentityResponse><X>" + "A" * (2 * 1024 * 1024)
                + "</X></AssumeRoleWithWebIdentityResponse>")
        self.sts.set_fault({"body": body})
        res = self.aws(env=self.env, timeout_flag="5")
        self.assert_failure(res, EXIT_BAD_RESPONSE, mentions=["exceeds"], secrets=self.secrets())

    def test_metadata_truncated_body(self):
        token = self.md.make_token(AUDIENCE, True)
        resp = http_response(200, token[:40], {"Metadata-Flavor": "Google"},
                             content_length=len(token))
        with FaultServer("raw", response=resp) as srv:
            res = self.aws(env=self.with_env(GCE_METADATA_HOST=srv.host), timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, secrets=token_secrets(token))
        self.assert_within(res, 4)

    def test_sts_truncated_body_then_close(self):
        full = fake_sts.success_xml({"AccessKeyId": fake_sts.CANARY_ACCESS_KEY,
                                     "SecretAccessKey": fake_sts.CANARY_SECRET,
                                     "SessionToken": fake_sts.CANARY_SESSION_TOKEN,
                                     "Expiration": "2099-01-01T00:00:00Z"},
                                    "arn:aws:iam::123456789012:role/s3-reader", "s", "sub", "aud",
                                    "accounts.google.com")
        resp = http_response(200, full[:len(full) // 2], content_length=len(full))
        with FaultServer("raw", response=resp) as srv:
            res = self.aws(env=self.with_env(AWS_ENDPOINT_URL_STS=srv.url), timeout_flag="4")
        self.assertIn(res.returncode, (EXIT_TRANSIENT, EXIT_BAD_RESPONSE), res.describe())
        self.assert_failure(res, res.returncode, secrets=self.secrets())
        self.assert_within(res, 4)

    def test_sts_truncated_body_connection_kept_open(self):
        resp = http_response(200, "<AssumeRoleWithWebIdentityResponse>", content_length=5000)
        with FaultServer("raw", response=resp, keep_open=True) as srv:
            res = self.aws(env=self.with_env(AWS_ENDPOINT_URL_STS=srv.url), timeout_flag="3")
        self.assert_failure(res, EXIT_TRANSIENT, secrets=self.secrets())
        self.assert_within(res, 3)

    def test_sts_garbage_xml(self):
        for body in ("<<<not xml at all", "\x00\x01\x02", "{\"json\": \"instead\"}",
                     "<AssumeRoleWithWebIdentityResponse><Credentials>"):
            with self.subTest(body=body[:20]):
                self.sts.reset()
                self.sts.set_fault({"body": body})
                res = self.aws(env=self.env, timeout_flag="4")
                self.assert_failure(res, EXIT_BAD_RESPONSE, secrets=self.secrets())

    def test_sts_malformed_xml_with_canary_secrets(self):
        self.sts.set_fault({"malformed": True})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_BAD_RESPONSE, secrets=self.secrets())

    def test_sts_error_with_doctype_entity_bomb(self):
        body = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                '<ErrorResponse><Error><Code>&lol3;</Code></Error></ErrorResponse>')
        self.sts.set_fault({"body": body, "body_status": 400})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_BAD_RESPONSE, secrets=self.secrets())
        self.assertNotIn("lollol", res.stderr)

    def test_metadata_garbage_body(self):
        for body in ("{\"not\": \"a jwt\"}", "a.b", "<html>captive portal</html>"):
            with self.subTest(body=body):
                self.md.set_fault({"body": body})
                res = self.aws(env=self.env, timeout_flag="4")
                self.assert_failure(res, EXIT_SOURCE, mentions=["not a JWT"])

    def test_metadata_error_without_flavor_header(self):
        self.md.set_fault({"status": 403, "drop_header": True})
        res = self.aws(env=self.env, timeout_flag="4")
        self.assert_failure(res, EXIT_SOURCE, mentions=["Metadata-Flavor"],
                            secrets=self.secrets())

    def test_sts_expiration_in_past_is_error_and_not_cached(self):
        self.sts.set_fault({"expired": True, "times": 1})
        res = self.aws(env=self.env, no_cache=False)
        self.assert_failure(res, EXIT_BAD_RESPONSE, secrets=self.secrets())
        self.assertEqual(self.cache_files(), [], "expired credentials were cached")
        res2 = self.aws(env=self.env, no_cache=False)
        doc = self.assert_credentials(res2)
        self.assertEqual(self.sts.stats()["assume_calls"], 2, "the second call must fetch again")
        self.assertNotEqual(doc["AccessKeyId"], fake_sts.CANARY_ACCESS_KEY)

    def test_sts_unparseable_expiration(self):
        self.sts.set_fault({"expiration": "tomorrow-ish"})
        res = self.aws(env=self.env, no_cache=False)
        self.assert_failure(res, EXIT_BAD_RESPONSE, secrets=self.secrets())
        self.assertEqual(self.cache_files(), [])


class TestProxy(FaultCase):
    def test_dead_https_proxy_metadata_still_direct(self):
        dead = "http://127.0.0.1:%d" % refused_port(self)
        env = self.with_env(HTTPS_PROXY=dead, https_proxy=dead, NO_PROXY=None, no_proxy=None)
        res = self.aws(env=env)
        self.assert_credentials(res)
        records = [r for r in self.md.stats()["records"] if r["path"].startswith("/computeMeta")]
        self.assertTrue(records)
        self.assertFalse(any(r["proxied"] for r in records))

    def test_dead_proxy_for_every_scheme_token_command_still_direct(self):
        dead = "http://127.0.0.1:%d" % refused_port(self)
        env = self.with_env(HTTPS_PROXY=dead, https_proxy=dead, HTTP_PROXY=dead, http_proxy=dead,
                            ALL_PROXY=dead, all_proxy=dead, NO_PROXY=None, no_proxy=None)
        res = self.fedcred("token", "--timeout", "4", "--no-cache", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout.strip().count("."), 2)


    def test_plain_http_and_metadata_never_reach_a_proxy(self):
        # A plain-http STS override (loopback only) carries the ID token in clear text: a
        # proxy named in the environment must not receive it, nor any metadata request
        # (issue 12, item 3). The proxy records what it got, so a leak is seen, not inferred.
        proxy = recording_proxy.RecordingProxy().start()
        self.addCleanup(proxy.stop)
        env = self.with_env(HTTPS_PROXY=proxy.url, https_proxy=proxy.url, HTTP_PROXY=proxy.url,
                            http_proxy=proxy.url, ALL_PROXY=proxy.url, all_proxy=proxy.url,
                            NO_PROXY=None, no_proxy=None)
        self.assertTrue(self.env["AWS_ENDPOINT_URL_STS"].startswith("http://"))
        res = self.aws(env=env)
        self.assert_credentials(res)
        self.assertEqual(proxy.received(), [])
        self.assertEqual(self.sts.stats()["assume_calls"], 1)


class TestCoreDumpProtection(FaultCase):
    def test_no_core_file_while_a_token_is_fetched(self):
        # Observed from outside while the metadata server stalls: the run that is about to
        # hold an ID token already has RLIMIT_CORE 0 (issue 12, item 4; PR_SET_DUMPABLE is
        # checked in-process by tests/abi, /proc does not show it to root).
        self.md.set_fault({"hang": 4})

        def allow_cores():
            # start with cores allowed (the test runner's soft limit may already be 0)
            _, hard = resource.getrlimit(resource.RLIMIT_CORE)
            resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        proc = subprocess.Popen([fedcred_bin(), "token", "--timeout", "6", "--no-cache"],
                                env=self.env, stdin=subprocess.DEVNULL, preexec_fn=allow_cores,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)
        deadline = time.monotonic() + 3
        while self.md.stats()["identity_requests"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertGreater(self.md.stats()["identity_requests"], 0, "fedcred never asked")
        with open("/proc/%d/limits" % proc.pid) as f:
            core = [line for line in f if line.startswith("Max core file size")]
        self.assertEqual(len(core), 1)
        self.assertEqual(core[0].split()[4], "0", core[0])


class TestGcpModeFaults(AwsToGcpFixture, FedcredTestCase):
    """gcp mode (source aws): IMDS and STS GetWebIdentityToken misbehaving."""

    with_google = False  # fedcred gcp ends at the JWT

    def setUp(self):
        super().setUp()
        self.env = self.aws_source_env({"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": GCP_AUDIENCE})

    def gcp(self, env, timeout_flag="4"):
        return self.fedcred("gcp", "--timeout", timeout_flag, "--no-cache", env=env)

    def secrets(self):
        return self.aws_source_secrets()

    def check_failure(self, res, code):
        self.assertEqual(res.returncode, code, res.describe())
        doc = json.loads(res.stdout)
        self.assertIs(doc["success"], False)
        self.assert_no_secrets(res, self.secrets())

    def test_imds_garbage_json(self):
        role = "fedcred-ec2-role"
        base = "/latest/meta-data/iam/security-credentials/"
        for body in ("{not json", "[]", '{"Code":"Success","AccessKeyId":5}', "\x00" * 10):
            with self.subTest(body=body[:12]):
                srv = ScriptedHttpServer({
                    ("PUT", "/latest/api/token"): (200, "imds-session-token", {}),
                    ("GET", base): (200, role, {}),
                    ("GET", base + role): (200, body, {"Content-Type": "application/json"}),
                    ("GET", "/latest/meta-data/placement/region"):
                        (200, "us-east-1", {})}).start()
                try:
                    env = dict(self.env, AWS_EC2_METADATA_SERVICE_ENDPOINT=srv.url)
                    res = self.gcp(env)
                finally:
                    srv.stop()
                self.check_failure(res, EXIT_SOURCE)

    def test_imds_never_answers_ends_within_timeout(self):
        with FaultServer("blackhole") as srv:
            res = self.gcp(dict(self.env, AWS_EC2_METADATA_SERVICE_ENDPOINT=srv.url), "3")
        self.check_failure(res, EXIT_SOURCE)
        self.assertLessEqual(res.elapsed, 3 + SLACK, res.describe())

    def test_outbound_sts_garbage_xml(self):
        srv = ScriptedHttpServer({("POST", "/"): (200, "<GetWebIdentityTokenResponse><oops",
                                                  {"Content-Type": "text/xml"})}).start()
        self.addCleanup(srv.stop)
        res = self.gcp(dict(self.env, AWS_ENDPOINT_URL_STS=srv.url))
        self.assertIn(res.returncode, (EXIT_BAD_RESPONSE, EXIT_SOURCE), res.describe())
        self.check_failure(res, res.returncode)

    def test_outbound_sts_503_forever_within_deadline(self):
        self.outbound.set_fault({"status": 503})
        res = self.gcp(self.env, "4")
        self.assertIn(res.returncode, (EXIT_TRANSIENT, EXIT_SOURCE), res.describe())
        self.check_failure(res, res.returncode)
        self.assertLessEqual(res.elapsed, 4 + SLACK, res.describe())


# ---------------------------------------------------------------- cache under faults

NOBODY = 65534


def _as_user(uid, gid, fsize=None):
    def preexec():
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # EFBIG instead of death
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if uid is not None:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
    return preexec


def _can_switch_user():
    if os.geteuid() != 0:
        return False
    # the binary and its modules must be reachable by the other user
    try:
        proc = subprocess.run([fedcred_bin(), "version"], preexec_fn=_as_user(NOBODY, NOBODY),
                              capture_output=True, timeout=30)
        return proc.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


class TestCacheFaults(FaultCase):
    def run_cached(self, env=None, preexec=None, extra_args=()):
        argv = [fedcred_bin(), "aws", "--role-arn", "arn:aws:iam::123456789012:role/s3-reader",
                "--timeout", "5"] + list(extra_args)
        started = time.monotonic()
        proc = subprocess.run(argv, env=env or self.env, capture_output=True, timeout=60,
                              preexec_fn=preexec, stdin=subprocess.DEVNULL, cwd="/")
        from harness import Result
        return Result(argv, proc.returncode, proc.stdout.decode(errors="replace"),
                      proc.stderr.decode(errors="replace"), time.monotonic() - started)

    def test_full_cache_filesystem_still_returns_credentials(self):
        mounted = False
        target = os.path.join(self.sandbox.root, "tinyfs")
        os.makedirs(target)
        if os.geteuid() == 0:
            mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=0700",
                                      "tmpfs", target], capture_output=True).returncode == 0
        if mounted:
            self.addCleanup(subprocess.run, ["umount", "-l", target], capture_output=True)
            # fill it to the last block
            try:
                with open(os.path.join(target, "filler"), "wb") as f:
                    while True:
                        f.write(b"x" * 1024)
                        f.flush()
            except OSError:
                pass
            env = self.with_env(FEDCRED_CACHE_DIR=target)
            res = self.run_cached(env)
        else:
            # no mount permitted: a file size limit makes every cache write fail with EFBIG
            res = self.run_cached(preexec=_as_user(None, None, fsize=64))
        doc = self.assert_credentials(res)
        self.assertTrue(doc["SecretAccessKey"])
        # and the next call fetches again rather than serving a partial entry
        res2 = self.run_cached(env if mounted else None,
                               preexec=None if mounted else _as_user(None, None, fsize=64))
        self.assert_credentials(res2)
        self.assertEqual(self.sts.stats()["assume_calls"], 2)
        if mounted:
            left = [f for f in os.listdir(target) if f != "filler"]
            for name in left:
                path = os.path.join(target, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        data = f.read()
                    self.assertFalse(name.endswith(".json") and data and not data.rstrip()
                                     .endswith(b"}"), "a partial entry was left: %s" % name)

    def test_read_only_cache_dir_still_returns_credentials(self):
        if os.geteuid() == 0:
            if not _can_switch_user():
                self.skipTest("cannot run the binary as uid %d" % NOBODY)
            base = tempfile.mkdtemp(prefix="fedcred-ro-")
            self.addCleanup(shutil.rmtree, base, True)
            os.chmod(base, 0o755)
            cache = os.path.join(base, "cache")
            os.mkdir(cache, 0o500)
            os.chown(cache, NOBODY, NOBODY)
            env = self.with_env(FEDCRED_CACHE_DIR=cache, HOME=base, XDG_RUNTIME_DIR=None,
                                XDG_CACHE_HOME=None, FEDCRED_CONFIG="/dev/null",
                                TMPDIR=base)
            preexec = _as_user(NOBODY, NOBODY)
        else:
            cache = self.sandbox.cache_dir
            os.chmod(cache, 0o500)
            self.addCleanup(os.chmod, cache, 0o700)
            env, preexec = self.env, None
        for _ in range(2):
            res = self.run_cached(env, preexec)
            self.assert_credentials(res)
        self.assertEqual(os.listdir(cache), [])
        self.assertEqual(self.sts.stats()["assume_calls"], 2)

    def test_torn_entries_are_misses_never_served(self):
        res = self.run_cached()
        first = self.assert_credentials(res)
        files = self.cache_files()
        self.assertEqual(len(files), 1, files)
        path = os.path.join(self.sandbox.cache_dir, files[0])
        with open(path, "rb") as f:
            whole = f.read()
        calls = 1
        # Cuts inside the document, measured on the entry as it is now: each refetch writes a
        # new entry whose length may differ (the jitter and the expiry have their own digits).
        cuts = (lambda n: 0, lambda n: 1, lambda n: n // 3, lambda n: n // 2, lambda n: n - 2,
                lambda n: n - 1)
        for i, cut_at in enumerate(cuts):
            with self.subTest(cut=i):
                end = len(whole.rstrip())   # trailing whitespace is not part of the document
                cut = cut_at(end)
                fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
                os.write(fd, whole[:cut])
                os.close(fd)
                res = self.run_cached()
                doc = self.assert_credentials(res)
                calls += 1
                self.assertEqual(self.sts.stats()["assume_calls"], calls,
                                 "a torn entry (%d of %d bytes) was served" % (cut, len(whole)))
                self.assertNotEqual(doc["SessionToken"], first["SessionToken"])
                with open(path, "rb") as f:
                    whole = f.read()
                first = doc

    def test_sigkill_during_writes_never_leaves_a_served_corrupt_entry(self):
        # slow STS answers spread the kills over fetch, write and rename
        self.sts.set_fault({"hang": 0.05})
        argv = [fedcred_bin(), "aws", "--role-arn", "arn:aws:iam::123456789012:role/s3-reader",
                "--timeout", "5"]
        delays = [0.01 * i for i in range(1, 40)]
        for delay in delays:
            proc = subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            # every file that has an entry's name must be a complete document
            for name in glob.glob(os.path.join(self.sandbox.cache_dir, "*")):
                base = os.path.basename(name)
                if base.startswith(".") or "tmp" in base or os.path.isdir(name):
                    continue
                with open(name, "rb") as f:
                    data = f.read()
                if base.endswith(".lock") or not data:
                    continue
                try:
                    json.loads(data)
                except ValueError:
                    self.fail("a corrupt cache entry %s after SIGKILL at %.2fs: %r"
                              % (base, delay, data[:80]))
            self.sts.reset()
            self.sts.set_fault({"hang": 0.05})
        self.sts.set_fault({})
        res = self.run_cached()
        self.assert_credentials(res)

    def test_two_users_never_read_each_others_entries(self):
        if not _can_switch_user():
            self.skipTest("needs root and a binary uid %d can run" % NOBODY)
        base = tempfile.mkdtemp(prefix="fedcred-users-")
        self.addCleanup(shutil.rmtree, base, True)
        os.chmod(base, 0o755)
        homes = {}
        for who, uid in (("root", 0), ("nobody", NOBODY)):
            home = os.path.join(base, who)
            os.mkdir(home, 0o700)
            run = os.path.join(home, "run")
            os.mkdir(run, 0o700)
            os.chown(home, uid, uid)
            os.chown(run, uid, uid)
            homes[who] = (home, run)

        def env_for(who):
            home, run = homes[who]
            return self.with_env(HOME=home, XDG_RUNTIME_DIR=run, XDG_CACHE_HOME=None,
                                 FEDCRED_CACHE_DIR=None, FEDCRED_CONFIG="/dev/null",
                                 TMPDIR=home, USER=who)

        nobody = _as_user(NOBODY, NOBODY)
        root_doc = self.assert_credentials(self.run_cached(env_for("root")))
        nobody_doc = self.assert_credentials(self.run_cached(env_for("nobody"), nobody))
        self.assertEqual(self.sts.stats()["assume_calls"], 2, "each user fetches their own")
        self.assertNotEqual(root_doc["SessionToken"], nobody_doc["SessionToken"])
        # each is served from its own cache afterwards
        self.assertEqual(self.assert_credentials(self.run_cached(env_for("root")))
                         ["SessionToken"], root_doc["SessionToken"])
        self.assertEqual(self.assert_credentials(self.run_cached(env_for("nobody"), nobody))
                         ["SessionToken"], nobody_doc["SessionToken"])
        self.assertEqual(self.sts.stats()["assume_calls"], 2)
        root_dirs = glob.glob(os.path.join(homes["root"][1], "*"))
        nobody_dirs = glob.glob(os.path.join(homes["nobody"][1], "*"))
        self.assertTrue(root_dirs and nobody_dirs, (root_dirs, nobody_dirs))
        for d in nobody_dirs + glob.glob(os.path.join(homes["nobody"][1], "*", "*")):
            self.assertEqual(os.lstat(d).st_uid, NOBODY, d)
        # pointed at the other user's cache directory, fedcred refuses it (runs uncached)
        # and never prints the other user's credentials
        root_cache = root_dirs[0]
        os.chmod(homes["root"][0], 0o755)   # even when the path is traversable
        os.chmod(homes["root"][1], 0o755)
        env = dict(env_for("nobody"), FEDCRED_CACHE_DIR=root_cache)
        res = self.run_cached(env, nobody)
        doc = self.assert_credentials(res)
        self.assertNotEqual(doc["SessionToken"], root_doc["SessionToken"])
        self.assertNotIn(root_doc["SessionToken"], res.stderr)
        nobody_cache = nobody_dirs[0]
        env = dict(env_for("root"), FEDCRED_CACHE_DIR=nobody_cache)
        res = self.run_cached(env)
        doc = self.assert_credentials(res)
        self.assertNotEqual(doc["SessionToken"], nobody_doc["SessionToken"],
                            "root was served another user's cache entry")


if __name__ == "__main__":
    unittest.main()
