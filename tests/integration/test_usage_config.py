"""Usage and config errors (exit 2) are found before any network call: each test asserts that
neither the metadata stand-in nor the fake STS saw a single request. Also: profiles from the
config file, [default] inheritance, and flags overriding the profile."""

import os
import unittest


import gce_metadata  # noqa: E402
from harness import EXIT_USAGE, ROLE_ARN, FedcredTestCase, GceStsFixture  # noqa: E402

OTHER_ARN = "arn:aws:iam::210987654321:role/from-config"


class ConfigTestCase(GceStsFixture, FedcredTestCase):
    def assert_no_requests(self, res):
        self.assertEqual(self.md.stats()["requests"], 0,
                         "a usage error must be found before contacting the metadata server\n"
                         + res.describe())
        self.assertEqual(self.sts.stats()["requests"], 0,
                         "a usage error must be found before contacting STS\n" + res.describe())

    def usage_error(self, res, mentions=(), mentions_any=()):
        self.assert_failure(res, EXIT_USAGE, mentions=mentions, mentions_any=mentions_any)
        self.assert_no_requests(res)

    def config_with(self, text):
        return self.sandbox.write_config(text)


class TestUsageErrors(ConfigTestCase):
    def test_malformed_role_arn(self):
        for arn in ("not-an-arn", "arn:aws:iam::123456789012", "arn:aws:iam::123456789012:role/",
                    "arn:aws:iam::123456789012:role/bad name", "x" * 2049):
            with self.subTest(arn=arn[:40]):
                self.md.reset()
                self.sts.reset()
                res = self.aws(role_arn=arn, env=self.env)
                # the error names what the user typed: the flag (issue 20)
                self.usage_error(res, mentions=("--role-arn: '", "is not an IAM role ARN"))

    def test_missing_role_arn(self):
        res = self.aws(role_arn=None, env=self.env)
        self.usage_error(res, mentions_any=("role_arn", "role-arn"))

    def test_malformed_session_name(self):
        for name in ("a", "has space", "slash/name", "x" * 65, "colon:name", "é-unicode"):
            with self.subTest(session_name=name):
                self.md.reset()
                self.sts.reset()
                res = self.aws("--session-name", name, env=self.env)
                self.usage_error(res, mentions=("--session-name: ",))

    def test_malformed_duration(self):
        for value in ("899", "43201", "0", "-3600", "abc", "3600s", "", "1e3",
                      "99999999999999999999"):
            with self.subTest(duration=value):
                self.md.reset()
                self.sts.reset()
                res = self.aws("--duration", value, env=self.env)
                self.usage_error(res, mentions=("--duration: ",))

    def test_malformed_timeout(self):
        for value in ("abc", "-1", "0"):
            with self.subTest(timeout=value):
                self.md.reset()
                self.sts.reset()
                res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", value,
                                   env=self.env)
                self.usage_error(res, mentions=("--timeout: ",))

    def test_every_validated_flag_names_itself(self):
        # fedcred(1): an error names where the value came from (issue 20).
        for command, flag, value in (("aws", "--region", "us-east-1a"), ("aws", "--source", "Bad Source"),
                                     ("aws", "--token-file", "relative"), ("aws", "--audience", "a b"),
                                     ("gcp", "--token-duration", "59"), ("token", "--timeout", "0"),
                                     ("access-token", "--format", "xml"), ("access-token", "--scopes", "a b"),
                                     ("doctor", "--role-arn", "bad"),
                                     ("setup", "gcp-cred-config --token-url", "http://example.com"),
                                     ("setup", "gcp-cred-config --service-account", "nobody"),
                                     # azure is a provider since issue 22.5
                                     ("setup", "gcp-cred-config --provider", "oidc"),
                                     ("aws", "--azure-client-id", "nope"),
                                     ("gcp", "--azure-resource", "a b")):
            with self.subTest(command=command, flag=flag):
                args = [command] + flag.split(" ") + ([value] if value is not None else [])
                res = self.fedcred(*args, env=self.env)
                name = flag.split(" ")[-1].split("=")[0]
                if command == "gcp":
                    self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
                    self.assertIn(name + ": ", res.stdout, res.describe())
                else:
                    self.usage_error(res, mentions=(name + ": ",))

    def test_unknown_flag(self):
        res = self.aws("--rolearn", ROLE_ARN, env=self.env)
        self.usage_error(res, mentions=("--rolearn",))

    def test_flag_missing_its_value(self):
        res = self.fedcred("aws", "--role-arn", env=self.env)
        self.usage_error(res, mentions=("--role-arn",))

    def test_unknown_source(self):
        res = self.aws("--source", "no-such-source", env=self.env)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assert_failure(res, res.returncode, mentions=("no-such-source",))
        self.assert_no_requests(res)

    def test_unknown_profile(self):
        self.config_with("[profile ci]\nrole_arn = %s\n" % ROLE_ARN)
        res = self.fedcred("aws", "--profile", "nope", "--timeout", "5", env=self.env)
        self.usage_error(res, mentions=("nope",))


