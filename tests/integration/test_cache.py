"""The credential cache (docs/DESIGN.md "Cache rules", issue 3) seen from outside: hits touch no
network and map no network library, the key separates different requests, the refresh margin,
stale-on-error, private files, unsafe directories and corrupt entries, `cache list` / `cache
clear`, and no secret outside stdout. Concurrency and locks: test_cache_concurrency.py."""

import json
import os
import shutil
import stat
import unittest


from harness import (EXIT_DENIED, EXIT_TRANSIENT, ROLE_ARN, fedcred_bin,  # noqa: E402
                     parse_rfc3339, token_secrets)
from test_cache_support import (NETWORK_LIBRARIES, NETWORK_MODULES, NOBODY,  # noqa: E402
                                CacheTestCase, loaded_objects, rfc3339_in)
from test_cache_support import hit_objects as hit_objects_of  # noqa: E402

ROLE_ALPHA = "arn:aws:iam::123456789012:role/alpha-reader"
ROLE_BETA = "arn:aws:iam::123456789012:role/beta-writer"


class TestCacheHits(CacheTestCase):
    def test_second_run_is_served_from_cache(self):
        first = self.assert_credentials(self.cached())
        second_res = self.cached()
        second = self.assert_credentials(second_res)
        self.assertEqual(first, second)
        self.assertEqual(self.calls(), 1, "a fresh cache entry must be served without STS")
        self.assertEqual(self.identity_requests(), 1,
                         "a cache hit must not contact the metadata server")
        self.assertEqual(second_res.stderr, "", "a hit is silent\n" + second_res.describe())
        self.assert_no_secrets(second_res, token_secrets(self.md.stats()["issued"][0]))

    def test_hit_maps_no_network_library(self):
        """docs/DESIGN.md "Why the modules": a hit never maps libcurl/libssl/libcrypto/libexpat.
        LD_DEBUG=files makes ld.so name every object it loads (dlopen included) on stderr."""
        env = dict(self.env, LD_DEBUG="files")
        miss = self.cached(env=env)
        self.assert_credentials(miss)
        hit = self.cached(env=env)
        self.assert_credentials(hit)
        self.assertEqual(self.calls(), 1, "the second run must be a hit")
        miss_objects = loaded_objects(miss.stderr)
        # the static front loads nothing on a hit; the dynamic helper libc only
        hit_objects = hit_objects_of(self, hit.stderr)
        # the check can fail: a miss does load them all (modules are loaded through the
        # descriptor that was checked, so ld.so names them /proc/self/fd/N)
        self.assertEqual(len([o for o in miss_objects if o.startswith("/proc/self/fd/")]),
                         len(NETWORK_MODULES), miss_objects)
        for name in NETWORK_LIBRARIES:
            self.assertTrue(any(name in o for o in miss_objects),
                            "a miss should load %s; loaded: %s" % (name, miss_objects))
        for name in NETWORK_LIBRARIES + NETWORK_MODULES + ("/proc/self/fd/",):
            self.assertFalse(any(name in o for o in hit_objects),
                             "the cache-hit path loaded %s: %s" % (name, hit_objects))

    def test_no_cache_flag_bypasses_the_cache(self):
        self.assert_credentials(self.aws(env=self.env))  # --no-cache
        self.assertEqual(self.cache_files(), [], "--no-cache must write nothing")
        self.assert_credentials(self.aws(env=self.env))
        self.assertEqual(self.calls(), 2, "--no-cache must fetch every time")
        self.assertEqual(self.cache_files(), [])
        # and it does not read an existing entry either
        self.assert_credentials(self.cached())
        self.assert_credentials(self.aws(env=self.env))
        self.assertEqual(self.calls(), 4)

    def test_cache_false_in_config_bypasses_the_cache(self):
        for config in ("[default]\ncache = false\n",
                       "[profile nocache]\nrole_arn = %s\ncache = false\n" % ROLE_ARN):
            with self.subTest(config=config):
                self.sts.reset()
                self.sandbox.write_config(config)
                args = ("--profile", "nocache") if "nocache" in config else ()
                role = None if args else ROLE_ARN
                for _ in range(3):
                    self.assert_credentials(self.cached(*args, role_arn=role))
                self.assertEqual(self.calls(), 3, "cache = false must fetch every time")
                self.assertEqual(self.cache_files(), [], "cache = false must write nothing")

    def test_key_separates_requests(self):
        self.assert_credentials(self.cached())
        variants = [("--session-name", "other-session"), ("--duration", "7200"),
                    ("--audience", "https://other.example"), ("--region", "eu-west-1")]
        for n, args in enumerate(variants, start=2):
            with self.subTest(args=args):
                self.assert_credentials(self.cached(*args))
                self.assertEqual(self.calls(), n, "%s must not hit another key's entry"
                                 % (args,))
        other_role = "arn:aws:iam::123456789012:role/another-role"
        res = self.cached(role_arn=other_role)
        self.assert_credentials(res)
        self.assertEqual(self.calls(), len(variants) + 2)
        self.assertEqual(self.sts.stats()["forms"][-1]["RoleArn"], other_role)
        self.assertEqual(len(self.entry_files()), len(variants) + 2, "one entry per key")
        # and every one of them is now a hit
        before = self.calls()
        for args in variants:
            self.assert_credentials(self.cached(*args))
        self.assert_credentials(self.cached(role_arn=other_role))
        self.assertEqual(self.calls(), before)

    def test_different_sts_endpoint_is_another_key(self):
        import fake_sts
        self.assert_credentials(self.cached())
        other = fake_sts.FakeSTS(public_key_pem=self.md.key.public_pem()).start()
        self.addCleanup(other.stop)
        env = dict(self.env, AWS_ENDPOINT_URL_STS=other.url)
        self.assert_credentials(self.cached(env=env))
        self.assertEqual(other.stats()["assume_calls"], 1,
                         "credentials of one endpoint must not be served for another")


