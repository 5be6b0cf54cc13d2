"""The static front (issue 15, docs/ARCHITECTURE.md "The static front"): `fedcred` is a
statically linked program that serves cache hits itself and execs the dynamic fetcher
(LIBEXECDIR/fedcred/fedcred-fetch) for a miss and every other command, before it takes the
cache lock, handing over the run's start so that --timeout stays one deadline.

Every other integration suite runs its misses through the front; this one checks the front
itself: no ld.so and no shared object on a hit, what a miss does before the exec, and a
clear failure when the fetcher is missing. Skipped in builds without the front (sanitizers).
"""

import os
import re
import shutil
import socket
import subprocess
import time
import unittest

from test_cache_support import CacheTestCase, elf_dynamic_needs, hit_objects, static_front  # noqa: E402
from harness import EXIT_INTERNAL, EXIT_SOURCE, EXIT_TRANSIENT, fedcred_bin  # noqa: E402

FETCHER = os.environ.get("FEDCRED_FETCHER_BIN") or os.path.join(os.path.dirname(fedcred_bin()), "fedcred-fetch")
SHARED_OBJECT = re.compile(r'"[^"]*(\.so(\.[0-9]+)*|/gconv/[^"]*)"')


def strace_lines(test, argv, env, *calls):
    """Runs argv under `strace -f -e trace=CALLS`; returns (Result-like, strace lines)."""
    if shutil.which("strace") is None:
        test.skipTest("strace is not installed")
    log = os.path.join(test.sandbox.root, "strace.log")
    res = test.sandbox.run(["strace", "-f", "-qq", "-o", log, "-e", "trace=" + ",".join(calls)] + argv,
                           env=env)
    with open(log) as f:
        lines = f.read().splitlines()
    if not any("execve(" in line for line in lines):
        test.skipTest("strace cannot trace here: " + res.stderr[:300])
    return res, lines


@unittest.skipUnless(static_front(), "built without the static front (meson option static_front)")
class TestStaticFront(CacheTestCase):
    def test_the_front_runs_no_ld_so_and_the_fetcher_is_dynamic(self):
        self.assertEqual(elf_dynamic_needs(fedcred_bin()), (False, 0),
                         "fedcred has a PT_INTERP or DT_NEEDED entries")
        interp, needed = elf_dynamic_needs(FETCHER)
        self.assertTrue(interp and needed >= 1, "the fetcher %s should be a dynamic program" % FETCHER)

    def test_a_hit_runs_no_dynamic_object_and_opens_no_shared_object(self):
        self.assert_credentials(self.cached())
        # LD_DEBUG=files: nothing at all, since no ld.so runs (hit_objects checks it)
        hit = self.cached(env=dict(self.env, LD_DEBUG="files"))
        self.assert_credentials(hit)
        hit_objects(self, hit.stderr)
        # static glibc's own dlopen (gconv, NSS) honours no LD_DEBUG: strace sees every open
        res, lines = strace_lines(self, self.aws_argv(), self.env, "openat,open,execve")
        self.assert_credentials(res)
        self.assertEqual(self.calls(), 1, "the runs after the first must be hits")
        self.assertEqual(len([line for line in lines if "execve(" in line]), 1,
                         "a hit must exec nothing:\n" + "\n".join(lines))
        opened = [line for line in lines if SHARED_OBJECT.search(line)]
        self.assertEqual(opened, [], "the hit opened shared objects")

    def test_a_miss_execs_the_fetcher_before_the_lock_and_before_any_shared_object(self):
        res, lines = strace_lines(self, self.aws_argv("-v"), self.env, "openat,open,execve,flock")
        self.assert_credentials(res)
        self.assertEqual(self.calls(), 1)
        execs = [i for i, line in enumerate(lines) if "execve(" in line and "= 0" in line]
        self.assertEqual(len(execs), 2, "front, then fetcher:\n" + "\n".join(lines))
        self.assertIn('"%s"' % FETCHER, lines[execs[1]])
        front = lines[:execs[1]]
        self.assertEqual([line for line in front if "flock(" in line], [],
                         "the front took a lock before handing off")
        self.assertEqual([line for line in front if SHARED_OBJECT.search(line)], [],
                         "the front opened a shared object")
        self.assertTrue([line for line in lines[execs[1]:] if "flock(" in line and "LOCK_EX" in line],
                        "the fetcher takes the per-key lock")
        # the fetcher logs the run from its start, so the front's held lines are dropped: the
        # same lines as the fetcher run by itself (ids, times, ports, paths aside)
        self.cache_clear()
        alone = self.sandbox.run([FETCHER] + self.aws_argv("-v")[1:], env=self.env)
        self.assert_credentials(alone)

        def shape(text):
            return [re.sub(r"[0-9a-f-]{8,}|\d+|/tmp/\S+", "#", line) for line in text.splitlines()]
        self.assertTrue(shape(res.stderr), res.describe())
        self.assertEqual(shape(res.stderr), shape(alone.stderr), "the front printed log lines of its own")

    def test_a_missing_fetcher_fails_clearly_and_a_hit_still_needs_none(self):
        lone = os.path.join(self.sandbox.root, "bin", "fedcred")
        os.makedirs(os.path.dirname(lone))
        shutil.copy2(fedcred_bin(), lone)
        miss = self.sandbox.run([lone] + self.aws_argv()[1:], env=self.env)
        match = re.search(r"cannot run the fetcher (\S+): ", miss.stderr)
        self.assertIsNotNone(match, miss.describe())
        if os.path.exists(match.group(1)):
            self.skipTest("a fedcred fetcher is installed at " + match.group(1))
        self.assert_failure(miss, EXIT_INTERNAL, mentions=("No such file or directory", "reinstall"))
        self.assertEqual(miss.stdout, "")
        doctor = self.sandbox.run([lone, "doctor"], env=self.env)
        self.assert_failure(doctor, EXIT_INTERNAL, mentions=("cannot run the fetcher",))
        # a hit is served by the front alone
        self.assert_credentials(self.cached())
        self.assert_credentials(self.sandbox.run([lone] + self.aws_argv()[1:], env=self.env))

    def test_the_fetcher_keeps_the_deadline_the_front_started(self):
        # a metadata server that accepts and never answers: only the deadline ends the run
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        env = dict(self.env, GCE_METADATA_HOST="127.0.0.1:%d" % silent.getsockname()[1])
        argv = [FETCHER] + self.aws_argv(timeout_flag="4")[1:]
        whole = self.sandbox.run(argv, env=env)
        self.assertIn(whole.returncode, (EXIT_SOURCE, EXIT_TRANSIENT), whole.describe())
        self.assertGreater(whole.elapsed, 3.0, "the run should have waited for its whole deadline")
        # the front started 3.9 s of the 4 s ago: the fetcher has 0.1 s left, a restarted
        # deadline would take 4 s; 3 s between them leaves the start-up of a dynamic program
        # on a loaded machine room (it was 2 s with 0.5 s left)
        started = int(time.monotonic() * 1000) - 3900
        rest = self.sandbox.run(argv, env=dict(env, FEDCRED_RUN_STARTED_MS=str(started)))
        self.assertIn(rest.returncode, (EXIT_SOURCE, EXIT_TRANSIENT), rest.describe())
        self.assertLess(rest.elapsed, 3.0, "the fetcher restarted the deadline: " + rest.describe())


