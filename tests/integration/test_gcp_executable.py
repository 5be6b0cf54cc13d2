"""`fedcred gcp`, the executable-sourced credential for Google's libraries (issue 4), with the
subject-token sources that need no AWS: `gce` (the metadata stand-in) and `file`.

What Google's libraries rely on (docs/PROTOCOLS.md section 7): the success document's shape and
types, nothing on stderr, GOOGLE_EXTERNAL_ACCOUNT_* honoured (audience, token type, output file,
interactive), the output file written atomically with mode 0600, and on failure the error
document with the documented exit code and no token anywhere."""

import json
import os
import time
import unittest


import gce_metadata  # noqa: E402
from harness import GceStsFixture, refused_port  # noqa: E402
from test_gcp_support import (AUDIENCE, AUDIENCE_HTTPS, EXIT_IO, EXIT_SOURCE,  # noqa: E402
                              EXIT_USAGE, ID_TOKEN_TYPE, JWT_TYPE, OTHER_AUDIENCE, SAML2_TYPE,
                              THIRD_AUDIENCE, GcpTestCase, jwt_claims)

IDENTITY = gce_metadata.IDENTITY_PATH


class GceSourceCase(GceStsFixture, GcpTestCase):
    """The metadata stand-in as the subject-token source; Google's variables set as the Node
    library sets them (audience, token type, interactive 0)."""

    with_sts = False
    env_extra = {
        "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": AUDIENCE,
        "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE": JWT_TYPE,
        "GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE": "0",
    }

    def identity_audiences(self):
        return [r["query"].get("audience") for r in self.md.stats()["records"]
                if r["path"] == IDENTITY]

    def issued(self):
        return self.md.stats()["issued"]


class TestSuccessDocument(GceSourceCase):
    def test_shape_types_and_expiration(self):
        res = self.gcp("--source", "gce", "--no-cache", env=self.env)
        doc, claims = self.assert_gcp_success(res)
        self.assertEqual(doc["id_token"], self.issued()[0], "the token is the source's token")
        self.assertEqual(claims["aud"], AUDIENCE_HTTPS)
        self.assertTrue(res.stdout.endswith(b"}") or res.stdout.endswith(b"}\n"),
                        "nothing after the document")

    def test_token_type_defaults_to_jwt(self):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=None))
        self.assert_gcp_success(res, token_type=JWT_TYPE)

    def test_token_type_id_token_is_echoed(self):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=ID_TOKEN_TYPE))
        self.assert_gcp_success(res, token_type=ID_TOKEN_TYPE)

    def test_stderr_empty_even_with_google_variables_and_impersonation(self):
        # everything the Node and Python libraries inject
        env = self.with_env(GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL="sa@p.iam.gserviceaccount.com",
                            GOOGLE_EXTERNAL_ACCOUNT_ID="sa@p.iam.gserviceaccount.com",
                            GOOGLE_EXTERNAL_ACCOUNT_REVOKE="0")
        self.assert_gcp_success(self.gcp("--source", "gce", "--no-cache", env=env))

    def test_verbose_writes_nothing_on_stderr_in_gcp_mode(self):
        # issue 7: "-v/--verbose prints each step to stderr (not in gcp mode)": a -v left in a
        # credential config's command must not corrupt the response Google's libraries parse
        res = self.gcp("--source", "gce", "--no-cache", "-v", env=self.env)
        self.assert_gcp_success(res)
        self.assertEqual(res.stderr, b"", "gcp mode writes nothing on stderr, -v included")
        # the same -v does print the steps for the other commands
        token = self.run_raw("token", "--no-cache", "-v", env=self.env)
        self.assertEqual(token.returncode, 0, token.describe())
        self.assertIn(b"fedcred: debug:", token.stderr)
        self.assert_no_secret_bytes(type(token)(token.args, 0, b"", token.stderr, 0), self.issued())


