"""Single flight across processes (docs/DESIGN.md "Cache rules", issue 3): N concurrent cold
invocations make one metadata request and one STS call; a lock holder killed with SIGKILL
releases the lock; a holder that never lets go costs at most half the --timeout."""

import os
import time
import unittest


from test_cache_support import CacheTestCase, LockHolder, rfc3339_in  # noqa: E402
from harness import DEADLINE_SLACK  # noqa: E402

PARALLEL = 32


class TestSingleFlight(CacheTestCase):
    def stampede(self, n):
        argv = self.aws_argv(timeout_flag="30")
        started = time.monotonic()
        procs = [self.popen(argv) for _ in range(n)]  # all started before any is waited for
        results = [self.finish(p, argv, started, timeout=90) for p in procs]
        docs = []
        for res in results:
            docs.append(self.assert_credentials(res))
            self.assertEqual(res.stderr, "", "no warning expected (lock wait, unsafe cache...)\n"
                             + res.describe())
        self.assertEqual(self.identity_requests(), 1,
                         "%d cold processes made %d metadata identity requests"
                         % (n, self.identity_requests()))
        self.assertEqual(self.calls(), 1, "%d cold processes made %d STS calls"
                         % (n, self.calls()))
        for doc in docs[1:]:
            self.assertEqual(doc, docs[0], "all processes print the same credentials")
        issued = self.sts.stats()["issued"][0]
        self.assertEqual(docs[0]["AccessKeyId"], issued["AccessKeyId"])
        self.assertEqual(len(self.entry_files()), 1)
        return docs[0]

    def test_32_parallel_cold_invocations_slow_sts(self):
        # every exchange takes a second: all 32 are certainly waiting on the one fetch
        self.sts.set_fault({"hang": 1.0})
        self.stampede(PARALLEL)

    def test_32_parallel_cold_invocations_fast_sts(self):
        # the natural race: no artificial delay anywhere
        self.stampede(PARALLEL)

    def test_32_parallel_refresh_of_an_expiring_entry(self):
        # an entry inside the refresh margin: all 32 want to refresh it, one does
        self.sts.set_fault({"expiration": rfc3339_in(600),
                            "times": 1})
        old = self.assert_credentials(self.cached())
        self.md.reset()
        self.sts.reset()
        self.sts.set_fault({"hang": 0.5})
        new = self.stampede(PARALLEL)
        self.assertNotEqual(new["AccessKeyId"], old["AccessKeyId"])

    def test_parallel_invocations_with_sts_down_fail_within_timeout(self):
        # the one fetcher fails: the waiters neither hang past --timeout nor report success
        from harness import EXIT_TRANSIENT
        self.sts.set_fault({"status": 500})
        timeout = 3
        argv = self.aws_argv(timeout_flag=str(timeout))
        started = time.monotonic()
        procs = [self.popen(argv) for _ in range(8)]
        for proc in procs:
            res = self.finish(proc, argv, started, timeout=60)
            self.assert_failure(res, EXIT_TRANSIENT, mentions=["500"], secrets=self.secrets())
            self.assertLess(res.elapsed, timeout + DEADLINE_SLACK, "a waiter overran --timeout %d\n%s"
                            % (timeout, res.describe()))
        self.assertEqual(self.entry_files(), [], "a failure writes no entry")

    def attempts_during_outage(self, n, down, attempts, exit_code):
        """The requests n processes started together make while a service answers 503:
        `down` is the stand-in made to fail (self.sts or self.md), `attempts` counts them."""
        self.cache_clear()
        self.md.reset()
        self.sts.reset()
        down.set_fault({"status": 503})
        # The waiters share the holder's failure only if it ends within their lock wait (half
        # the --timeout). Its 4 attempts and up to 1.4 s of backoff fit in 2 s when idle, not
        # always on a loaded 2-core machine (issue 21, item 15: 8 made 29 attempts there, the
        # waiters having given up on the lock); 20 s leaves them 10 s. The run still ends
        # when the holder's retries do, not at the timeout.
        argv = self.aws_argv(timeout_flag="20")
        started = time.monotonic()
        procs = [self.popen(argv) for _ in range(n)]
        for proc in procs:
            res = self.finish(proc, argv, started, timeout=60)
            self.assert_failure(res, exit_code, mentions=["503"], secrets=self.secrets())
        return attempts()

    def test_outage_herd_makes_no_more_sts_calls_than_two_processes(self):
        # The lock holder shares its failure through the entry's side file: the waiters
        # answer with it instead of each retrying STS in turn (issue 12, item 17; before,
        # 8 processes made ~36 attempts).
        from harness import EXIT_TRANSIENT
        two = self.attempts_during_outage(2, self.sts, self.calls, EXIT_TRANSIENT)
        eight = self.attempts_during_outage(8, self.sts, self.calls, EXIT_TRANSIENT)
        self.assertGreater(two, 0)
        self.assertLessEqual(eight, two, "8 processes made %d STS attempts, 2 made %d" % (eight, two))

    def test_metadata_outage_herd_makes_no_more_requests_than_two_processes(self):
        # The same for the identity source: a metadata server answering 503 ends in "source
        # unavailable" once the retries are spent, and that is shared too (before: 2
        # processes made 8 identity requests, 8 made 32).
        from harness import EXIT_SOURCE
        two = self.attempts_during_outage(2, self.md, self.identity_requests, EXIT_SOURCE)
        eight = self.attempts_during_outage(8, self.md, self.identity_requests, EXIT_SOURCE)
        self.assertGreater(two, 0)
        self.assertEqual(self.calls(), 0, "no STS call without an identity")
        self.assertLessEqual(eight, two, "8 processes made %d identity requests, 2 made %d" % (eight, two))


