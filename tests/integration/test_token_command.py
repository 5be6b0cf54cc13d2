"""`fedcred token`: the raw subject token (a JWT) on stdout, or written atomically (mode 0600)
with --output for AWS_WEB_IDENTITY_TOKEN_FILE consumers and Google file-sourced configs
(issue 4). Sources: gce (the metadata stand-in) and file."""

import grp
import os
import time
import unittest


import gce_metadata  # noqa: E402
from harness import GceStsFixture  # noqa: E402
from test_gcp_support import (AUDIENCE_HTTPS, EXIT_IO, EXIT_SOURCE, EXIT_USAGE,  # noqa: E402
                              GcpTestCase, jwt_claims)

IDENTITY = gce_metadata.IDENTITY_PATH


class TokenCase(GceStsFixture, GcpTestCase):
    with_sts = False

    def issued(self):
        return self.md.stats()["issued"]

    def assert_token_on_stdout(self, res):
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stderr, b"", "nothing on stderr on success\n" + res.describe())
        text = res.stdout.decode()
        token = text[:-1] if text.endswith("\n") else text
        self.assertNotIn("\n", token, "stdout holds the token alone\n" + res.describe())
        self.assertEqual(token.count("."), 2, "not a JWT\n" + res.describe())
        return token

    def assert_token_failure(self, res, code, mentions=(), secrets=()):
        self.assertEqual(res.returncode, code, res.describe())
        self.assertEqual(res.stdout, b"", "stdout must stay empty on failure\n" + res.describe())
        self.assertIn(b"fedcred: ", res.stderr, res.describe())
        lower = res.stderr.decode().lower()
        for word in mentions:
            self.assertIn(word.lower(), lower, res.describe())
        self.assert_no_secret_bytes(res, secrets)


class TestTokenStdout(TokenCase):
    def test_gce_default_audience(self):
        token = self.assert_token_on_stdout(self.token("--source", "gce", "--no-cache",
                                                       env=self.env))
        self.assertEqual(token, self.issued()[0])
        self.assertEqual(jwt_claims(token)["aud"], "sts.amazonaws.com",
                         "token defaults to the sts.amazonaws.com audience for source gce")

    def test_default_source_is_gce(self):
        token = self.assert_token_on_stdout(self.token("--no-cache", env=self.env))
        self.assertEqual(token, self.issued()[0])

    def test_audience_flag(self):
        token = self.assert_token_on_stdout(
            self.token("--source", "gce", "--audience", "https://example.com/aud", "--no-cache",
                       env=self.env))
        self.assertEqual(jwt_claims(token)["aud"], "https://example.com/aud")

    def test_google_audience_variable_is_not_used_by_token(self):
        # GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE belongs to `gcp` (Google's libraries set it)
        env = dict(self.env, GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE="//iam.googleapis.com/projects/1/"
                   "locations/global/workloadIdentityPools/p/providers/x")
        token = self.assert_token_on_stdout(self.token("--source", "gce", "--no-cache", env=env))
        self.assertEqual(jwt_claims(token)["aud"], "sts.amazonaws.com")

    def test_cache_hit(self):
        first = self.assert_token_on_stdout(self.token("--source", "gce", env=self.env))
        second = self.assert_token_on_stdout(self.token("--source", "gce", env=self.env))
        self.assertEqual(first, second)
        self.assertEqual(self.md.stats()["identity_requests"], 1)

    def test_source_unavailable(self):
        self.md.set_fault({"status": 404})
        res = self.token("--source", "gce", "--no-cache", "--timeout", "3", env=self.env)
        self.assert_token_failure(res, EXIT_SOURCE)

    def test_aws_source_needs_an_audience(self):
        res = self.token("--source", "aws", "--no-cache", env=self.env)
        self.assert_token_failure(res, EXIT_USAGE, mentions=["audience"])