class TestCacheLifetime(CacheTestCase):
    def test_credentials_inside_refresh_margin_are_refreshed(self):
        # 10 minutes left: valid, but inside botocore's 15-minute refresh window
        self.sts.set_fault({"expiration": rfc3339_in(600), "times": 1})
        first = self.assert_credentials(self.cached())
        second = self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2, "entries with < 15 min left must be refreshed")
        self.assertEqual(self.identity_requests(), 2)
        self.assertNotEqual(first["AccessKeyId"], second["AccessKeyId"])
        third = self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2, "the refreshed entry is then served")
        self.assertEqual(second, third)

    def test_refresh_margin_in_config(self):
        # 10 minutes left; a 5-minute margin (+ at most margin/8 jitter) still serves them
        for margin in ("300", "0"):
            with self.subTest(refresh_margin=margin):
                self.sandbox.write_config("[default]\nrefresh_margin = %s\n" % margin)
                self.cache_clear()
                self.sts.reset()
                self.sts.set_fault({"expiration": rfc3339_in(600), "times": 1})
                first = self.assert_credentials(self.cached())
                second = self.assert_credentials(self.cached())
                self.assertEqual(first, second)
                self.assertEqual(self.calls(), 1, "refresh_margin = %s: 10 minutes left is "
                                 "enough" % margin)

    def test_refresh_margin_longer_than_lifetime_refreshes(self):
        self.assert_credentials(self.cached())  # one hour
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 1)
        self.sandbox.write_config("[profile long]\nrole_arn = %s\nrefresh_margin = 3700\n"
                                  % ROLE_ARN)
        self.assert_credentials(self.cached("--profile", "long", role_arn=None))
        self.assertEqual(self.calls(), 2, "an hour left is inside a 3700 s margin")
        # the profile's margin does not change the key: without it the entry is a hit
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2)

    def test_refresh_failure_serves_still_valid_credentials(self):
        self.sts.set_fault({"expiration": rfc3339_in(600), "times": 1})
        first = self.assert_credentials(self.cached())
        self.sts.set_fault({"status": 500})
        res = self.cached(timeout_flag="3")
        doc = self.assert_credentials(res)
        self.assertEqual(doc, first, "still-valid cached credentials are served")
        self.assertGreaterEqual(self.calls(), 2, "a refresh was attempted")
        self.assertIn("warning", res.stderr, res.describe())
        self.assert_stderr_clean(res)

    def stale_on_error(self, fault, code, names):
        """Credentials valid for an hour, refresh forced by refresh_margin = 3700, STS failing
        with `fault`: the cached credentials are served with a warning naming the failure;
        without them the same failure is exit `code`."""
        first = self.assert_credentials(self.cached())
        self.sandbox.write_config("[default]\nrefresh_margin = 3700\n")
        self.sts.set_fault(fault)
        res = self.cached(timeout_flag="3")
        doc = self.assert_credentials(res)
        self.assertEqual(doc, first, "the still-valid cached credentials are served")
        self.assertGreaterEqual(self.calls(), 2, "a refresh was attempted")
        lower = res.stderr.lower()
        self.assertIn("warning", lower, res.describe())
        for name in names:
            self.assertIn(name.lower(), lower, "the warning should name %r\n%s"
                          % (name, res.describe()))
        self.assert_stderr_clean(res)
        # the entry is untouched: still served next time
        self.assertEqual(self.assert_credentials(self.cached(timeout_flag="3")), first)

        # no valid cached entry: the failure itself
        with self.subTest(cache="cleared"):
            self.cache_clear()
            res = self.cached(timeout_flag="3")
            self.assert_failure(res, code, mentions=names, secrets=self.secrets())
            self.assertEqual(self.entry_files(), [], "a failure writes no entry")
        with self.subTest(cache="--no-cache"):
            res = self.aws(env=self.env, timeout_flag="3")
            self.assert_failure(res, code, mentions=names, secrets=self.secrets())

    def test_stale_on_error_sts_500(self):
        self.stale_on_error({"status": 500}, EXIT_TRANSIENT, ["500", "InternalFailure"])

    def test_no_stale_credentials_after_access_denied(self):
        # A denial means the trust was withdrawn: the cached credentials from before it are
        # not handed out again (issue 12, item 14).
        self.assert_credentials(self.cached())
        self.sandbox.write_config("[default]\nrefresh_margin = 3700\n")
        self.sts.set_fault({"code": "AccessDenied", "status": 403,
                            "message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"})
        res = self.cached(timeout_flag="3")
        self.assert_failure(res, EXIT_DENIED, mentions=["AccessDenied"], secrets=self.secrets())
        self.assertEqual(res.stdout, "")

    def test_stale_on_error_metadata_down(self):
        first = self.assert_credentials(self.cached())
        self.sandbox.write_config("[default]\nrefresh_margin = 3700\n")
        self.md.set_fault({"status": 503})
        self.addCleanup(self.md.set_fault, {})
        res = self.cached(timeout_flag="3")
        self.assertEqual(self.assert_credentials(res), first)
        self.assertIn("warning", res.stderr, res.describe())
        self.assertIn("503", res.stderr, res.describe())
        self.assertEqual(self.calls(), 1, "the token fetch failed: STS not called")

    def test_nearly_expired_entry_is_not_served_on_error(self):
        # 30 s left: inside the margin, and too little to be worth serving on error
        self.sts.set_fault({"expiration": rfc3339_in(30), "times": 1})
        self.assert_credentials(self.cached())
        self.sts.set_fault({"status": 500})
        res = self.cached(timeout_flag="3")
        self.assert_failure(res, EXIT_TRANSIENT, mentions=["500"], secrets=self.secrets())


