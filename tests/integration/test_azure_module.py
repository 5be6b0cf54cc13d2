"""fedcred-azure.so over its real transport (libcurl, TLS) against the Azure stand-ins the real
Azure clients passed (tests/e2e/test_azure_clients.py), before any command uses it (issue 22):
the Entra exchange with a GCE and an AWS identity, an AADSTS refusal as exit 4 with its fix and
no assertion in the message, the IMDS source for the system- and a user-assigned identity,
never through a proxy. Each operation runs in tests/integration/module_driver.py, which calls the
module through its one exported entry as libfedcred does."""

import hashlib
import json
import os
import subprocess
import sys
import time
import unittest

import fake_azure_imds  # noqa: E402
from azure_support import (AWS_CLIENT_ID, GCP_CLIENT_ID, STORAGE_SCOPE as SCOPE,  # noqa: E402
                           AzureStandins)
from harness import (EXIT_DENIED, EXIT_OK, EXIT_SOURCE, EXIT_USAGE, FedcredTestCase,  # noqa: E402
                     fedcred_bin, token_secrets)

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "module_driver.py")


def azure_module():
    directory = os.environ.get("FEDCRED_MODULE_DIR") or os.path.join(
        os.path.dirname(os.path.dirname(fedcred_bin())), "plugin", "modules")
    return os.path.join(directory, "fedcred-azure.so")


def sanitizer_runtime(path):
    """The sanitizer runtime a module built with -fsanitize expects its host to bring
    (undefined __asan_/__ubsan_ symbols), or None."""
    try:
        out = subprocess.run(["nm", "-D", "--undefined-only", path], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for name in ("__asan_", "__ubsan_"):
        if name in out:
            return name.strip("_")
    return None


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


class AzureModuleCase(AzureStandins, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.assertTrue(os.path.isfile(azure_module()), "not built: " + azure_module())
        runtime = sanitizer_runtime(azure_module())
        if runtime:
            # module_driver.py loads the module into python, which has no sanitizer runtime;
            # under .ci/sanitizers the module's code runs in its unit tests and through fedcred
            self.skipTest("the module is built with %s: python cannot host it" % runtime)

    def run_module(self, operation, env_extra=None, **params):
        env = self.sandbox.env(extra=dict({"CURL_CA_BUNDLE": self.ca.ca_path}, **(env_extra or {})))
        argv = [sys.executable, DRIVER, azure_module(), operation]
        argv += ["%s=%s" % (k, v) for k, v in params.items()]
        argv.append("deadline_ms=%d" % (time.clock_gettime(time.CLOCK_MONOTONIC) * 1000 + 20000))
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    def entra_token(self, assertion, client_id=GCP_CLIENT_ID, **changes):
        params = {"authority": self.entra.url, "tenant_id": self.entra.tenant_id,
                  "client_id": client_id, "scope": SCOPE, "client_assertion": assertion}
        params.update(changes)
        return self.run_module("entra_token", **params)

    def assert_issued_by_entra(self, out, key="access_token"):
        self.assertEqual(out["status"], EXIT_OK, out)
        issued = {sha(t) for t in self.entra.stats()["issued"]}
        self.assertIn(out["results"][key]["sha256"], issued)


class TestEntraExchange(AzureModuleCase):
    def test_gce_identity(self):
        out = self.entra_token(self.gce_assertion())
        self.assert_issued_by_entra(out)
        expiration = out["results"]["expiration"]
        self.assertRegex(expiration, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        form = self.entra.stats()["forms"][0]
        self.assertEqual(form["grant_type"], "client_credentials")
        self.assertEqual(form["scope"], SCOPE)

    def test_aws_identity(self):
        out = self.entra_token(self.aws_assertion(), client_id=AWS_CLIENT_ID)
        self.assert_issued_by_entra(out)
        self.assertEqual(self.entra.stats()["verified"][0]["sub"], self.outbound.role_arn)

    def test_no_federated_credential_is_denied_with_the_code_and_fix(self):
        assertion = self.md.key.sign(self.gce_claims(sub="999", azp="999"))
        out = self.entra_token(assertion)
        self.assertEqual(out["status"], EXIT_DENIED, out)
        self.assertIn("AADSTS700213 (invalid_client)", out["error"])
        self.assertIn("az ad app federated-credential create --id " + GCP_CLIENT_ID, out["error"])
        for secret in token_secrets(assertion):
            self.assertNotIn(secret, json.dumps(out))
        self.assertEqual(self.entra.stats()["issued"], [])

    def test_http_authority_is_refused_before_any_request(self):
        out = self.entra_token(self.gce_assertion(),
                               authority=self.entra.url.replace("https:", "http:"))
        self.assertEqual(out["status"], EXIT_USAGE, out)
        self.assertEqual(self.entra.stats()["token_requests"], 0)

    def test_an_untrusted_certificate_is_refused(self):
        # the system's CAs only: the stand-in's test CA is not among them
        out = self.run_module("entra_token",
                              env_extra={"CURL_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"},
                              authority=self.entra.url, tenant_id=self.entra.tenant_id,
                              client_id=GCP_CLIENT_ID, scope=SCOPE,
                              client_assertion=self.gce_assertion())
        self.assertNotEqual(out["status"], EXIT_OK, out)
        self.assertIn("TLS certificate verification failed", out["error"])
        self.assertEqual(self.entra.stats()["token_requests"], 0)


class TestImdsSource(AzureModuleCase):
    def test_system_assigned(self):
        out = self.run_module("subject_token", audience="https://management.azure.com/",
                              azure_imds_endpoint=self.azure_imds.url)
        self.assert_issued_by_entra(out, "subject_token")
        record = self.azure_imds.stats()["records"][0]
        self.assertEqual(record["metadata"], "true")
        self.assertEqual(self.azure_imds.stats()["issued"][0]["identity"],
                         fake_azure_imds.SYSTEM_IDENTITY["client_id"])

    def test_user_assigned_never_through_a_proxy(self):
        dead = "http://127.0.0.1:9"   # a proxy that answers nothing
        out = self.run_module("subject_token",
                              env_extra={"http_proxy": dead, "HTTP_PROXY": dead, "ALL_PROXY": dead},
                              audience="https://storage.azure.com",
                              azure_imds_endpoint=self.azure_imds.url,
                              mi_res_id=fake_azure_imds.USER_IDENTITY["msi_res_id"])
        self.assert_issued_by_entra(out, "subject_token")
        self.assertFalse(self.azure_imds.stats()["records"][0]["proxied"])
        self.assertEqual(self.azure_imds.stats()["issued"][0]["identity"],
                         fake_azure_imds.USER_IDENTITY["client_id"])

    def test_unknown_identity_is_a_source_error(self):
        out = self.run_module("subject_token", audience="https://storage.azure.com",
                              azure_imds_endpoint=self.azure_imds.url,
                              mi_client_id="00000000-0000-4000-8000-000000000000")
        self.assertEqual(out["status"], EXIT_SOURCE, out)
        self.assertIn("Identity not found", out["error"])
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1, "a 400 is not retried")


if __name__ == "__main__":
    unittest.main()
