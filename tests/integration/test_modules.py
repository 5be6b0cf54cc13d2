"""Which modules fedcred agrees to load (plugin/core/module_runner.cc): a module runs with the
caller's privileges and sees its credentials, so only a regular file owned by root or the
caller, writable by its owner only, in a directory with the same rules, is dlopen()ed. Anything
else is refused before loading, with exit 2 and a message naming the file."""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "standins"))

from harness import EXIT_SOURCE, EXIT_USAGE, ROLE_ARN, FedcredTestCase, fedcred_bin  # noqa: E402

BUILD_MODULES = os.path.join(os.path.dirname(os.path.dirname(fedcred_bin())), "plugin", "modules")


class TestModuleLoading(FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.moddir = os.path.join(self.sandbox.root, "modules")
        os.mkdir(self.moddir, 0o755)
        for name in ("fedcred-gce.so", "fedcred-sts.so"):
            shutil.copy(os.path.join(BUILD_MODULES, name), self.moddir)
            os.chmod(os.path.join(self.moddir, name), 0o755)
        # nothing listens on port 1: a loaded gce module fails with "source unavailable"
        self.env = self.sandbox.env(metadata_host="127.0.0.1:1",
                                    extra={"FEDCRED_MODULE_DIR": self.moddir})

    def run_aws(self):
        return self.fedcred("aws", "--role-arn", ROLE_ARN, "--no-cache", "--timeout", "2", env=self.env)

    def test_a_safe_copy_is_loaded(self):
        res = self.run_aws()
        self.assertEqual(res.returncode, EXIT_SOURCE, res.describe())
        self.assertIn("127.0.0.1:1", res.stderr)

    def test_a_module_writable_by_others_is_refused(self):
        os.chmod(os.path.join(self.moddir, "fedcred-gce.so"), 0o775)
        res = self.run_aws()
        self.assert_failure(res, EXIT_USAGE, mentions=("fedcred-gce.so", "refused"))

    def test_a_symlinked_module_is_refused(self):
        real = os.path.join(self.sandbox.root, "elsewhere.so")
        os.rename(os.path.join(self.moddir, "fedcred-gce.so"), real)
        os.symlink(real, os.path.join(self.moddir, "fedcred-gce.so"))
        res = self.run_aws()
        self.assert_failure(res, EXIT_USAGE, mentions=("fedcred-gce.so", "refused"))

    def test_a_directory_writable_by_others_is_refused(self):
        os.chmod(self.moddir, 0o777)
        res = self.run_aws()
        self.assert_failure(res, EXIT_USAGE, mentions=("fedcred-gce.so", "refused"))

    @unittest.skipUnless(os.geteuid() == 0, "needs root to hand the file to another user")
    def test_a_module_owned_by_another_user_is_refused(self):
        os.chown(os.path.join(self.moddir, "fedcred-gce.so"), 65534, 65534)
        res = self.run_aws()
        self.assert_failure(res, EXIT_USAGE, mentions=("fedcred-gce.so", "refused"))

    def test_an_unknown_source_is_a_usage_error(self):
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--source", "nosuch", "--no-cache", env=self.env)
        self.assert_failure(res, EXIT_USAGE, mentions=("fedcred-nosuch.so", "source"))


if __name__ == "__main__":
    unittest.main()
