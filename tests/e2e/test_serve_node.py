"""End to end, `fedcred serve` with the AWS SDK for JavaScript v3 (@aws-sdk/client-sts and
@aws-sdk/credential-providers, pinned in tests/e2e/node/package.json and package-lock.json;
`npm ci --prefix tests/e2e/node` installs them): fromHttp and fromContainerMetadata through
the server's container endpoint, fromProcess through credential_process (`fedcred aws`), all
calling STS GetCallerIdentity on moto_server. The server and the process share one cache:
one exchange for all of them."""

import json
import os
import shlex
import shutil
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

from serve_e2e_base import SERVE_PROFILE, ServeE2ETestCase  # noqa: E402
from harness import fedcred_bin  # noqa: E402

NODE_DIR = os.path.join(HERE, "node")
SCRIPT = os.path.join(NODE_DIR, "aws_caller_identity.js")


def node_problem():
    if not shutil.which("node"):
        return "node is not installed"
    for package in ("client-sts", "credential-providers"):
        if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "@aws-sdk", package)):
            return ("@aws-sdk/%s is not installed: run `npm ci --prefix tests/e2e/node`" % package)
    return None


class TestServeWithJavaScriptSdk(ServeE2ETestCase):
    def setUp(self):
        problem = node_problem()
        if problem:
            self.fail(problem)
        super().setUp()

    def node(self, provider, extra=None):
        env = dict(self.client_env, E2E_PROVIDER=provider, E2E_STS_ENDPOINT=self.moto.url)
        env.update(extra or {})
        res = self.sandbox.run(["node", SCRIPT], env=env, timeout=120)
        self.assertTrue(res.stdout.strip(), res.describe())
        out = json.loads(res.stdout)
        self.assertTrue(out["ok"], res.describe() + "\n" + self.server.log())
        self.assertEqual(res.returncode, 0)
        self.assertEqual(out["arn"], self.expected_serve_arn())
        return out

    def test_from_http_with_token_file(self):
        out = self.node("http")
        served = self.server.credentials().json()
        self.assertEqual(out["accessKeyId"], served["AccessKeyId"])
        self.assertEqual(out["expiration"].replace(".000Z", "Z"), served["Expiration"])

    def test_from_container_metadata(self):
        out = self.node("container", {"AWS_CONTAINER_AUTHORIZATION_TOKEN": self.server.token()})
        self.assertTrue(out["accessKeyId"].startswith("ASIA"))

    def test_from_process_shares_the_servers_exchange(self):
        via_server = self.node("http")
        with open(self.sandbox.aws_config, "w") as f:
            f.write("[profile js]\ncredential_process = %s aws --profile %s\n"
                    % (shlex.quote(fedcred_bin()), SERVE_PROFILE))
        env = {k: None for k in ("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")}
        env.update({"E2E_PROFILE": "js", "FEDCRED_CONFIG": self.sandbox.config_path})
        client_env = {k: v for k, v in dict(self.client_env, **env).items() if v is not None}
        res = self.sandbox.run(["node", SCRIPT], env=dict(client_env, E2E_PROVIDER="process",
                                                          E2E_STS_ENDPOINT=self.moto.url),
                               timeout=120)
        out = json.loads(res.stdout)
        self.assertTrue(out["ok"], res.describe())
        self.assertEqual(out["arn"], self.expected_serve_arn())
        self.assertEqual(out["accessKeyId"], via_server["accessKeyId"], "one cache, one exchange")
        self.assertEqual(self.md.stats()["identity_requests"], 1)


if __name__ == "__main__":
    unittest.main()
