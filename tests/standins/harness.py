"""Shared helpers for fedcred's integration and e2e tests.

- fedcred_bin(): the binary under test (env FEDCRED_BIN, else <repo>/build/helper/fedcred).
- Sandbox: a temp HOME/XDG/cache/config tree and a scrubbed environment (no AWS_* credentials,
  no proxies, no real config) for running the binary.
- MotoServer: moto_server on a free loopback port, started and stopped by the test.
- FedcredTestCase: unittest base class with run/assert helpers (exit code, empty stdout,
  stderr naming what failed, no secret anywhere in the output).
- StandinFixture: mixin starting loopback stand-ins once per class, resetting them per test;
  GceStsFixture: the usual pair, the GCE metadata stand-in and a fake STS trusting it.
"""

import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

import fake_google_sts  # noqa: E402
import fake_imds  # noqa: E402
import fake_sts  # noqa: E402
import fake_sts_outbound  # noqa: E402
import gce_metadata  # noqa: E402

ROLE_ARN = "arn:aws:iam::123456789012:role/s3-reader"
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)

# Exit codes of `fedcred aws` (README, "Exit codes").
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_SOURCE, EXIT_DENIED, EXIT_TRANSIENT, EXIT_BAD_RESPONSE, \
    EXIT_IO = range(8)

# What a run may take beyond its --timeout before a deadline test calls it an overrun: process
# start-up and scheduling on a loaded machine. One knob for every such test (.ci/sanitizers
# raises it for the slower sanitized builds).
DEADLINE_SLACK = float(os.environ.get("FEDCRED_TEST_DEADLINE_SLACK", "1.5"))

# Variables passed through from the test runner's environment (sanitizers, module overrides).
PASS_THROUGH = ("PATH", "LD_LIBRARY_PATH", "FEDCRED_MODULE_DIR", "ASAN_OPTIONS", "UBSAN_OPTIONS",
                "LSAN_OPTIONS", "MSAN_OPTIONS", "MALLOC_PERTURB_", "SYSTEMROOT")


def fedcred_bin():
    path = os.environ.get("FEDCRED_BIN") or os.path.join(REPO, "build", "helper", "fedcred")
    return os.path.abspath(path)


def free_port():
    """A loopback TCP port that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused_port(test):
    """A loopback port where connections are refused until `test` ends: bound, never
    listening, held open. free_port() releases its port at once, and the kernel's port-0
    allocator may hand it to a stand-in of a test running in parallel, which would then
    answer the connection this test expects to be refused."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    test.addCleanup(s.close)
    return s.getsockname()[1]


def wait_http(url, timeout=30.0, headers=None):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(req, timeout=2) as resp:
                resp.read()
                return True
        except urllib.error.HTTPError:
            return True  # it answers
        except OSError as exc:
            last = exc
            time.sleep(0.1)
    raise RuntimeError("%s did not answer within %.0fs: %s" % (url, timeout, last))


class Result:
    def __init__(self, args, returncode, stdout, stderr, elapsed):
        self.args, self.returncode, self.stdout, self.stderr, self.elapsed = \
            args, returncode, stdout, stderr, elapsed

    def describe(self):
        return ("command: %s\nexit: %s (%.2fs)\nstdout: %r\nstderr: %r"
                % (" ".join(self.args), self.returncode, self.elapsed, self.stdout[:2000],
                   self.stderr[:2000]))