class TestLockHolder(CacheTestCase):
    def prepare_miss(self):
        """Fetches once, then removes the entry: the next call is a miss on a known key.
        Returns the lock file path (the entry's name with .lock), found via `cache list`."""
        self.assert_credentials(self.cached())
        listed, _ = self.cache_list()
        self.assertEqual(len(listed["entries"]), 1)
        entry = os.path.join(listed["directory"], listed["entries"][0]["file"])
        os.unlink(entry)
        self.md.reset()
        self.sts.reset()
        return self.lock_path_of(entry)

    def test_holder_killed_with_sigkill_releases_the_lock(self):
        lock = self.prepare_miss()
        holder = LockHolder(lock)
        self.addCleanup(holder.kill)
        argv = self.aws_argv(timeout_flag="30")  # would wait up to 15 s
        started = time.monotonic()
        proc = self.popen(argv)
        time.sleep(1.0)
        self.assertIsNone(proc.poll(), "fedcred did not wait for the lock holder")
        self.assertEqual(self.calls(), 0, "fedcred fetched while another process held the lock")
        killed_at = time.monotonic()
        holder.kill()
        res = self.finish(proc, argv, started, timeout=60)
        self.assert_credentials(res)
        after_kill = res.elapsed - (killed_at - started)
        self.assertLess(after_kill, 5.0, "fedcred took %.1fs after the holder died: the lock "
                        "was not released by SIGKILL\n%s" % (after_kill, res.describe()))
        self.assertEqual(res.stderr, "", res.describe())
        self.assertEqual(self.calls(), 1)
        self.assertEqual(self.identity_requests(), 1)
        self.assertEqual(len(self.entry_files()), 1, "the fresh credentials are cached")
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 1)

    def test_holder_killed_while_many_wait(self):
        lock = self.prepare_miss()
        holder = LockHolder(lock)
        self.addCleanup(holder.kill)
        argv = self.aws_argv(timeout_flag="30")
        started = time.monotonic()
        procs = [self.popen(argv) for _ in range(8)]
        time.sleep(1.0)
        self.assertTrue(all(p.poll() is None for p in procs), "someone did not wait")
        holder.kill()
        docs = [self.assert_credentials(self.finish(p, argv, started)) for p in procs]
        self.assertEqual(self.calls(), 1, "after the holder died, still one fetch")
        for doc in docs[1:]:
            self.assertEqual(doc, docs[0])

    def test_holder_that_never_dies_costs_half_the_timeout(self):
        lock = self.prepare_miss()
        holder = LockHolder(lock)
        self.addCleanup(holder.kill)
        timeout = 4
        argv = self.aws_argv(timeout_flag=str(timeout))
        started = time.monotonic()
        res = self.finish(self.popen(argv), argv, started, timeout=60)
        self.assert_credentials(res)
        self.assertGreaterEqual(res.elapsed, timeout / 2 - 0.2,
                                "fedcred did not wait for the holder at all\n" + res.describe())
        self.assertLess(res.elapsed, timeout + DEADLINE_SLACK,
                        "fedcred overran its --timeout %ds\n%s" % (timeout, res.describe()))
        self.assertIn("warning", res.stderr, res.describe())
        self.assertIn("lock", res.stderr.lower(), res.describe())
        self.assert_stderr_clean(res)
        self.assertEqual(self.calls(), 1)
        self.assertIsNone(holder.proc.poll(), "the holder is still there")
        # it still cached what it fetched: the next call is a hit despite the stuck lock.
        # Waiting for the lock would take half of --timeout 30 (15 s); a hit takes
        # milliseconds, so 10 s tells them apart however loaded the machine is.
        started = time.monotonic()
        res = self.cached(timeout_flag="30")
        self.assert_credentials(res)
        self.assertEqual(self.calls(), 1)
        self.assertLess(time.monotonic() - started, 10.0, "a hit never waits for the lock")

    def test_held_lock_and_hung_sts_end_within_the_timeout(self):
        # One deadline set at the start bounds the lock wait and the fetch together
        # (issue 12, item 5): before, the fetch got a fresh full deadline after up to
        # timeout/2 of waiting, and --timeout 4 took 6 s.
        from harness import EXIT_TRANSIENT
        lock = self.prepare_miss()
        holder = LockHolder(lock)
        self.addCleanup(holder.kill)
        self.sts.set_fault({"hang": 30})
        # The fault this guards against gave the fetch a fresh deadline after the lock
        # wait: timeout * 1.5. --timeout 8 makes that 12 s against 8 s, so the bound
        # below leaves 2.5 s for process start-up on a loaded machine (it was 1 s of 4,
        # the tightest margin of the suite: 4.7-5.2 s runs of the subtest were seen) and
        # still catches the fault.
        timeout = 8
        argv = self.aws_argv(timeout_flag=str(timeout))
        started = time.monotonic()
        res = self.finish(self.popen(argv), argv, started, timeout=60)
        self.assertEqual(res.returncode, EXIT_TRANSIENT, res.describe())
        self.assertLess(res.elapsed, timeout + 2.5,
                        "lock wait + fetch overran --timeout %ds\n%s" % (timeout, res.describe()))
        self.assert_stderr_clean(res)

    def test_held_lock_does_not_delay_a_hit(self):
        self.assert_credentials(self.cached())
        entry = self.only_entry()
        holder = LockHolder(self.lock_path_of(entry))
        self.addCleanup(holder.kill)
        # a wait would take half of --timeout 30 (15 s); a hit milliseconds: 10 s
        # separates them whatever the load (1 s measured process start-up as well)
        res = self.cached(timeout_flag="30")
        self.assert_credentials(res)
        self.assertLess(res.elapsed, 10.0, res.describe())
        self.assertEqual(self.calls(), 1)

    def test_clear_keeps_a_held_lock(self):
        lock = self.prepare_miss()
        holder = LockHolder(lock)
        self.addCleanup(holder.kill)
        result, _ = self.cache_clear()
        self.assertTrue(os.path.exists(lock), "clear removed a lock file someone holds")
        holder.kill()
        result, _ = self.cache_clear()
        self.assertFalse(os.path.exists(lock), "an idle lock file is removed by clear")
        self.assertEqual(result["removed"], 0, "there was no entry, only the lock file")


if __name__ == "__main__":
    unittest.main()