class TestOutputFile(GceSourceCase):
    def test_written_with_mode_0600_and_the_same_document(self):
        out_dir = os.path.join(self.sandbox.root, "gcp-out")
        os.makedirs(out_dir)
        path = os.path.join(out_dir, "response.json")
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        doc, _ = self.assert_gcp_success(res)
        self.assert_private_file(path)
        with open(path, "rb") as f:
            on_disk = json.loads(f.read())
        self.assertEqual(on_disk, doc, "the output file holds the printed document")
        self.assertIs(type(on_disk["expiration_time"]), int,
                      "expiration_time is mandatory in the output file")
        self.assert_no_temp_files(out_dir, ["response.json"])

    def test_replaced_atomically(self):
        out_dir = os.path.join(self.sandbox.root, "gcp-out")
        os.makedirs(out_dir)
        path = os.path.join(out_dir, "response.json")
        with open(path, "w") as f:
            f.write('{"version":1,"success":false,"code":"x","message":"stale"}')
        os.chmod(path, 0o644)
        old = os.stat(path)
        # a reader holding the old file keeps seeing a whole document
        reader = open(path, "rb")
        self.addCleanup(reader.close)
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        doc, _ = self.assert_gcp_success(res)
        new = self.assert_private_file(path)
        self.assertNotEqual((old.st_ino, old.st_dev), (new.st_ino, new.st_dev),
                            "the file must be replaced by rename, not rewritten in place")
        self.assertIn(b"stale", reader.read(), "the old inode must be left intact")
        with open(path) as f:
            self.assertEqual(json.load(f), doc)
        self.assert_no_temp_files(out_dir, ["response.json"])

    def test_cache_hit_still_writes_the_file(self):
        self.assert_gcp_success(self.gcp("--source", "gce", env=self.env))
        path = os.path.join(self.sandbox.root, "later.json")
        res = self.gcp("--source", "gce", env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        doc, _ = self.assert_gcp_success(res)
        self.assertEqual(self.md.stats()["identity_requests"], 1, "second run is a cache hit")
        with open(path) as f:
            self.assertEqual(json.load(f), doc)
        self.assert_private_file(path)

    def assert_unwritable(self, path):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        self.assertEqual(self.md.stats()["identity_requests"], 1, "the token was fetched first")
        doc = self.assert_gcp_failure(res, EXIT_IO, secrets=self.issued())
        self.assertIn(os.path.basename(path), doc["message"], "the message names the file")
        return doc

    def test_directory_missing(self):
        self.assert_unwritable(os.path.join(self.sandbox.root, "no-such-dir", "response.json"))

    def test_a_directory_in_its_place(self):
        path = os.path.join(self.sandbox.root, "response.json")
        os.makedirs(path)
        self.assert_unwritable(path)
        self.assertTrue(os.path.isdir(path), "the directory must be left alone")
        self.assertEqual(os.listdir(path), [])

    def test_parent_is_a_file(self):
        parent = os.path.join(self.sandbox.root, "plain-file")
        with open(parent, "w") as f:
            f.write("x")
        self.assert_unwritable(os.path.join(parent, "response.json"))


class TestGoogleVariables(GceSourceCase):
    def test_saml2_is_a_usage_error(self):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=SAML2_TYPE))
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["saml"])
        self.assertEqual(self.md.stats()["requests"], 0, "nothing fetched for a usage error")

    def test_unknown_token_type_is_a_usage_error(self):
        res = self.gcp("--source", "gce", "--no-cache", env=self.with_env(
            GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE="urn:ietf:params:oauth:token-type:access_token"))
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["token"])

    def test_interactive_is_a_usage_error(self):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE="1"))
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["interactive"])
        self.assertEqual(self.md.stats()["requests"], 0)

    def test_interactive_zero_is_fine(self):
        self.assert_gcp_success(self.gcp("--source", "gce", "--no-cache", env=self.env))

    def test_missing_audience(self):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=None))
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["audience"])
        self.assertEqual(self.md.stats()["requests"], 0)

    def test_audience_not_a_provider(self):
        bad = [
            "sts.amazonaws.com",
            "https://iam.googleapis.com/",
            "//iam.googleapis.com/projects/my-project/locations/global/workloadIdentityPools/"
            "pool/providers/aws",                                        # project id, not number
            "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool",
            "//iam.googleapis.com/locations/global/workforcePools/wf/providers/p",  # workforce
            "//iam.googleapis.com/projects/123456/locations/europe-west1/"
            "workloadIdentityPools/pool/providers/aws",
            "//evil.example.com/projects/123456/locations/global/workloadIdentityPools/pool/"
            "providers/aws",
            AUDIENCE + "/extra",
        ]
        for audience in bad:
            with self.subTest(audience=audience):
                for where in ("env", "flag"):
                    if where == "env":
                        res = self.gcp("--source", "gce", "--no-cache", env=self.with_env(
                            GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=audience))
                    else:
                        res = self.gcp("--source", "gce", "--no-cache", "--audience", audience,
                                       env=self.env)
                    self.assert_gcp_failure(res, EXIT_USAGE, mentions=["audience"])
        self.assertEqual(self.md.stats()["requests"], 0)

    def test_https_form_of_the_audience_is_accepted(self):
        res = self.gcp("--source", "gce", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=AUDIENCE_HTTPS))
        _, claims = self.assert_gcp_success(res)
        self.assertEqual(claims["aud"], AUDIENCE_HTTPS)

    def test_subject_token_requested_for_the_https_provider(self):
        self.assert_gcp_success(self.gcp("--source", "gce", "--no-cache", env=self.env))
        self.assertEqual(self.identity_audiences(), [AUDIENCE_HTTPS])

    def test_flag_beats_env_beats_profile(self):
        self.sandbox.write_config("[profile wif]\nsource = gce\naudience = %s\n" % THIRD_AUDIENCE)
        cases = [
            # (flag, env, expected provider)
            (OTHER_AUDIENCE, AUDIENCE, OTHER_AUDIENCE),
            (None, AUDIENCE, AUDIENCE),
            (None, None, THIRD_AUDIENCE),
            (OTHER_AUDIENCE, None, OTHER_AUDIENCE),
        ]
        for flag, env_value, expected in cases:
            with self.subTest(flag=flag, env=env_value):
                self.md.reset()
                args = ["--profile", "wif", "--no-cache"]
                if flag:
                    args += ["--audience", flag]
                res = self.gcp(*args, env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=env_value))
                _, claims = self.assert_gcp_success(res)
                self.assertEqual(claims["aud"], "https:" + expected)
                self.assertEqual(self.identity_audiences(), ["https:" + expected])

    def test_command_line_errors_print_the_error_document(self):
        # a typo in credential_source.executable.command is a failure like any other:
        # "In gcp mode a failure also prints {"version":1,"success":false,...}"
        for args in (["--bogus"], ["--timeout", "0"], ["--audience"], ["--token-duration", "5"],
                     ["stray-argument"]):
            with self.subTest(args=args):
                res = self.gcp("--source", "gce", "--no-cache", *args, env=self.env)
                self.assert_gcp_failure(res, EXIT_USAGE)
        self.assertEqual(self.md.stats()["requests"], 0)

    def test_bad_config_file_prints_the_error_document(self):
        conf = self.sandbox.write_config("[profile wif]\nno_such_key = 1\n")
        res = self.gcp("--config", conf, "--profile", "wif", env=self.env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["no_such_key"])

    def test_profile_from_config_file_flag(self):
        conf = self.sandbox.write_config(
            "[profile wif]\nsource = gce\naudience = %s\n" % OTHER_AUDIENCE,
            path=os.path.join(self.sandbox.root, "other.conf"))
        res = self.gcp("--config", conf, "--profile", "wif", "--no-cache",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=None))
        _, claims = self.assert_gcp_success(res)
        self.assertEqual(claims["aud"], "https:" + OTHER_AUDIENCE)