class SyslogCollector:
    """A datagram socket standing in for /dev/log; collects what arrives."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)  # like /dev/log: a test may run fedcred as another user
        self.sock.settimeout(0.05)
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


class Sandbox:
    """A private HOME / XDG tree, config file and cache dir, and a scrubbed environment.
    The audit trail goes to `syslog`, a collector on a socket of its own (FEDCRED_SYSLOG_SOCKET,
    honoured by a -Dtest_hooks build): this machine may have no /dev/log, and fedcred falls back
    to stderr when it cannot reach syslog."""

    def __init__(self, prefix="fedcred-test-"):
        self.root = tempfile.mkdtemp(prefix=prefix)
        self.syslog = SyslogCollector(os.path.join(self.root, "audit-sink.sock"))
        self.home = self._dir("home")
        self.xdg_config = self._dir("xdg-config")   # not ~/.config: defaults stay distinguishable
        self.xdg_cache = self._dir("xdg-cache")
        self.runtime = self._dir("run")
        self.cache_dir = self._dir("cache")
        self.config_path = os.path.join(self.root, "fedcred.conf")
        with open(self.config_path, "w"):
            pass
        self.aws_dir = self._dir("home/.aws")
        self.aws_credentials = os.path.join(self.aws_dir, "credentials")
        with open(self.aws_credentials, "w"):
            pass
        self.aws_config = os.path.join(self.aws_dir, "config")

    def _dir(self, rel):
        path = os.path.join(self.root, rel)
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
        return path

    def write_config(self, text, path=None):
        path = path or self.config_path
        with open(path, "w") as f:
            f.write(text)
        return path

    def env(self, metadata_host=None, sts_url=None, extra=None):
        env = {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        env.update({
            "HOME": self.home, "USER": "fedcred-test", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "TMPDIR": self.root,
            "XDG_CONFIG_HOME": self.xdg_config, "XDG_CACHE_HOME": self.xdg_cache,
            "XDG_RUNTIME_DIR": self.runtime,
            "FEDCRED_CONFIG": self.config_path, "FEDCRED_CACHE_DIR": self.cache_dir,
            # nothing real can leak in: empty credentials file, private AWS config, no IMDS
            "AWS_SHARED_CREDENTIALS_FILE": self.aws_credentials,
            "AWS_CONFIG_FILE": self.aws_config,
            "AWS_EC2_METADATA_DISABLED": "true",
            "FEDCRED_SYSLOG_SOCKET": self.syslog.path,
        })
        if metadata_host is not None:
            env["GCE_METADATA_HOST"] = metadata_host
        if sts_url is not None:
            env["AWS_ENDPOINT_URL_STS"] = sts_url
        for key, value in (extra or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(self, args, env, timeout=60, cwd=None, uid=None):
        """Runs args; as uid:uid without supplementary groups when `uid` is given (from root:
        root's permission bypass gone), then from / (the sandbox root is private)."""
        def drop():
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        started = time.monotonic()
        proc = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, cwd=cwd or ("/" if uid is not None else self.root),
                              preexec_fn=drop if uid is not None else None)
        return Result([str(a) for a in args], proc.returncode,
                      proc.stdout.decode("utf-8", "replace"),
                      proc.stderr.decode("utf-8", "replace"), time.monotonic() - started)

    def cleanup(self):
        self.syslog.close()
        shutil.rmtree(self.root, ignore_errors=True)


class MotoServer:
    """moto_server on 127.0.0.1:<free port>, for the STS happy path and S3."""

    def __init__(self):
        self.port = None
        self.proc = None
        self.log = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, attempts=3):
        last = None
        for _ in range(attempts):
            self.port = free_port()
            self.log = tempfile.TemporaryFile()
            cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
            env = dict(os.environ)
            for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"):
                env.pop(key, None)
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log,
                                         stderr=subprocess.STDOUT, env=env)
            try:
                wait_http(self.url + "/moto-api/", timeout=30)
                if self.proc.poll() is None:
                    return self
            except RuntimeError as exc:
                last = exc
            self.stop()
        raise RuntimeError("moto_server did not start: %s" % last)

    def reset(self):
        req = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def boto3_session(self, **creds):
        import boto3
        return boto3.Session(aws_access_key_id=creds.get("key", "testing"),
                             aws_secret_access_key=creds.get("secret", "testing"),
                             aws_session_token=creds.get("token"),
                             region_name="us-east-1")


# Static AWS keys that must never appear in any output (the no-secret sweeps).
STATIC_CANARY = {"AWS_ACCESS_KEY_ID": "AKIAFAKESTATICCANARY",
                 "AWS_SECRET_ACCESS_KEY": "CanaryStaticSecretKey/" + "w" * 18,
                 "AWS_SESSION_TOKEN": "CanaryStaticSessionToken" + "V" * 100}


def token_secrets(token):
    """The parts of a JWT that must never be printed: the whole, its claims, its signature."""
    if not token:
        return []
    parts = token.split(".")
    out = [token]
    if len(parts) == 3:
        out += [parts[1], parts[2]]
    return [p for p in out if len(p) >= 16]