class TestTokenOutput(TokenCase):
    def setUp(self):
        super().setUp()
        self.out_dir = os.path.join(self.sandbox.root, "tokens")
        os.makedirs(self.out_dir)
        self.path = os.path.join(self.out_dir, "token")

    def test_written_0600_nothing_on_stdout(self):
        res = self.token("--source", "gce", "--no-cache", "--output", self.path, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, b"", "--output prints nothing\n" + res.describe())
        self.assertEqual(res.stderr, b"", res.describe())
        self.assert_private_file(self.path)
        with open(self.path) as f:
            content = f.read()
        # the token alone: Azure's Python SDK sends the file verbatim as a client assertion
        self.assertEqual(content, self.issued()[0])
        self.assert_no_temp_files(self.out_dir, ["token"])

    def test_replaced_atomically(self):
        with open(self.path, "w") as f:
            f.write("old-token\n")
        os.chmod(self.path, 0o644)
        old = os.stat(self.path)
        reader = open(self.path)
        self.addCleanup(reader.close)
        res = self.token("--source", "gce", "--no-cache", "--output", self.path, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        new = self.assert_private_file(self.path)
        self.assertNotEqual(old.st_ino, new.st_ino, "must be replaced by rename")
        self.assertEqual(reader.read(), "old-token\n", "the old inode stays whole")
        with open(self.path) as f:
            self.assertEqual(f.read().strip(), self.issued()[0])
        self.assert_no_temp_files(self.out_dir, ["token"])

    def test_output_group_makes_the_file_group_readable(self):
        group = grp.getgrgid(os.getegid()).gr_name
        res = self.token("--source", "gce", "--no-cache", "--output", self.path,
                         "--output-group", group, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, b"", res.describe())
        st = os.stat(self.path)
        self.assertEqual(st.st_mode & 0o7777, 0o640)
        self.assertEqual(st.st_gid, os.getegid())
        with open(self.path) as f:
            self.assertEqual(f.read().strip(), self.issued()[0])
        self.assert_no_temp_files(self.out_dir, ["token"])

    def test_unknown_output_group_is_a_usage_error_before_any_fetch(self):
        res = self.token("--source", "gce", "--no-cache", "--output", self.path,
                         "--output-group", "no-such-group-fedcred", env=self.env)
        self.assert_token_failure(res, EXIT_USAGE, mentions=["no such group"])
        self.assertEqual(self.issued(), [], "nothing may be fetched")
        self.assertFalse(os.path.exists(self.path))

    def test_each_refresh_rewrites(self):
        for _ in range(2):
            res = self.token("--source", "gce", "--no-cache", "--output", self.path, env=self.env)
            self.assertEqual(res.returncode, 0, res.describe())
        with open(self.path) as f:
            self.assertEqual(f.read().strip(), self.issued()[1])

    def test_directory_missing(self):
        path = os.path.join(self.sandbox.root, "nope", "token")
        res = self.token("--source", "gce", "--no-cache", "--output", path, env=self.env)
        self.assert_token_failure(res, EXIT_IO, mentions=["nope"], secrets=self.issued())

    def test_a_directory_in_its_place(self):
        os.makedirs(self.path)
        res = self.token("--source", "gce", "--no-cache", "--output", self.path, env=self.env)
        self.assert_token_failure(res, EXIT_IO, secrets=self.issued())
        self.assertTrue(os.path.isdir(self.path))

    def test_file_source_to_output(self):
        key = gce_metadata.SigningKey()
        src = os.path.join(self.sandbox.root, "ci.jwt")
        for sub in ("run-1", "run-2"):
            now = int(time.time())
            token = key.sign({"iss": "https://ci.example.com", "sub": sub, "aud": AUDIENCE_HTTPS,
                              "iat": now, "exp": now + 600})
            with open(src, "w") as f:
                f.write(token + "\n")
            res = self.token("--source", "file", "--token-file", src, "--output", self.path,
                             env=self.env)
            self.assertEqual(res.returncode, 0, res.describe())
            self.assertEqual(res.stdout, b"")
            with open(self.path) as f:
                self.assertEqual(f.read().strip(), token, "re-read on every call")
        self.assert_private_file(self.path)


if __name__ == "__main__":
    unittest.main()