def text_section(program):
    """(address, size) of PROGRAM's .text section (readelf -S)."""
    listing = subprocess.run(["readelf", "-SW", program], capture_output=True, text=True, check=True).stdout
    found = re.search(r"\]\s+\.text\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", listing)
    if found is None:
        raise AssertionError("%s has no .text section" % program)
    return int(found.group(1), 16), int(found.group(2), 16)


def function_extents(program):
    """{name: (address, size)} of the functions PROGRAM defines (nm -S)."""
    listing = subprocess.run(["nm", "-S", "--defined-only", program], capture_output=True, text=True,
                             check=True).stdout
    return {f[3]: (int(f[0], 16), int(f[1], 16))
            for f in (line.split() for line in listing.splitlines()) if len(f) == 4 and f[2] in "tTwW"}


@unittest.skipUnless(os.environ.get("FEDCRED_HIT_LAYOUT") == "1",
                     "the front is not linked by lld in the hit's order (meson option hit_layout)")
class TestHitLayout(unittest.TestCase):
    """The code a hit runs lies together at the start of the front's text (helper/meson.build,
    hit_layout): each page fault maps a 64 KiB window of the program, and GNU ld's layout spreads
    that code over nearly every window of it (bench/README.md, issue 20)."""

    def test_the_functions_a_hit_runs_lie_together_at_the_start_of_the_text(self):
        with open(os.environ["FEDCRED_HIT_ORDER"]) as f:
            names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        extents = function_extents(fedcred_bin())
        text_start, text_size = text_section(fedcred_bin())
        linked = [n for n in names if n in extents]
        # a list that no longer names what the front links lays out nothing: bench/hit_order.sh
        self.assertGreater(len(linked), 0.8 * len(names),
                           "helper/front/hit_path.order is stale: run bench/hit_order.sh")
        in_text = {extents[n] for n in linked if text_start <= extents[n][0] < text_start + text_size}
        listed_bytes = sum(s for _, s in in_text)
        span = max(a + s for a, s in in_text) - text_start
        # what shares an object's one .text section with a listed function (libc.a) comes
        # along; laid out by GNU ld the span is the whole text, 3-4 times the listed bytes
        self.assertLess(span, 2 * listed_bytes,
                        "the %d listed functions (%d bytes) span %d of the %d bytes of text"
                        % (len(in_text), listed_bytes, span, text_size))


if __name__ == "__main__":
    unittest.main()
