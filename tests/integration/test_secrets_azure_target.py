"""No secret on any failure path of `fedcred azure` (issues 6 and 22.8), the sweep of
test_secrets.py for Azure as the target: every refusal and fault this file can provoke, with and
without -v, keeps the workload's assertion (the metadata server's ID token, the outbound STS's
web identity token), the instance role's keys, static AWS keys and every Entra token out of
stdout, stderr and the audit line. Among them an Entra that quotes the client assertion back
in its error description and in a broken 200 answer: fedcred must not relay it."""

import json
import os
import sys
import unittest

from azure_support import AWS_CLIENT_ID, GCP_CLIENT_ID, STORAGE_SCOPE, AzureStandins  # noqa: E402
from fault_server import EchoingFormServer  # noqa: E402
from harness import STATIC_CANARY, FedcredTestCase, refused_port, token_secrets  # noqa: E402

UNKNOWN_CLIENT_ID = "0a0a0a0a-1111-4222-8333-0000000000ff"


def EchoingEntra(tls, status):
    """An https Entra token endpoint that quotes the request's client_assertion back: in an
    AADSTS error description (status 401) or, with status 200, in an answer that is no token."""
    def answer(assertion, _headers):
        if status == 200:
            doc = {"token_type": "Bearer", "expires_in": "soon", "access_token": None,
                   "echo": assertion}
        else:
            doc = {"error": "invalid_client", "error_codes": [700213],
                   "error_description": "AADSTS700213: No matching federated identity "
                                        "record found for presented assertion " + assertion +
                                        " (client_assertion=" + assertion + ")"}
        return status, "application/json", json.dumps(doc)
    return EchoingFormServer("client_assertion", answer, tls=tls)