class TestConfigErrors(ConfigTestCase):
    """Config errors name the file and the line."""

    def test_unknown_key_names_file_and_line(self):
        path = self.config_with("# fedcred test config\n[default]\naudience = sts.amazonaws.com\n"
                                "\n[profile ci]\nrole_arn = %s\nrolearn = typo\n" % ROLE_ARN)
        res = self.fedcred("aws", "--profile", "ci", "--timeout", "5", env=self.env)
        self.usage_error(res, mentions=("%s:7" % path, "rolearn"))

    def test_unknown_key_in_default_section(self):
        path = self.config_with("[default]\nrole_arn = %s\ncolour = blue\n" % ROLE_ARN)
        res = self.fedcred("aws", "--timeout", "5", env=self.env)
        self.usage_error(res, mentions=("%s:3" % path, "colour"))

    def test_bad_number_names_file_and_line(self):
        path = self.config_with("[profile ci]\nrole_arn = %s\nduration = 12x\n" % ROLE_ARN)
        res = self.fedcred("aws", "--profile", "ci", "--timeout", "5", env=self.env)
        self.usage_error(res, mentions=("%s:3" % path, "duration"))

    def test_duration_out_of_range_in_config(self):
        path = self.config_with("[profile ci]\nrole_arn = %s\n\nduration = 60\n" % ROLE_ARN)
        res = self.fedcred("aws", "--profile", "ci", "--timeout", "5", env=self.env)
        self.usage_error(res, mentions=("%s:4" % path, "duration"))

    def test_bad_timeout_in_config(self):
        path = self.config_with("[default]\ntimeout = soon\n")
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, env=self.env)
        self.usage_error(res, mentions=("%s:2" % path, "timeout"))

    def test_bad_role_arn_in_config(self):
        path = self.config_with("[profile ci]\nsession_name = ok-name\nrole_arn = not-an-arn\n")
        res = self.fedcred("aws", "--profile", "ci", "--timeout", "5", env=self.env)
        # the same value from a file names file:line, then the key as written there
        self.usage_error(res, mentions=("%s:3: role_arn: 'not-an-arn' is not an IAM role ARN" % path,))

    def test_config_flag_file_is_read(self):
        other = os.path.join(self.sandbox.root, "other.conf")
        self.sandbox.write_config("[default]\nbogus_key = 1\n", path=other)
        res = self.fedcred("aws", "--config", other, "--role-arn", ROLE_ARN, "--timeout", "5",
                           env=self.env)
        self.usage_error(res, mentions=("%s:2" % other, "bogus_key"))

    def test_xdg_user_config_is_read_without_fedcred_config(self):
        user_conf = os.path.join(self.sandbox.xdg_config, "fedcred", "fedcred.conf")
        os.makedirs(os.path.dirname(user_conf))
        self.sandbox.write_config("[default]\nnot_a_key = 1\n", path=user_conf)
        env = dict(self.env)
        env.pop("FEDCRED_CONFIG")
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", "5", env=env)
        self.usage_error(res, mentions=("%s:2" % user_conf,))


    def test_unreadable_user_config_is_skipped_with_a_warning(self):
        """A service user run with root's HOME (sudo -u, su without -): the per-user file it
        may not open is skipped with a warning naming it (issue 12, item 7); the same file
        named by FEDCRED_CONFIG stays an error. As uid 65534: root opens any file."""
        if os.geteuid() != 0:
            self.skipTest("needs root to run fedcred as another user")
        os.chmod(self.sandbox.root, 0o711)  # uid 65534 may pass through, not list
        roots_home = os.path.join(self.sandbox.root, "roots-home")
        user_conf = os.path.join(roots_home, ".config", "fedcred", "fedcred.conf")
        os.makedirs(os.path.dirname(user_conf), mode=0o700)
        os.chmod(roots_home, 0o700)
        self.sandbox.write_config("[default]\nregion = us-east-1\n", path=user_conf)
        env = dict(self.env, HOME=roots_home)
        for name in ("FEDCRED_CONFIG", "XDG_CONFIG_HOME"):
            env.pop(name)

        def run(run_env):
            res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", "5", "--no-cache",
                               env=run_env, uid=65534)
            return res.returncode, res.stdout, res.stderr

        code, out, err = run(env)
        self.assertEqual(code, 0, err)
        self.assertIn("AccessKeyId", out)
        self.assertIn("warning", err)
        self.assertIn(user_conf, err)
        self.assertIn("Permission denied", err)
        self.md.reset()
        self.sts.reset()
        code, out, err = run(dict(env, FEDCRED_CONFIG=user_conf))
        self.assertEqual((code, out), (EXIT_USAGE, ""), err)
        self.assertIn(user_conf, err)
        self.assertEqual(self.sts.stats()["requests"], 0, err)

    def test_syntax_error_names_file_and_line(self):
        path = self.config_with("[default]\nregion = us-east-1\nthis line has no equals sign\n")
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", "5", env=self.env)
        self.usage_error(res, mentions=("%s:3" % path,))

    def test_misspelled_section_is_refused(self):
        # "[profle ...]" is a typo of "[profile ...]", with or without keys under it
        for text, line in (("[default]\nregion = us-east-1\n[profle s3-reader]\n", 3),
                           ("[profle s3-reader]\nrole_arn = %s\n" % ROLE_ARN, 1)):
            with self.subTest(config=text):
                self.md.reset()
                self.sts.reset()
                path = self.config_with(text)
                res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", "5",
                                   env=self.env)
                self.usage_error(res, mentions=("%s:" % path, "profle"))

    def test_missing_config_file_is_usage_error(self):
        # a file the user named (--config / FEDCRED_CONFIG) that is missing is a mistake in
        # the command line: exit 2, naming the file
        missing = os.path.join(self.sandbox.root, "no-such-dir", "fedcred.conf")
        for how in ("flag", "env"):
            with self.subTest(given_by=how):
                if how == "flag":
                    res = self.fedcred("aws", "--config", missing, "--role-arn", ROLE_ARN,
                                       "--timeout", "5", env=self.env)
                else:
                    res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", "5",
                                       env=dict(self.env, FEDCRED_CONFIG=missing))
                self.usage_error(res, mentions=(missing,))

    def test_bad_boolean_names_file_and_line(self):
        for key in ("use_fips_endpoint", "cache"):
            with self.subTest(key=key):
                path = self.config_with("[default]\n\n%s = maybe\n" % key)
                res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--timeout", "5",
                                   env=self.env)
                self.usage_error(res, mentions=("%s:3" % path, key))