class FedcredTestCase(unittest.TestCase):
    """Base class: a fresh Sandbox per test, helpers to run fedcred and check its output."""

    maxDiff = None
    default_timeout_flag = "5"

    def setUp(self):
        self.assertTrue(os.access(fedcred_bin(), os.X_OK),
                        "fedcred binary not found or not executable: %s (set FEDCRED_BIN)"
                        % fedcred_bin())
        self.sandbox = Sandbox()
        self.addCleanup(self.sandbox.cleanup)

    # ----- running -----
    def fedcred(self, *args, env=None, timeout=60, uid=None):
        return self.sandbox.run([fedcred_bin()] + [str(a) for a in args], env=env,
                                timeout=timeout, uid=uid)

    def aws(self, *args, role_arn=ROLE_ARN, timeout_flag=None, env=None, timeout=60,
            no_cache=True):
        """`fedcred aws [--role-arn ROLE] [--timeout T] [--no-cache] ARGS...`."""
        argv = ["aws"]
        if role_arn:
            argv += ["--role-arn", role_arn]
        argv += ["--timeout", timeout_flag or self.default_timeout_flag]
        if no_cache:
            argv.append("--no-cache")
        argv += list(args)
        return self.fedcred(*argv, env=env, timeout=timeout)

    # ----- checking -----
    def assert_no_secrets(self, res, secrets):
        text = res.stdout + "\n" + res.stderr
        for secret in secrets:
            if secret and secret in text:
                self.fail("a secret (%s...) appears in fedcred's output\n%s"
                          % (secret[:8], res.describe()))

    def assert_failure(self, res, code, mentions=(), secrets=(), mentions_any=()):
        """Exit code `code`, nothing on stdout, stderr starting with "fedcred: " and containing
        every string in `mentions` (case-insensitive) and at least one of `mentions_any`,
        and none of `secrets` anywhere."""
        self.assertEqual(res.returncode, code, "wrong exit code\n" + res.describe())
        self.assertEqual(res.stdout, "", "stdout must stay empty on failure\n" + res.describe())
        self.assertTrue(res.stderr.strip(), "stderr must explain the failure\n" + res.describe())
        self.assertIn("fedcred: ", res.stderr, "errors start with 'fedcred: '\n" + res.describe())
        lower = res.stderr.lower()
        for word in mentions:
            self.assertIn(str(word).lower(), lower,
                          "stderr should name %r\n%s" % (word, res.describe()))
        if mentions_any:
            self.assertTrue(any(str(w).lower() in lower for w in mentions_any),
                            "stderr should name one of %r\n%s" % (list(mentions_any),
                                                                  res.describe()))
        self.assert_no_secrets(res, secrets)

    def assert_credentials(self, res, secrets_ok=()):
        """Exit 0 and stdout = one credential_process JSON document. Returns it."""
        self.assertEqual(res.returncode, 0, "fedcred failed\n" + res.describe())
        text = res.stdout
        self.assertTrue(text.strip(), "no output\n" + res.describe())
        try:
            doc = json.loads(text)  # the whole of stdout: one document, nothing else
        except ValueError as exc:
            self.fail("stdout is not exactly one JSON document (%s)\n%s" % (exc, res.describe()))
        self.assertIsInstance(doc, dict)
        self.assertIs(type(doc.get("Version")), int, "Version must be the JSON number 1")
        self.assertEqual(doc["Version"], 1)
        for key in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
            self.assertIsInstance(doc.get(key), str, "missing %s\n%s" % (key, res.describe()))
            self.assertTrue(doc[key], "empty %s" % key)
        extra = set(doc) - {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken",
                            "Expiration", "AccountId"}
        self.assertFalse(extra, "unexpected keys in the JSON: %s" % sorted(extra))
        self.assertRegex(doc["Expiration"], RFC3339_Z)
        expiry = parse_rfc3339(doc["Expiration"])
        self.assertGreater(expiry, datetime.datetime.now(datetime.timezone.utc),
                           "Expiration is in the past")
        # secrets travel on stdout only
        for value in (doc["SecretAccessKey"], doc["SessionToken"]):
            self.assertNotIn(value, res.stderr, "a secret appears on stderr")
        return doc


def parse_rfc3339(text):
    text = text[:-1] + "+00:00" if text.endswith("Z") else text
    if "." in text:
        head, tail = text.split(".", 1)
        frac, zone = tail[:tail.index("+")], tail[tail.index("+"):]
        text = head + "." + (frac + "000000")[:6] + zone
    return datetime.datetime.fromisoformat(text)


def gce_trust_policy(md, audience="sts.amazonaws.com"):
    """The trust policy the IAM docs recommend for the metadata stand-in's service account:
    aud (azp) and sub are its id, oaud the requested audience."""
    sa_id = md.identity["sa_id"]
    return {"accounts.google.com:aud": sa_id, "accounts.google.com:oaud": audience,
            "accounts.google.com:sub": sa_id}