class TestNoSecretOnAzureFailurePaths(AzureStandins, FedcredTestCase):
    @classmethod
    def start_standins(cls):
        super().start_standins()
        cls.echo401 = EchoingEntra(cls.ca.server_context(), 401)
        cls.echo200 = EchoingEntra(cls.ca.server_context(), 200)

    @classmethod
    def tearDownClass(cls):
        cls.echo200.stop()
        cls.echo401.stop()
        super().tearDownClass()

    def all_secrets(self):
        out = [STATIC_CANARY["AWS_SECRET_ACCESS_KEY"], STATIC_CANARY["AWS_SESSION_TOKEN"]]
        for token in (self.md.stats()["issued"] + self.entra.stats()["issued"] +
                      self.entra.stats()["assertions"] + self.outbound.stats()["issued"] +
                      self.echo401.seen + self.echo200.seen):
            out += token_secrets(token)
        creds = self.imds.stats()["credentials"]
        out += [creds["SecretAccessKey"], creds["Token"]]
        out += [t for t in self.imds.stats().get("tokens", []) if isinstance(t, str) and len(t) >= 16]
        return [s for s in out if s]

    def test_every_azure_failure_path(self):
        sandbox = self.sandbox
        common = {"CURL_CA_BUNDLE": self.ca.ca_path, "AZURE_AUTHORITY_HOST": self.entra.url}

        def gce_env(**extra):
            return sandbox.env(metadata_host=self.md.host, extra=dict(common, **extra))

        def aws_env(**extra):
            base = dict(common, AWS_EC2_METADATA_DISABLED=None,
                        AWS_EC2_METADATA_SERVICE_ENDPOINT=self.imds.url)
            base.update(extra)
            return sandbox.env(sts_url=self.outbound.url, extra=base)

        def azure(client_id=GCP_CLIENT_ID, tenant_id=None, *extra, scope=STORAGE_SCOPE):
            return ["azure", "--tenant-id", tenant_id or self.entra.tenant_id, "--client-id", client_id,
                    "--scope", scope, "--timeout", "3", "--no-cache"] + list(extra)

        aws_source = ["--source", "aws"]
        refused = "https://127.0.0.1:%d" % refused_port(self)
        # (name, argv, env, metadata fault, entra fault, outbound sts fault)
        cases = [
            ("no federated credential", azure(AWS_CLIENT_ID), gce_env(), None, None, None),
            ("unknown application", azure(UNKNOWN_CLIENT_ID), gce_env(), None, None, None),
            ("unknown tenant", azure(GCP_CLIENT_ID, "0a0a0a0a-1111-4222-8333-00000000dead"), gce_env(),
             None, None, None),
            ("unknown resource", azure(scope="https://nope.example/.default"),
             gce_env(), None, None, None),
            ("entra 503 forever", azure(), gce_env(), None, {"status": 503}, None),
            ("entra refused", azure(), gce_env(AZURE_AUTHORITY_HOST=refused), None, None, None),
            ("entra echoes the assertion (401)", azure(), gce_env(AZURE_AUTHORITY_HOST=self.echo401.url),
             None, None, None),
            ("entra echoes the assertion (200, no token)", azure(),
             gce_env(AZURE_AUTHORITY_HOST=self.echo200.url), None, None, None),
            ("entra TLS unverified", azure(), gce_env(CURL_CA_BUNDLE="/etc/ssl/certs/ca-certificates.crt"),
             None, None, None),
            ("metadata 500 forever", azure(), gce_env(), {"status": 500}, None, None),
            ("metadata garbage", azure(), gce_env(), {"body": "<html>portal</html>"}, None, None),
            ("aws: no federated credential", azure(GCP_CLIENT_ID, None, *aws_source), aws_env(), None,
             None, None),
            ("aws: entra echoes", azure(AWS_CLIENT_ID, None, *aws_source),
             aws_env(AZURE_AUTHORITY_HOST=self.echo401.url), None, None, None),
            ("aws: sts AccessDenied", azure(AWS_CLIENT_ID, None, *aws_source), aws_env(), None, None,
             {"code": "AccessDenied", "status": 403}),
            ("aws: static keys, signature mismatch", azure(AWS_CLIENT_ID, None, *aws_source),
             aws_env(**STATIC_CANARY), None, None, None),
            ("usage: bad tenant, static keys", azure(GCP_CLIENT_ID, "common", *aws_source),
             aws_env(**STATIC_CANARY), None, None, None),
            ("usage: http authority", azure(), gce_env(AZURE_AUTHORITY_HOST=self.entra.url.replace(
                "https:", "http:")), None, None, None),
            ("output unwritable", azure(GCP_CLIENT_ID, None, "--output", "/nonexistent/dir/token"),
             gce_env(), None, None, None),
        ]
        leaks, ran, outcomes = [], 0, []
        for name, argv, env, md_fault, entra_fault, out_fault in cases:
            for verbose in (False, True):
                for server in (self.md, self.entra, self.outbound, self.imds):
                    server.reset()
                self.md.set_fault(md_fault or {})
                self.entra.set_fault(entra_fault or {})
                self.outbound.set_fault(out_fault or {})
                audit_before = len(sandbox.syslog.lines)
                res = self.fedcred(*(argv + (["-v"] if verbose else [])), env=env, timeout=60)
                ran += 1
                label = "%s%s" % (name, " -v" if verbose else "")
                outcomes.append("%s: exit %d" % (label, res.returncode))
                with self.subTest(case=label):
                    self.assertNotEqual(res.returncode, 0, "expected a failure\n" + res.describe())
                    audit = "\n".join(sandbox.syslog.wait_for(audit_before + 1)[audit_before:])
                    text = res.stdout + "\n" + res.stderr + "\n" + audit
                    for secret in self.all_secrets():
                        if secret in text:
                            leaks.append("%s: %s... in output or audit" % (label, secret[:10]))
        if os.environ.get("FEDCRED_TEST_VERBOSE"):
            print("\n".join(outcomes), file=sys.stderr)
        self.assertEqual(leaks, [], "secrets leaked:\n" + "\n".join(leaks))
        self.assertEqual(ran, 2 * len(cases))
        # the sweep saw real secrets: assertions were made and echoed back
        self.assertTrue(self.echo401.seen and self.echo200.seen, "the echoing Entra was never reached")

    def test_success_debug_log_has_no_secret(self):
        env = self.sandbox.env(metadata_host=self.md.host, extra={
            "CURL_CA_BUNDLE": self.ca.ca_path, "AZURE_AUTHORITY_HOST": self.entra.url})
        res = self.fedcred("azure", "--tenant-id", self.entra.tenant_id, "--client-id", GCP_CLIENT_ID,
                           "--format", "json", "--no-cache", "-v", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        for secret in self.all_secrets():
            self.assertNotIn(secret, res.stderr, "a secret in the -v log")
        self.assertIn(json.loads(res.stdout)["accessToken"], self.entra.stats()["issued"])
        self.assertTrue(self.entra.stats()["assertions"])


if __name__ == "__main__":
    unittest.main()