class TestEndpointErrors(ConfigTestCase):
    """A bad STS endpoint is a config error found before anything is sent: the token must not
    be fetched, let alone sent in clear text or to a host hidden behind user info."""

    def test_bad_endpoint_overrides(self):
        for url in ("http://sts.example.invalid/", "ftp://127.0.0.1/",
                    "http://localhost:1@sts.example.invalid:5000/sts", "not a url"):
            for var in ("AWS_ENDPOINT_URL_STS",):  # AWS_ENDPOINT_URL never steers STS
                with self.subTest(url=url, variable=var):
                    self.md.reset()
                    self.sts.reset()
                    env = dict(self.env)
                    env.pop("AWS_ENDPOINT_URL_STS")
                    env[var] = url
                    res = self.aws(env=env)
                    self.usage_error(res, mentions_any=(var, "endpoint"))

    def test_plain_http_metadata_overrides_only_to_metadata_hosts(self):
        # Metadata requests are plain http and answer with tokens and keys: the same rule as
        # any plain-http override (issue 12, item 13), checked before anything is sent.
        token_aws = ["token", "--source", "aws", "--audience", "//iam.googleapis.com/x",
                     "--timeout", "3", "--no-cache"]
        aws = ["aws", "--role-arn", ROLE_ARN, "--timeout", "3", "--no-cache"]
        for var, value, argv in (("GCE_METADATA_HOST", "metadata.evil.example:80", aws),
                                 ("GCE_METADATA_HOST", "10.1.2.3", aws),
                                 ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://imds.evil.example",
                                  token_aws),
                                 ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://10.1.2.3:80/",
                                  token_aws)):
            with self.subTest(variable=var, value=value):
                self.md.reset()
                self.sts.reset()
                env = dict(self.env, AWS_EC2_METADATA_DISABLED="false")
                env[var] = value
                res = self.fedcred(*argv, env=env)
                self.usage_error(res, mentions=(var, "link-local"))

    def test_bad_region(self):
        res = self.aws("--region", "not a region", env=self.env)
        self.usage_error(res, mentions=("region",))