class TestCacheSafety(CacheTestCase):
    def test_cache_files_are_private(self):
        self.assert_credentials(self.cached())
        files = self.cache_files()
        self.assertTrue(files, "nothing was written to FEDCRED_CACHE_DIR")
        for dirpath, _dirs, _files in os.walk(self.sandbox.cache_dir):
            mode = stat.S_IMODE(os.lstat(dirpath).st_mode)
            self.assertEqual(mode & 0o077, 0, "%s has mode %o" % (dirpath, mode))
        for path in files:
            st = os.lstat(path)
            self.assertTrue(stat.S_ISREG(st.st_mode), path)
            self.assertEqual(st.st_uid, os.geteuid(), path)
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o600,
                             "%s has mode %o" % (path, stat.S_IMODE(st.st_mode)))
            with open(path, "rb") as f:
                data = f.read().decode("utf-8", "replace")
            for secret in token_secrets(self.md.stats()["issued"][0]):
                self.assertNotIn(secret, data, "the ID token must not be cached")

    def test_corrupt_entries_are_a_miss(self):
        self.assert_credentials(self.cached())
        path = self.only_entry()
        with open(path, "rb") as f:
            good = f.read()
        doc = json.loads(good)
        wrong_key = dict(doc, key=doc["key"].replace("s3-reader", "s3-writer"))
        future_format = dict(doc, format=doc["format"] + 1)
        no_values = dict(doc, values={})
        cases = {
            "empty": b"",
            "garbage": b"\x00\xff garbage {",
            "random bytes": os.urandom(4096),
            "truncated half": good[:len(good) // 2],
            "truncated last byte": good[:-1],
            "trailing data": good + b"{}",
            "other json": b'{"Version": 1}',
            "json array": b"[1, 2, 3]",
            "huge": b"x" * 1000000,
            "key mismatch": json.dumps(wrong_key).encode(),
            "unknown format": json.dumps(future_format).encode(),
            "no values": json.dumps(no_values).encode(),
            "expiration string": json.dumps(dict(doc, expiration="soon")).encode(),
            "negative jitter": json.dumps(dict(doc, refresh_jitter=-5)).encode(),
        }
        for name, content in cases.items():
            with self.subTest(entry=name):
                with open(path, "wb") as f:
                    f.write(content)
                os.chmod(path, 0o600)
                before = self.calls()
                res = self.cached()
                self.assert_credentials(res)
                self.assertEqual(self.calls(), before + 1, "a corrupt entry is a miss")
                self.assertEqual(self.entry_files(), [path], "the entry is rewritten in place")
                self.assert_credentials(self.cached())
                self.assertEqual(self.calls(), before + 1, "the rewritten entry is a hit")
                self.assert_stderr_clean(res)

    def test_entry_with_wrong_mode_is_a_miss(self):
        self.assert_credentials(self.cached())
        path = self.only_entry()
        os.chmod(path, 0o644)
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2, "a group/world-readable entry is not trusted")
        self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o600)

    def test_foreign_owned_entry_is_a_miss(self):
        first = self.assert_credentials(self.cached())
        path = self.only_entry()
        os.chown(path, NOBODY, NOBODY)
        res = self.cached()
        second = self.assert_credentials(res)
        self.assertEqual(self.calls(), 2, "an entry owned by another uid is not read")
        self.assertNotEqual(first["AccessKeyId"], second["AccessKeyId"])
        self.assertEqual(os.lstat(path).st_uid, os.geteuid(), "the entry is replaced")
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2)

    def test_symlinked_entry_is_not_followed(self):
        self.assert_credentials(self.cached())
        path = self.only_entry()
        # a valid entry of ours behind the link: still not read through it
        target = os.path.join(self.sandbox.root, "target.json")
        shutil.copy2(path, target)
        with open(target, "rb") as f:
            target_content = f.read()
        os.unlink(path)
        os.symlink(target, path)
        res = self.cached()
        self.assert_credentials(res)
        self.assertEqual(self.calls(), 2, "a symlinked entry is not read")
        with open(target, "rb") as f:
            self.assertEqual(f.read(), target_content, "fedcred wrote through a symlink")
        self.assertFalse(os.path.islink(path), "the symlink is replaced by a real entry")
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 2)

    def test_symlinked_lock_file_is_not_followed(self):
        self.assert_credentials(self.cached())
        entry = self.only_entry()
        lock = self.lock_path_of(entry)
        target = os.path.join(self.sandbox.root, "victim")
        with open(target, "w") as f:
            f.write("keep\n")
        os.chmod(target, 0o644)
        os.unlink(entry)
        if os.path.exists(lock):
            os.unlink(lock)
        os.symlink(target, lock)
        res = self.cached()
        self.assert_credentials(res)
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o644, "chmod through a link")
        with open(target) as f:
            self.assertEqual(f.read(), "keep\n")

    def test_unsafe_cache_directory_runs_uncached(self):
        real = os.path.join(self.sandbox.root, "real-cache")
        os.mkdir(real, 0o700)
        link = os.path.join(self.sandbox.root, "link-cache")
        os.symlink(real, link)
        wide = os.path.join(self.sandbox.root, "wide-cache")
        os.mkdir(wide)
        os.chmod(wide, 0o755)
        world = os.path.join(self.sandbox.root, "world-writable")
        os.mkdir(world)
        os.chmod(world, 0o777)
        foreign = os.path.join(self.sandbox.root, "foreign-cache")
        os.mkdir(foreign, 0o700)
        os.chown(foreign, NOBODY, NOBODY)
        afile = os.path.join(self.sandbox.root, "a-file")
        with open(afile, "w"):
            pass
        cases = [  # (FEDCRED_CACHE_DIR, the directory that must stay empty, stderr names)
            (link, real, ["symbolic link"]),
            (link + "/", real, ["symbolic link"]),
            (wide, wide, ["0755"]),
            (world, world, ["0777"]),
            (foreign, foreign, ["uid %d" % NOBODY]),
            (afile, None, ["not a directory"]),
        ]
        for cache_dir, watched, names in cases:
            with self.subTest(cache_dir=os.path.relpath(cache_dir, self.sandbox.root)):
                self.sts.reset()
                env = dict(self.env, FEDCRED_CACHE_DIR=cache_dir)
                for _ in range(2):
                    res = self.cached(env=env)
                    self.assert_credentials(res)
                    self.assertIn("warning", res.stderr, res.describe())
                    for name in names:
                        self.assertIn(name, res.stderr, res.describe())
                    self.assert_stderr_clean(res)
                self.assertEqual(self.calls(), 2, "an unsafe cache directory must not be used")
                if watched:
                    self.assertEqual(os.listdir(watched), [], "nothing may be written there")
                # cache list / clear refuse it too, with an I/O error
                res = self.fedcred("cache", "list", env=env)
                self.assertEqual(res.returncode, 7, res.describe())
        self.assertTrue(os.path.islink(link))
        self.assertEqual(stat.S_IMODE(os.stat(wide).st_mode), 0o755, "fedcred chmod'ed it")

    def test_read_only_cache_directory(self):
        """As uid 65534 (root would bypass the permission bits): a 0500 cache directory of
        its own still yields credentials, with a warning; an entry already there is served."""
        os.chmod(self.sandbox.root, 0o711)  # let uid 65534 reach its cache dir and the config
        os.chmod(self.sandbox.config_path, 0o644)
        ro = os.path.join(self.sandbox.root, "nobody-cache")
        os.mkdir(ro, 0o700)
        os.chown(ro, NOBODY, NOBODY)
        os.chmod(ro, 0o500)
        env = dict(self.env, FEDCRED_CACHE_DIR=ro, HOME="/nonexistent")
        argv = self.aws_argv(timeout_flag="5")
        for n in (1, 2):
            res = self.run_as(NOBODY, argv, env=env)
            self.assert_credentials(res)
            self.assertIn("warning", res.stderr, res.describe())
            self.assert_stderr_clean(res)
            self.assertEqual(self.calls(), n, "nothing can be cached: every call fetches")
        self.assertEqual(os.listdir(ro), [])

        with self.subTest("entry written, then the directory made read-only"):
            os.chmod(ro, 0o700)
            first = self.assert_credentials(self.run_as(NOBODY, argv, env=env))
            self.assertEqual(self.calls(), 3)
            os.chmod(ro, 0o500)
            res = self.run_as(NOBODY, argv, env=env)
            self.assertEqual(self.assert_credentials(res), first, "a hit needs no write access")
            self.assertEqual(self.calls(), 3)
            self.assertEqual(res.stderr, "", res.describe())
            # a forced refresh in the read-only directory: fetched, and a warning
            with open(self.sandbox.config_path, "w") as f:
                f.write("[default]\nrefresh_margin = 3700\n")
            res = self.run_as(NOBODY, argv, env=env)
            self.assertNotEqual(self.assert_credentials(res), first)
            self.assertEqual(self.calls(), 4)
            self.assertIn("warning", res.stderr, res.describe())

    def test_default_cache_directories(self):
        cases = [
            ({"FEDCRED_CACHE_DIR": None}, os.path.join(self.sandbox.runtime, "fedcred")),
            ({"FEDCRED_CACHE_DIR": None, "XDG_RUNTIME_DIR": None},
             os.path.join(self.sandbox.xdg_cache, "fedcred")),
            ({"FEDCRED_CACHE_DIR": None, "XDG_RUNTIME_DIR": None, "XDG_CACHE_HOME": None},
             os.path.join(self.sandbox.home, ".cache", "fedcred")),
        ]
        for changes, expected in cases:
            with self.subTest(expected=os.path.relpath(expected, self.sandbox.root)):
                env = dict(self.env)
                for key in changes:
                    env.pop(key, None)
                before = self.calls()
                self.assert_credentials(self.cached(env=env))
                self.assertTrue(os.path.isdir(expected), "no cache at %s" % expected)
                self.assertEqual(stat.S_IMODE(os.stat(expected).st_mode), 0o700)
                self.assertTrue(self.cache_files(expected))
                self.assert_credentials(self.cached(env=env))
                self.assertEqual(self.calls(), before + 1)
                listed, _ = self.cache_list(env=env)
                self.assertEqual(listed["directory"], expected)


