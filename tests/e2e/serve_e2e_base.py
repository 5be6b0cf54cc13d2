"""Common set-up of the `fedcred serve` end-to-end tests: the metadata stand-in and moto_server
(STS + S3, via e2e_base), a running `fedcred serve --aws-profile web` whose STS is moto, and a
client environment that knows nothing but the container-credentials variables (no ~/.aws
config, no keys): AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

from e2e_base import E2ETestCase  # noqa: E402
from test_serve_support import PROFILE as SERVE_PROFILE  # noqa: E402
from test_serve_support import ServeProcess, profile_config  # noqa: E402


class ServeE2ETestCase(E2ETestCase):
    def setUp(self):
        super().setUp()
        self.sandbox.write_config(profile_config())
        server_env = self.sandbox.env(metadata_host=self.md.host, sts_url=self.moto.url)
        self.server = ServeProcess(self.sandbox, server_env, ["--aws-profile", SERVE_PROFILE])
        self.addCleanup(self.server.stop)
        self.server.wait_ready()
        # the client: no credentials of any kind but the container endpoint
        with open(self.sandbox.aws_config, "w") as f:
            f.write("")
        self.client_env = dict(self.env)
        self.client_env.update({
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": self.server.url + "/aws/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": self.server.token_file,
        })

    def expected_serve_arn(self):
        return self.expected_arn()

    def assert_server_log_clean(self, *secrets):
        log = self.server.log()
        for secret in (self.server.token(),) + secrets:
            self.assertNotIn(secret, log)
