"""Which modules fedcred agrees to load (plugin/core/module_host/runner.cc): a module runs with
the caller's privileges and sees its credentials, so only a regular file owned by root or the
caller, writable by its owner only, in a directory chain up to / with the same rules (a
root-owned sticky directory such as /tmp allowed), is dlopen()ed, through the descriptor checked. Anything
else is refused before loading, with exit 1 (internal: a broken installation, as fedcred(1)
and libfedcred(3) say) and a message naming the file."""

import os
import shutil
import unittest


from harness import EXIT_INTERNAL, EXIT_SOURCE, EXIT_USAGE, ROLE_ARN, FedcredTestCase, fedcred_bin  # noqa: E402

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
        self.assert_failure(res, EXIT_INTERNAL, mentions=("fedcred-gce.so", "refused"))

    def test_a_symlinked_module_is_refused(self):
        real = os.path.join(self.sandbox.root, "elsewhere.so")
        os.rename(os.path.join(self.moddir, "fedcred-gce.so"), real)
        os.symlink(real, os.path.join(self.moddir, "fedcred-gce.so"))
        res = self.run_aws()
        self.assert_failure(res, EXIT_INTERNAL, mentions=("fedcred-gce.so", "refused"))

    def test_a_directory_writable_by_others_is_refused(self):
        os.chmod(self.moddir, 0o777)
        res = self.run_aws()
        self.assert_failure(res, EXIT_INTERNAL, mentions=("fedcred-gce.so", "refused"))

    def test_a_parent_directory_writable_by_others_is_refused(self):
        # Whoever can write to any directory above the modules can rename the module
        # directory away and put their own in its place: every parent up to / is checked,
        # as ssh checks the path to its keys (issue 12, item 6).
        shared = os.path.join(self.sandbox.root, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        moddir = os.path.join(shared, "modules")
        os.rename(self.moddir, moddir)
        env = dict(self.env, FEDCRED_MODULE_DIR=moddir)
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--no-cache", "--timeout", "2", env=env)
        self.assert_failure(res, EXIT_INTERNAL, mentions=("fedcred-gce.so", "refused", shared))

    def test_a_module_directory_reached_through_a_symlink_is_checked_where_it_points(self):
        shared = os.path.join(self.sandbox.root, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        os.rename(self.moddir, os.path.join(shared, "modules"))
        os.symlink(os.path.join(shared, "modules"), self.moddir)
        res = self.run_aws()
        self.assert_failure(res, EXIT_INTERNAL, mentions=("fedcred-gce.so", "refused", shared))

    def test_the_checked_descriptor_is_what_gets_loaded(self):
        # dlopen() by path after checking would load whatever the path names by then;
        # the library loads /proc/self/fd/N of the descriptor it checked.
        env = dict(self.env, LD_DEBUG="files")
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--no-cache", "--timeout", "2", env=env)
        self.assertEqual(res.returncode, EXIT_SOURCE, res.describe())
        loaded = [line for line in res.stderr.splitlines()
                  if "file=" in line and "dynamically loaded by" in line]
        self.assertTrue(loaded, res.describe())
        self.assertIn("file=/proc/self/fd/", loaded[0])
        self.assertFalse(any("file=%s" % self.moddir in line for line in loaded), loaded)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to hand the file to another user")
    def test_a_module_owned_by_another_user_is_refused(self):
        os.chown(os.path.join(self.moddir, "fedcred-gce.so"), 65534, 65534)
        res = self.run_aws()
        self.assert_failure(res, EXIT_INTERNAL, mentions=("fedcred-gce.so", "refused"))

    def test_an_unknown_source_is_a_usage_error(self):
        res = self.fedcred("aws", "--role-arn", ROLE_ARN, "--source", "nosuch", "--no-cache", env=self.env)
        self.assert_failure(res, EXIT_USAGE, mentions=("fedcred-nosuch.so", "source"))


if __name__ == "__main__":
    unittest.main()