class TestGceSourceAndCache(GceSourceCase):
    def test_second_call_is_a_cache_hit(self):
        first, _ = self.assert_gcp_success(self.gcp("--source", "gce", env=self.env))
        second, _ = self.assert_gcp_success(self.gcp("--source", "gce", env=self.env))
        self.assertEqual(self.md.stats()["identity_requests"], 1,
                         "the second call must be served from the cache")
        self.assertEqual(first, second)

    def test_cache_is_per_audience(self):
        self.assert_gcp_success(self.gcp("--source", "gce", env=self.env))
        res = self.gcp("--source", "gce", env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=OTHER_AUDIENCE))
        _, claims = self.assert_gcp_success(res)
        self.assertEqual(claims["aud"], "https:" + OTHER_AUDIENCE)
        self.assertEqual(self.md.stats()["identity_requests"], 2)

    def test_no_cache_fetches_every_time(self):
        for _ in range(2):
            self.assert_gcp_success(self.gcp("--source", "gce", "--no-cache", env=self.env))
        self.assertEqual(self.md.stats()["identity_requests"], 2)

    def test_metadata_server_unreachable(self):
        env = self.with_env(GCE_METADATA_HOST="127.0.0.1:%d" % refused_port(self))
        res = self.gcp("--source", "gce", "--no-cache", "--timeout", "3", env=env)
        self.assertIn(res.returncode, (EXIT_SOURCE,), res.describe())
        self.assert_gcp_failure(res, res.returncode, mentions=["127.0.0.1"])

    def test_metadata_server_refuses(self):
        self.md.set_fault({"status": 404})
        res = self.gcp("--source", "gce", "--no-cache", "--timeout", "3", env=self.env)
        self.assert_gcp_failure(res, EXIT_SOURCE)

    def test_failure_does_not_write_the_output_file(self):
        path = os.path.join(self.sandbox.root, "response.json")
        self.md.set_fault({"status": 404})
        res = self.gcp("--source", "gce", "--no-cache", "--timeout", "3",
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        self.assert_gcp_failure(res, EXIT_SOURCE)
        self.assertFalse(os.path.exists(path), "a failure must not leave a response file")


class TestFileSource(GceSourceCase):
    """Source `file`: a token file (Kubernetes projected token, CI OIDC token) re-read on
    every call."""

    def setUp(self):
        super().setUp()
        self.key = gce_metadata.SigningKey()
        self.token_path = os.path.join(self.sandbox.root, "token.jwt")

    def write_token(self, sub, lifetime=600, newline=True):
        now = int(time.time())
        token = self.key.sign({"iss": "https://ci.example.com", "sub": sub,
                               "aud": AUDIENCE_HTTPS, "iat": now, "exp": now + lifetime})
        tmp = self.token_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(token + ("\n" if newline else ""))
        os.replace(tmp, self.token_path)
        return token

    def test_token_from_the_file(self):
        token = self.write_token("job-1", lifetime=1234)
        res = self.gcp("--source", "file", "--token-file", self.token_path, env=self.env)
        doc, claims = self.assert_gcp_success(res)
        self.assertEqual(doc["id_token"], token, "the file's token, newline stripped")
        self.assertEqual(doc["expiration_time"], claims["exp"])
        self.assertEqual(self.md.stats()["requests"], 0)

    def test_reread_on_every_call(self):
        first = self.write_token("job-1")
        res1 = self.gcp("--source", "file", "--token-file", self.token_path, env=self.env)
        self.assertEqual(self.assert_gcp_success(res1)[0]["id_token"], first)
        second = self.write_token("job-2", newline=False)
        self.assertNotEqual(first, second)
        # the cache stays enabled: source file must not be served from it
        res2 = self.gcp("--source", "file", "--token-file", self.token_path, env=self.env)
        doc2, claims2 = self.assert_gcp_success(res2)
        self.assertEqual(doc2["id_token"], second)
        self.assertEqual(claims2["sub"], "job-2")

    def test_token_file_from_profile(self):
        token = self.write_token("job-p")
        self.sandbox.write_config("[profile ci]\nsource = file\ntoken_file = %s\n"
                                  % self.token_path)
        res = self.gcp("--profile", "ci", env=self.env)
        self.assertEqual(self.assert_gcp_success(res)[0]["id_token"], token)

    def test_output_file_with_file_source(self):
        token = self.write_token("job-o")
        path = os.path.join(self.sandbox.root, "out.json")
        res = self.gcp("--source", "file", "--token-file", self.token_path,
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        doc, _ = self.assert_gcp_success(res)
        self.assertEqual(doc["id_token"], token)
        self.assert_private_file(path)
        with open(path) as f:
            self.assertEqual(json.load(f), doc)

    def test_missing_file(self):
        res = self.gcp("--source", "file", "--token-file",
                       os.path.join(self.sandbox.root, "absent.jwt"), env=self.env)
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["absent.jwt"])

    def test_empty_file(self):
        with open(self.token_path, "w"):
            pass
        res = self.gcp("--source", "file", "--token-file", self.token_path, env=self.env)
        self.assert_gcp_failure(res, EXIT_SOURCE, mentions=["empty"])

    def test_no_token_file_given(self):
        res = self.gcp("--source", "file", env=self.env)
        self.assert_gcp_failure(res, EXIT_USAGE, mentions=["token_file"])

    def test_not_a_jwt_is_refused_without_echoing_it(self):
        secret = "not-a-jwt-but-a-secret-0123456789abcdef"
        with open(self.token_path, "w") as f:
            f.write(secret + "\n")
        res = self.gcp("--source", "file", "--token-file", self.token_path, env=self.env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertIn(res.returncode, (EXIT_SOURCE, 6), res.describe())
        self.assert_gcp_failure(res, res.returncode, secrets=[secret])

    def test_saml2_refused_before_reading_the_file(self):
        token = self.write_token("job-s")
        res = self.gcp("--source", "file", "--token-file", self.token_path,
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=SAML2_TYPE))
        self.assert_gcp_failure(res, EXIT_USAGE, secrets=[token])

    def test_unwritable_output_file_hides_the_token(self):
        token = self.write_token("job-u")
        path = os.path.join(self.sandbox.root, "missing", "out.json")
        res = self.gcp("--source", "file", "--token-file", self.token_path,
                       env=self.with_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=path))
        self.assert_gcp_failure(res, EXIT_IO, secrets=[token])

    def test_expired_token_file(self):
        now = int(time.time())
        token = self.key.sign({"iss": "https://ci.example.com", "sub": "old", "aud": AUDIENCE_HTTPS,
                               "iat": now - 7200, "exp": now - 3600})
        with open(self.token_path, "w") as f:
            f.write(token)
        res = self.gcp("--source", "file", "--token-file", self.token_path, env=self.env)
        # Google's libraries reject an expired response ("Executable response is expired"):
        # handing one over could only fail later, less clearly
        if res.returncode == 0:
            self.fail("an expired token file was handed to Google's library as valid\n"
                      + res.describe())
        self.assert_gcp_failure(res, res.returncode, secrets=[token], mentions=["expir"])


if __name__ == "__main__":
    unittest.main()