class StandinFixture:
    """Mixin for a TestCase: stand-ins started once per class, reset before every test.

    A class starts them in the classmethod start_standins() with add_standin(); they are
    stopped after the class, the last started first. Subclasses of FedcredTestCase then build
    self.env in setUp (after super().setUp())."""

    @classmethod
    def add_standin(cls, name, server, reset=True):
        """Starts `server`, keeps it as cls.<name>, resets it before each test if `reset`."""
        setattr(cls, name, server.start())
        cls._standins.append((server, reset))
        return server

    @classmethod
    def start_standins(cls):
        pass

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standins = []
        cls.start_standins()

    @classmethod
    def tearDownClass(cls):
        for server, _ in reversed(cls._standins):
            server.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        for server, reset in self._standins:
            if reset:
                server.reset()

    def with_env(self, **changes):
        """self.env with `changes` (None removes a variable)."""
        env = dict(self.env)
        for key, value in changes.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env


class GceStsFixture(StandinFixture):
    """cls.md, the GCE metadata stand-in (MetadataServer(**md_options): flavor "gke" or
    "cloudrun" plays those servers), and cls.sts, a FakeSTS verifying md's tokens (with
    gce_trust_policy() when sts_trust; none at all unless sts_verifies; no STS unless with_sts).
    self.env runs fedcred against them, plus env_extra."""

    md_options = {}
    with_sts = True
    sts_verifies = True
    sts_trust = False
    env_extra = None

    @classmethod
    def start_standins(cls):
        cls.add_standin("md", gce_metadata.MetadataServer(**cls.md_options))
        if cls.with_sts:
            cls.add_standin("sts", fake_sts.FakeSTS(
                public_key_pem=cls.md.key.public_pem() if cls.sts_verifies else None,
                trust=gce_trust_policy(cls.md) if cls.sts_trust else None))

    def setUp(self):
        super().setUp()
        self.env = self.sandbox.env(metadata_host=self.md.host,
                                    sts_url=self.sts.url if self.with_sts else None,
                                    extra=self.env_extra)

    def issued_secrets(self):
        """Every JWT the metadata stand-in issued (and its parts), every secret key and
        session token STS issued."""
        out = []
        for token in self.md.stats()["issued"]:
            out += token_secrets(token)
        if self.with_sts:
            for creds in self.sts.stats()["issued"]:
                out += [creds["SecretAccessKey"], creds["SessionToken"]]
        return out

    def secrets(self):
        """issued_secrets() and the canaries the fake STS plants in broken answers."""
        return [fake_sts.CANARY_SECRET, fake_sts.CANARY_SESSION_TOKEN] + self.issued_secrets()


class AwsToGcpFixture(StandinFixture):
    """The stand-ins of source aws (AWS -> GCP): cls.imds, IMDSv2 with an instance role;
    cls.outbound, STS GetWebIdentityToken verifying SigV4 with the role's keys and
    cls.extra_keys ({access key id: (secret, session token)}); with with_google, cls.google,
    Google STS / IAM Credentials verifying the JWTs against cls.outbound's JWKS.
    aws_source_env() runs fedcred's source aws against them."""

    extra_keys = {}
    with_google = True

    @classmethod
    def start_standins(cls):
        cls.add_standin("imds", fake_imds.ImdsServer())
        creds = cls.imds.credentials
        keys = {creds["AccessKeyId"]: (creds["SecretAccessKey"], creds["Token"])}
        keys.update(cls.extra_keys)
        cls.add_standin("outbound", fake_sts_outbound.FakeOutboundSTS(credentials=keys))
        if cls.with_google:
            cls.add_standin("google", fake_google_sts.GoogleSts(
                jwks_url=cls.outbound.url + "/.well-known/jwks.json"))

    def aws_source_env(self, extra=None):
        """A sandbox environment whose IMDS and STS are the stand-ins, plus `extra`."""
        changes = {"AWS_EC2_METADATA_DISABLED": None,
                   "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url}
        changes.update(extra or {})
        return self.sandbox.env(sts_url=self.outbound.url, extra=changes)

    def aws_source_secrets(self):
        """The role's secret key and session token, the IMDS session tokens and every JWT
        (and its parts) the outbound STS issued."""
        imds = self.imds.stats()
        out = [imds["credentials"]["SecretAccessKey"], imds["credentials"]["Token"]]
        out += list(imds["tokens"])
        for token in self.outbound.stats()["issued"]:
            out += token_secrets(token if isinstance(token, str) else token.get("token", ""))
        return out