class TestProfiles(ConfigTestCase):
    def run_ok(self, *args):
        res = self.fedcred(*args, env=self.env)
        self.assert_credentials(res)
        self.assertEqual(self.sts.stats()["assume_calls"], 1)
        return self.sts.stats()["forms"][0]

    def test_profile_from_config_is_used(self):
        self.config_with("[profile ci]\nrole_arn = %s\nsession_name = from-config\n"
                         "duration = 1800\naudience = sts.amazonaws.com\ntimeout = 5\n"
                         % OTHER_ARN)
        form = self.run_ok("aws", "--profile", "ci", "--no-cache")
        self.assertEqual(form["RoleArn"], OTHER_ARN)
        self.assertEqual(form["RoleSessionName"], "from-config")
        self.assertEqual(form["DurationSeconds"], "1800")

    def test_default_section_is_inherited(self):
        self.config_with("[default]\nduration = 2700\nsession_name = inherited\n\n"
                         "[profile ci]\nrole_arn = %s\n" % OTHER_ARN)
        form = self.run_ok("aws", "--profile", "ci", "--no-cache", "--timeout", "5")
        self.assertEqual(form["RoleArn"], OTHER_ARN)
        self.assertEqual(form["DurationSeconds"], "2700")
        self.assertEqual(form["RoleSessionName"], "inherited")

    def test_default_section_used_without_profile(self):
        self.config_with("[default]\nrole_arn = %s\n" % OTHER_ARN)
        form = self.run_ok("aws", "--no-cache", "--timeout", "5")
        self.assertEqual(form["RoleArn"], OTHER_ARN)

    def test_flags_override_profile(self):
        self.config_with("[profile ci]\nrole_arn = %s\nsession_name = from-config\n"
                         "duration = 1800\naudience = https://config.example\n" % OTHER_ARN)
        form = self.run_ok("aws", "--profile", "ci", "--no-cache", "--timeout", "5",
                           "--role-arn", ROLE_ARN, "--session-name", "from-flag",
                           "--duration", "1000", "--audience", "sts.amazonaws.com")
        self.assertEqual(form["RoleArn"], ROLE_ARN)
        self.assertEqual(form["RoleSessionName"], "from-flag")
        self.assertEqual(form["DurationSeconds"], "1000")
        ident = [r for r in self.md.stats()["records"]
                 if r["path"] == gce_metadata.IDENTITY_PATH]
        self.assertEqual(ident[0]["query"]["audience"], "sts.amazonaws.com")

    def test_profile_audience_is_requested(self):
        self.config_with("[profile ci]\nrole_arn = %s\naudience = https://config.example\n"
                         % OTHER_ARN)
        self.run_ok("aws", "--profile", "ci", "--no-cache", "--timeout", "5")
        ident = [r for r in self.md.stats()["records"]
                 if r["path"] == gce_metadata.IDENTITY_PATH]
        self.assertEqual(ident[0]["query"]["audience"], "https://config.example")

    def test_all_documented_keys_are_accepted(self):
        self.config_with("[default]\nregion = eu-west-1\nuse_fips_endpoint = false\n"
                         "cache = false\ntimeout = 5\nsource = gce\n\n"
                         "[profile all]\nrole_arn = %s\naudience = sts.amazonaws.com\n"
                         "session_name = all-keys\nduration = 3600\n" % OTHER_ARN)
        form = self.run_ok("aws", "--profile", "all", "--no-cache")
        self.assertEqual(form["RoleSessionName"], "all-keys")


if __name__ == "__main__":
    unittest.main()