class TestCacheListClear(CacheTestCase):
    CONFIG = ("[profile alpha]\nrole_arn = %s\n\n[profile beta]\nrole_arn = %s\n"
              % (ROLE_ALPHA, ROLE_BETA))

    def fill(self):
        """Entries for profile alpha, profile beta and a flags-only request; returns the
        credentials printed for each."""
        self.sandbox.write_config(self.CONFIG)
        out = {}
        for name, args, role in (("alpha", ("--profile", "alpha"), None),
                                 ("beta", ("--profile", "beta"), None),
                                 ("flags", (), ROLE_ARN)):
            res = self.cached(*args, role_arn=role)
            out[name] = self.assert_credentials(res)
            self.assert_stderr_clean(res)
        self.assertEqual(self.calls(), 3)
        return out

    def test_profiles_and_roles_get_their_own_entries(self):
        creds = self.fill()
        self.assertEqual(len({c["AccessKeyId"] for c in creds.values()}), 3)
        self.assertEqual(len(self.entry_files()), 3)
        roles = [f["RoleArn"] for f in self.sts.stats()["forms"]]
        self.assertEqual(roles, [ROLE_ALPHA, ROLE_BETA, ROLE_ARN])
        # each is a hit, and gives back its own credentials
        self.assertEqual(self.assert_credentials(self.cached("--profile", "alpha", role_arn=None)),
                         creds["alpha"])
        self.assertEqual(self.assert_credentials(self.cached("--profile", "beta", role_arn=None)),
                         creds["beta"])
        self.assertEqual(self.assert_credentials(self.cached()), creds["flags"])
        self.assertEqual(self.calls(), 3)

    def test_cache_list_names_an_audience_target_not_role(self):
        # A token/gcp entry holds an audience: listed as "target", never as "role"
        # (issue 12, item 20).
        res = self.fedcred("token", "--timeout", "5", env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        listed, _ = self.cache_list()
        self.assertEqual(len(listed["entries"]), 1, listed)
        entry = listed["entries"][0]
        self.assertEqual(entry["target"], "sts.amazonaws.com")
        self.assertNotIn("role", entry)

    def test_cache_list_shows_profile_role_expiration_and_no_secret(self):
        creds = self.fill()
        listed, res = self.cache_list()
        self.assertEqual(listed["directory"], self.sandbox.cache_dir)
        entries = listed["entries"]
        self.assertEqual(len(entries), 3, res.describe())
        by_role = {e["target"]: e for e in entries}
        for e in entries:
            self.assertEqual(e["role"], e["target"], "aws entries keep the old field name")
        self.assertEqual(set(by_role), {ROLE_ALPHA, ROLE_BETA, ROLE_ARN})
        self.assertEqual(by_role[ROLE_ALPHA]["profile"], "alpha")
        self.assertEqual(by_role[ROLE_BETA]["profile"], "beta")
        expected_expiry = {ROLE_ALPHA: creds["alpha"]["Expiration"],
                           ROLE_BETA: creds["beta"]["Expiration"],
                           ROLE_ARN: creds["flags"]["Expiration"]}
        for role, entry in by_role.items():
            self.assertEqual(parse_rfc3339(entry["expiration"]),
                             parse_rfc3339(expected_expiry[role]), entry)
            self.assertTrue(os.path.isfile(os.path.join(self.sandbox.cache_dir, entry["file"])))
        files = sorted(os.path.basename(p) for p in self.entry_files())
        self.assertEqual(sorted(e["file"] for e in entries), files)
        # no secret in the listing, not even the access key id's partner fields
        self.assert_text_clean(res.stdout + res.stderr, "`cache list`")
        for c in creds.values():
            self.assertNotIn(c["SecretAccessKey"], res.stdout)
            self.assertNotIn(c["SessionToken"], res.stdout)
        for entry in entries:
            self.assertFalse({"SecretAccessKey", "SessionToken", "values", "secret", "token"}
                             & set(entry), entry)

    def test_cache_list_skips_corrupt_and_foreign_entries(self):
        self.fill()
        entries = self.entry_files()
        with open(entries[0], "wb") as f:
            f.write(b"\x00garbage")
        os.chown(entries[1], NOBODY, NOBODY)
        with open(os.path.join(self.sandbox.cache_dir, "notes.txt"), "w") as f:
            f.write("not ours\n")
        listed, _ = self.cache_list()
        self.assertEqual(len(listed["entries"]), 1)
        self.assertEqual(listed["entries"][0]["file"], os.path.basename(entries[2]))

    def test_cache_list_of_an_empty_or_missing_directory(self):
        listed, _ = self.cache_list()
        self.assertEqual(listed["entries"], [])
        missing = os.path.join(self.sandbox.root, "not-yet", "cache")
        listed, _ = self.cache_list(env=dict(self.env, FEDCRED_CACHE_DIR=missing))
        self.assertEqual(listed["entries"], [])
        self.assertEqual(listed["directory"], missing)
        # listing or clearing creates nothing (issue 12, item 7)
        result, _ = self.cache_clear(env=dict(self.env, FEDCRED_CACHE_DIR=missing))
        self.assertEqual(result["removed"], 0)
        self.assertFalse(os.path.exists(os.path.join(self.sandbox.root, "not-yet")))

    def test_cache_clear_profile_removes_only_that_profile(self):
        creds = self.fill()
        result, _ = self.cache_clear("--profile", "alpha")
        self.assertEqual(result["removed"], 1)
        listed, _ = self.cache_list()
        self.assertEqual(sorted(e["profile"] for e in listed["entries"]), ["", "beta"])
        # beta and the flags-only entry are still hits; alpha fetches again
        self.assertEqual(self.assert_credentials(self.cached("--profile", "beta", role_arn=None)),
                         creds["beta"])
        self.assertEqual(self.assert_credentials(self.cached()), creds["flags"])
        self.assertEqual(self.calls(), 3)
        again = self.assert_credentials(self.cached("--profile", "alpha", role_arn=None))
        self.assertNotEqual(again, creds["alpha"])
        self.assertEqual(self.calls(), 4)
        # an unknown profile removes nothing
        result, _ = self.cache_clear("--profile", "gamma")
        self.assertEqual(result["removed"], 0)
        self.assertEqual(len(self.entry_files()), 3)

    def test_cache_clear_removes_everything(self):
        self.fill()
        stray = os.path.join(self.sandbox.cache_dir, "notes.txt")
        with open(stray, "w") as f:
            f.write("not ours\n")
        result, res = self.cache_clear()
        self.assertEqual(result["removed"], 3, res.describe())
        self.assertEqual(self.cache_files(), [stray], "only fedcred's own files are removed")
        listed, _ = self.cache_list()
        self.assertEqual(listed["entries"], [])
        self.assert_credentials(self.cached())
        self.assertEqual(self.calls(), 4, "after clear, the next call fetches")

    def test_leftovers_of_a_killed_writer(self):
        # a writer killed between creating its temporary file and the rename leaves
        # ".<entry>.tmp.<pid>...": never read as an entry, removed by `cache clear`
        creds = self.fill()
        entry = self.entry_files()[0]
        name = os.path.basename(entry)
        temp = os.path.join(self.sandbox.cache_dir, "." + name + ".tmp.99999.0.12345")
        with open(temp, "w") as f:
            f.write('{"format": 1, "partial')
        os.chmod(temp, 0o600)
        listed, _ = self.cache_list()
        self.assertEqual(len(listed["entries"]), 3)
        self.assertEqual(self.assert_credentials(self.cached()), creds["flags"])
        self.assertEqual(self.calls(), 3)
        self.cache_clear("--profile", "nobody-has-this")
        self.assertTrue(os.path.exists(temp), "clear --profile only touches that profile")
        self.cache_clear()
        self.assertFalse(os.path.exists(temp), "clear removes temporary files of dead writers")

    def test_no_secret_in_file_names_list_or_stderr(self):
        self.sandbox.write_config(self.CONFIG)
        results = []
        for args, role in ((("--profile", "alpha", "-v"), None), (("-v",), ROLE_ARN)):
            results.append(self.cached(*args, role_arn=role))  # miss, verbose
            results.append(self.cached(*args, role_arn=role))  # hit, verbose
        for res in results:
            self.assert_credentials(res)
            self.assertTrue(res.stderr, "-v logs the steps")
            self.assert_stderr_clean(res)
        listed, res = self.cache_list()
        results.append(res)
        self.assert_text_clean(res.stdout, "`cache list`")
        _, res = self.cache_clear("--profile", "alpha")
        self.assert_text_clean(res.stdout + res.stderr, "`cache clear`")
        secrets = self.secrets()
        self.assertGreaterEqual(len(secrets), 2 + 2 * 3)
        for path in self.cache_files() + [os.path.join(self.sandbox.cache_dir, e["file"])
                                          for e in listed["entries"]]:
            for secret in secrets:
                for piece in (secret, secret[:16], secret[-16:]):
                    self.assertNotIn(piece, os.path.basename(path), "secret in a file name")
        # the ID token is never cached; the entry holds only what STS issued
        for path in self.entry_files():
            with open(path) as f:
                data = f.read()
            for token in self.md.stats()["issued"]:
                for secret in token_secrets(token):
                    self.assertNotIn(secret, data)


if __name__ == "__main__":
    unittest.main()
