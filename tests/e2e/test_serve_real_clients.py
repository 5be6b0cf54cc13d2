"""End to end, `fedcred serve`'s container route with the clients from Debian's packages that read
only AWS_CONTAINER_AUTHORIZATION_TOKEN (the value, issue 21.9): the AWS CLI 2.9 (/usr/bin/aws),
rclone 1.60 and restic 0.14, each reading or writing moto_server's S3 with the role the server
assumed; rclone also against a socket-activated server whose first request is its own (issue
21.8: the early 503 made it fail). Each client is skipped when it is not installed."""

import os
import shutil
import subprocess
import unittest


from e2e_base import BUCKET, KEY  # noqa: E402
from serve_e2e_base import ServeE2ETestCase  # noqa: E402
from test_serve_support import PROFILE as SERVE_PROFILE  # noqa: E402
from test_serve_support import ServeProcess  # noqa: E402

AWS_CLI_2_9 = "/usr/bin/aws"
GO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go")


def need(program):
    path = shutil.which(program) if not os.path.isabs(program) else program
    if not path or not os.access(path, os.X_OK):
        raise unittest.SkipTest("%s is not installed" % program)
    return path


class TestServeWithRealClients(ServeE2ETestCase):
    def value_env(self, url=None, token=None):
        """The client environment with the token's value, not its file."""
        env = {k: v for k, v in self.client_env.items() if k != "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token or self.server.token()
        if url:
            env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url
        env["RCLONE_CONFIG"] = os.path.join(self.sandbox.root, "rclone.conf")
        return env

    def rclone_cat(self, env):
        return self.sandbox.run(
            [need("rclone"), "cat", ":s3:%s/%s" % (BUCKET, KEY), "--s3-provider", "Other",
             "--s3-env-auth", "--s3-endpoint", self.moto.url, "--s3-region", "us-east-1",
             "--s3-force-path-style=true",
             "--retries", "1", "--low-level-retries", "1"], env=env, timeout=120)

    def test_aws_cli_2_9_reads_the_plain_variable(self):
        aws = need(AWS_CLI_2_9)
        res = self.sandbox.run([aws, "sts", "get-caller-identity", "--output", "text", "--query", "Arn",
                                "--endpoint-url", self.moto.url], env=self.value_env(), timeout=120)
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
        self.assertEqual(res.stdout.strip(), self.expected_serve_arn())
        self.assert_server_log_clean()

    def test_rclone_reads_the_object(self):
        res = self.rclone_cat(self.value_env())
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
        self.assertEqual(res.stdout, self.content)

    def go_program(self, name):
        """tests/e2e/go/NAME built with Debian's Go SDKs (GO111MODULE=off, GOPATH=/usr/share/gocode)."""
        go = need("go")
        if not os.path.isdir("/usr/share/gocode/src/github.com/aws"):
            raise unittest.SkipTest("Debian's Go AWS SDKs are not installed")
        out = os.path.join(self.sandbox.root, name)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.sandbox.home,
               "GO111MODULE": "off", "GOPATH": "/usr/share/gocode",
               # a cache across runs: Debian's SDKs compile once
               "GOCACHE": os.path.join("/tmp", "fedcred-e2e-gocache-%d" % os.getuid())}
        res = subprocess.run([go, "build", "-o", out, "."], cwd=os.path.join(GO_DIR, name), env=env,
                             capture_output=True, text=True, timeout=600)
        self.assertEqual(res.returncode, 0, res.stderr)
        return out

    def test_go_sdks_read_the_plain_variable(self):
        for name in ("serve_sdk_v1", "serve_sdk_v2"):
            with self.subTest(name):
                program = self.go_program(name)
                res = self.sandbox.run([program, self.moto.url], env=self.value_env(), timeout=120)
                self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
                self.assertEqual(res.stdout.strip(), self.expected_serve_arn())

    def test_restic_initialises_a_repository(self):
        restic = need("restic")
        env = dict(self.value_env(), RESTIC_PASSWORD="fedcred-e2e-password",
                   RESTIC_CACHE_DIR=os.path.join(self.sandbox.root, "restic-cache"))
        repo = "s3:%s/%s/restic-%d" % (self.moto.url, BUCKET, os.getpid())
        res = self.sandbox.run([restic, "-r", repo, "init"], env=env, timeout=120)
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + self.server.log())
        self.assertIn("created restic repository", res.stdout)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_rclone_starts_a_socket_activated_server(self):
        need("rclone")
        token = "socket-activated-e2e-token-0123456789"
        # the first fetch takes a while (a slow metadata server), so rclone's first request
        # arrives before the first credentials, as on a booting VM
        self.md.set_fault({"hang": 2.0, "times": 1})
        activated = ServeProcess(self.sandbox,
                                 self.sandbox.env(metadata_host=self.md.host, sts_url=self.moto.url),
                                 ["--aws-profile", SERVE_PROFILE], socket_activated=True,
                                 token_file=os.path.join(self.sandbox.root, "activated-token"))
        self.addCleanup(activated.stop)
        activated.write_token(token)
        activated.wait_listening()  # not started: that is rclone's request
        res = self.rclone_cat(self.value_env(url=activated.url + "/aws/credentials", token=token))
        self.assertEqual(res.returncode, 0, res.describe() + "\n" + activated.log())
        self.assertEqual(res.stdout, self.content)


if __name__ == "__main__":
    unittest.main()
