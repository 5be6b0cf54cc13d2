"""Helpers shared by the cache integration tests (test_cache.py, test_cache_concurrency.py).

Not a test file of its own (it defines no test methods); it builds on tests/standins/harness.py
and adds what the cache tests need on top: the two stand-ins per test class, counters, the
cache entry / lock file of a request, a process holding a lock, running fedcred as another uid,
and "no secret anywhere but stdout" checks.
"""

import datetime
import json
import os
import signal
import struct
import subprocess
import sys
import time


from harness import ROLE_ARN, FedcredTestCase, GceStsFixture, Result, fedcred_bin  # noqa: E402

NOBODY = 65534
# Shared objects that only the network modules bring in (docs/DESIGN.md "Why the modules").
NETWORK_LIBRARIES = ("libcurl", "libssl", "libcrypto", "libexpat")
NETWORK_MODULES = ("fedcred-gce.so", "fedcred-sts.so")


def rfc3339_in(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def loaded_objects(ld_debug_stderr):
    """The objects named by `LD_DEBUG=files` lines ("file=NAME [0];  needed by / dynamically
    loaded by ..."), in load order."""
    out = []
    for line in ld_debug_stderr.splitlines():
        _, sep, rest = line.partition("file=")
        if sep and ("needed by" in rest or "dynamically loaded by" in rest):
            name = rest.split(" [", 1)[0].strip()
            if name not in out:
                out.append(name)
    return out


PT_INTERP, PT_DYNAMIC, DT_NEEDED = 3, 2, 1


def elf_dynamic_needs(path):
    """(has a PT_INTERP, the DT_NEEDED count) of a 64-bit little-endian ELF file: (False, 0)
    is a program that runs no ld.so and maps no shared object (static, or static-pie)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise AssertionError("%s is not a 64-bit little-endian ELF file" % path)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    interp, needed = False, 0
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == PT_INTERP:
            interp = True
        elif p_type == PT_DYNAMIC:
            for off in range(p_offset, p_offset + p_filesz, 16):
                tag, _ = struct.unpack_from("<qQ", data, off)
                if tag == 0:
                    break
                needed += tag == DT_NEEDED
    return interp, needed


def static_front():
    """Whether the fedcred under test is the static front (meson option static_front): the
    build says so in FEDCRED_STATIC_FRONT (tests/integration/meson.build); run by hand, the
    binary's ELF headers do."""
    said = os.environ.get("FEDCRED_STATIC_FRONT")
    if said in ("0", "1"):
        return said == "1"
    return elf_dynamic_needs(fedcred_bin()) == (False, 0)


def hit_objects(test, ld_debug_stderr):
    """The objects a cache hit run with LD_DEBUG=files loaded, once the output is checked to be
    what the build gives: nothing at all from the static front (no ld.so runs: issue 15), and
    libc among them from the dynamic helper (which shows the output was understood)."""
    objects = loaded_objects(ld_debug_stderr)
    if static_front():
        test.assertEqual(objects, [], "the static front's hit loaded shared objects:\n" + ld_debug_stderr[:3000])
        test.assertNotIn("file=", ld_debug_stderr, "ld.so ran on the static front's hit")
    else:
        test.assertTrue(any("libc.so" in o for o in objects),
                        "LD_DEBUG=files output not understood:\n" + ld_debug_stderr[:3000])
    return objects


class LockHolder:
    """A separate python process holding flock(LOCK_EX) on `path` until it is killed."""

    SCRIPT = ("import fcntl, os, sys, time\n"
              "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)\n"
              "fcntl.flock(fd, fcntl.LOCK_EX)\n"
              "sys.stdout.write('locked\\n'); sys.stdout.flush()\n"
              "time.sleep(3600)\n")

    def __init__(self, path):
        self.proc = subprocess.Popen([sys.executable, "-c", self.SCRIPT, path],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if line.strip() != b"locked":
            self.kill()
            raise RuntimeError("lock holder did not lock %s: %r %r"
                               % (path, line, self.proc.stderr.read()))

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()


class CacheTestCase(GceStsFixture, FedcredTestCase):
    """One metadata stand-in (RS256 tokens) and one fake STS (verifying them) per class; a fresh
    sandbox (own FEDCRED_CACHE_DIR) and reset counters per test."""

    # ----- running -----
    def cached(self, *args, env=None, timeout_flag=None, role_arn=ROLE_ARN):
        """`fedcred aws --role-arn ROLE --timeout T ARGS` with the cache on."""
        return self.aws(*args, env=env or self.env, no_cache=False, timeout_flag=timeout_flag,
                        role_arn=role_arn)

    def aws_argv(self, *args, timeout_flag="15", role_arn=ROLE_ARN):
        argv = [fedcred_bin(), "aws"]
        if role_arn:
            argv += ["--role-arn", role_arn]
        return argv + ["--timeout", str(timeout_flag)] + list(args)

    def popen(self, argv, env=None, **kw):
        return subprocess.Popen(argv, env=env or self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=self.sandbox.root, **kw)

    def finish(self, proc, argv, started, timeout=60):
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail("fedcred did not finish within %ss: %r" % (timeout, err[-2000:]))
        return Result([str(a) for a in argv], proc.returncode, out.decode("utf-8", "replace"),
                      err.decode("utf-8", "replace"), time.monotonic() - started)

    def run_as(self, uid, argv, env=None, timeout=60):
        """Runs argv as uid:uid with no supplementary groups (root's DAC bypass gone)."""
        def drop():
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        started = time.monotonic()
        proc = subprocess.Popen(argv, env=env or self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/",
                                preexec_fn=drop)
        return self.finish(proc, argv, started, timeout=timeout)

    def cache_list(self, env=None):
        res = self.fedcred("cache", "list", env=env or self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stderr, "", res.describe())
        return json.loads(res.stdout), res

    def cache_clear(self, *args, env=None):
        res = self.fedcred("cache", "clear", *args, env=env or self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        return json.loads(res.stdout), res

    # ----- counters and files -----
    def calls(self):
        return self.sts.stats()["assume_calls"]

    def identity_requests(self):
        return self.md.stats()["identity_requests"]

    def cache_files(self, root=None):
        out = []
        for dirpath, _dirs, files in os.walk(root or self.sandbox.cache_dir):
            out += [os.path.join(dirpath, f) for f in files]
        return sorted(out)

    def entry_files(self, root=None):
        return [p for p in self.cache_files(root) if p.endswith(".json")]

    def only_entry(self, root=None):
        entries = self.entry_files(root)
        self.assertEqual(len(entries), 1, "expected one cache entry, found %s" % entries)
        return entries[0]

    def lock_path_of(self, entry_path):
        self.assertTrue(entry_path.endswith(".json"), entry_path)
        return entry_path[:-len(".json")] + ".lock"

    # ----- secrets -----
    def assert_stderr_clean(self, res):
        """No secret on stderr (stdout legitimately carries the credentials)."""
        for secret in self.secrets():
            if secret in res.stderr:
                self.fail("a secret (%s...) appears on stderr\n%s" % (secret[:8], res.describe()))

    def assert_text_clean(self, text, what):
        for secret in self.secrets():
            self.assertNotIn(secret, text, "a secret (%s...) appears in %s" % (secret[:8], what))
