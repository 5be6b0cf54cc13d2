"""`fedcred serve --azure-profile` (issue 22.3) with the real Azure clients, unchanged: Debian's
python3-azure (azure-identity 1.13.0b2) and @azure/identity 4.13.1 (MSAL Node), their
ManagedIdentityCredential and DefaultAzureCredential, through both managed-identity forms
(App Service: IDENTITY_ENDPOINT + IDENTITY_HEADER; IMDS: AZURE_POD_IDENTITY_AUTHORITY_HOST,
probe included), get the Entra token the server exchanged with a GCE-like and an AWS-like
machine's identity, and read the blob stand-in, which accepts only tokens Entra issued. The
python client run as another local user gets nothing.
"""

import os
import subprocess
import unittest

from azure_e2e_base import PYTHON_CLIENT, AzureFixture  # noqa: E402
from azure_support import AWS_CLIENT_ID, GCP_CLIENT_ID, STORAGE_SCOPE  # noqa: E402
from harness import FedcredTestCase  # noqa: E402
from local_users import OTHER_USER, other_user  # noqa: E402
from test_serve_support import ServeProcess  # noqa: E402

AZURE_PROFILE = "entra"


class ServeAzureClientCase(AzureFixture, FedcredTestCase):
    def start_serve(self, machine="gce"):
        if machine == "gce":
            env = self.sandbox.env(metadata_host=self.md.host, extra={})
            profile = "client_id = %s\n" % GCP_CLIENT_ID
        else:
            env = self.sandbox.env(sts_url=self.outbound.url, extra={
                "AWS_EC2_METADATA_DISABLED": None,
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url})
            profile = "client_id = %s\nsource = aws\n" % AWS_CLIENT_ID
        env.update({"AZURE_AUTHORITY_HOST": self.entra.url, "CURL_CA_BUNDLE": self.ca.ca_path})
        self.sandbox.write_config("[profile %s]\ntenant_id = %s\n%stimeout = 10\n"
                                  % (AZURE_PROFILE, self.entra.tenant_id, profile))
        server = ServeProcess(self.sandbox, env, ["--azure-profile", AZURE_PROFILE])
        self.addCleanup(server.stop)
        return server.wait_ready()

    def app_service_env(self, server):
        return self.client_env(IDENTITY_ENDPOINT=server.url + "/msi/token",
                               IDENTITY_HEADER=server.token())

    def imds_env(self, server):
        return self.client_env(AZURE_POD_IDENTITY_AUTHORITY_HOST=server.url)

    def assert_served(self, run, server, client_id=GCP_CLIENT_ID):
        """The client read the blob with a token Entra issued to the profile's application, and
        the server's log holds none of it."""
        self.assert_token_from_entra(run)
        self.assertEqual(self.blob.stats()["readers"][-1], client_id)
        self.assertEqual(self.azure_imds.stats()["token_requests"], 0,
                         "the client went to the Azure IMDS stand-in, not to fedcred")
        log = server.log()
        for token in self.entra.stats()["issued"]:
            self.assertNotIn(token, log)
        self.assertNotIn(server.token(), log)


class TestAppServiceForm(ServeAzureClientCase):
    def test_python_managed_identity_credential(self):
        server = self.start_serve()
        run = self.python_client("environment", STORAGE_SCOPE, self.blob_url,
                                 env=self.app_service_env(server))
        self.assert_served(run, server)

    def test_node_managed_identity_credential(self):
        server = self.start_serve()
        run = self.node_client("managed", STORAGE_SCOPE, self.blob_url, env=self.app_service_env(server))
        self.assert_served(run, server)

    def test_node_selects_the_profiles_application_by_client_id(self):
        server = self.start_serve()
        run = self.node_client("managed", STORAGE_SCOPE, self.blob_url,
                               env=dict(self.app_service_env(server), AZURE_MI_CLIENT_ID=GCP_CLIENT_ID))
        self.assert_served(run, server)

    def test_a_wrong_identity_header_gets_no_token(self):
        server = self.start_serve()
        env = dict(self.app_service_env(server), IDENTITY_HEADER="not-the-token-file-" + "x" * 30)
        for run in (self.python_client("environment", STORAGE_SCOPE, env=env),
                    self.node_client("managed", STORAGE_SCOPE, env=env)):
            self.assertNotEqual(run.returncode, 0, run.describe())
            self.assertIn("IDENTITY_HEADER", run.stderr)
        self.assertEqual(self.entra.stats()["token_requests"], 0)


class TestImdsForm(ServeAzureClientCase):
    def test_python_managed_identity_credential(self):
        server = self.start_serve()
        run = self.python_client("environment", STORAGE_SCOPE, self.blob_url, env=self.imds_env(server))
        self.assert_served(run, server)

    def test_node_managed_identity_credential(self):
        server = self.start_serve()
        run = self.node_client("managed", STORAGE_SCOPE, self.blob_url, env=self.imds_env(server))
        self.assert_served(run, server)

    def test_from_an_aws_like_machine(self):
        server = self.start_serve("aws")
        run = self.python_client("environment", STORAGE_SCOPE, self.blob_url, env=self.imds_env(server))
        self.assert_served(run, server, client_id=AWS_CLIENT_ID)
        claims = self.entra.stats()["verified"][0]
        self.assertEqual(claims["iss"], self.outbound.issuer)


class TestDefaultAzureCredential(ServeAzureClientCase):
    def test_python_through_app_service(self):
        server = self.start_serve()
        run = self.python_client("default", STORAGE_SCOPE, self.blob_url, env=self.app_service_env(server))
        self.assert_served(run, server)

    def test_node_through_imds(self):
        server = self.start_serve()
        run = self.node_client("default", STORAGE_SCOPE, self.blob_url, env=self.imds_env(server))
        self.assert_served(run, server)


class TestCallers(ServeAzureClientCase):
    def test_python_as_another_user_gets_nothing(self):
        other_user()
        server = self.start_serve()
        for env in (self.app_service_env(server), self.imds_env(server)):
            argv = ["setpriv", "--reuid", OTHER_USER, "--regid", OTHER_USER, "--init-groups",
                    self.python, PYTHON_CLIENT, "environment", STORAGE_SCOPE]
            proc = subprocess.run(argv, env=dict(env, HOME="/"), capture_output=True, text=True,
                                  timeout=120, cwd="/")
            self.assertNotEqual(proc.returncode, 0, proc.stdout)
            self.assertIn("CallerNotAllowed", proc.stderr)
        self.assertEqual(self.entra.stats()["token_requests"], 0)
        self.assertEqual(self.entra.stats()["issued"], [])


if __name__ == "__main__":
    unittest.main()
