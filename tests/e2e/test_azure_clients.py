"""The Azure stand-ins proven faithful with the real clients, before fedcred relies on them
(issue 22, item 6): @azure/identity 4.13.1 (Node) and Debian's python3-azure
(azure-identity 1.13.0b2) get Entra tokens from the Entra stand-in with a GCP or an AWS
workload's identity as the client assertion, from a token file, and from the Azure IMDS
stand-in, and read a blob with them; and the stand-in refuses what Entra refuses, with
Entra's AADSTS code reaching the client.
"""

import time
import unittest
import urllib.error
import urllib.request

import fake_azure_imds  # noqa: E402
from azure_e2e_base import AzureFixture  # noqa: E402
from azure_support import AWS_CLIENT_ID, GCP_CLIENT_ID, STORAGE_SCOPE  # noqa: E402
from gce_metadata import SigningKey  # noqa: E402
from harness import FedcredTestCase  # noqa: E402


class AzureClientCase(AzureFixture, FedcredTestCase):
    pass


class TestClientAssertion(AzureClientCase):
    def test_python_gcp_identity(self):
        path = self.write_assertion(self.gce_assertion())
        run = self.python_client("assertion", self.entra.tenant_id, GCP_CLIENT_ID, path,
                                 STORAGE_SCOPE, self.blob_url, env=self.client_env())
        self.assert_token_from_entra(run)
        verified = self.entra.stats()["verified"]
        self.assertEqual([c["iss"] for c in verified], ["https://accounts.google.com"])
        form = self.entra.stats()["forms"][0]
        self.assertEqual(form["grant_type"], "client_credentials")
        self.assertEqual(form["client_assertion_type"],
                         "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")

    def test_node_aws_identity(self):
        path = self.write_assertion(self.aws_assertion())
        run = self.node_client("assertion", self.entra.tenant_id, AWS_CLIENT_ID, path,
                               STORAGE_SCOPE, self.blob_url, env=self.client_env())
        self.assert_token_from_entra(run)
        self.assertEqual([c["sub"] for c in self.entra.stats()["verified"]],
                         [self.outbound.role_arn])
        # discovery, then the token endpoint; instance discovery stayed off
        paths = [r["path"] for r in self.entra.stats()["records"]]
        self.assertTrue(any(p.endswith("/v2.0/.well-known/openid-configuration") for p in paths))

    def test_node_tenant_by_domain_name(self):
        path = self.write_assertion(self.gce_assertion())
        run = self.node_client("assertion", self.entra.tenant_domain, GCP_CLIENT_ID, path,
                               STORAGE_SCOPE, env=self.client_env())
        self.assert_token_from_entra(run, blob=False)


class TestTokenFile(AzureClientCase):
    """AZURE_FEDERATED_TOKEN_FILE + AZURE_TENANT_ID + AZURE_CLIENT_ID (+ AZURE_AUTHORITY_HOST)."""

    def env_for(self, path, client_id):
        return self.client_env(AZURE_TENANT_ID=self.entra.tenant_id, AZURE_CLIENT_ID=client_id,
                               AZURE_FEDERATED_TOKEN_FILE=path)

    def test_python_managed_identity_credential_exchanges_the_file(self):
        path = self.write_assertion(self.gce_assertion())
        run = self.python_client("environment", STORAGE_SCOPE, self.blob_url,
                                 env=self.env_for(path, GCP_CLIENT_ID))
        self.assert_token_from_entra(run)

    def test_node_workload_identity_credential(self):
        path = self.write_assertion(self.aws_assertion())
        run = self.node_client("workload", STORAGE_SCOPE, self.blob_url,
                               env=self.env_for(path, AWS_CLIENT_ID))
        self.assert_token_from_entra(run)

    def test_python_file_with_a_trailing_newline_is_refused(self):
        # why fedcred's token file has none: the SDK sends the file verbatim
        path = self.write_assertion(self.gce_assertion() + "\n")
        run = self.python_client("environment", STORAGE_SCOPE,
                                 env=self.env_for(path, GCP_CLIENT_ID))
        self.assert_entra_refused(run, 50027)


class TestManagedIdentity(AzureClientCase):
    def test_python_system_assigned(self):
        run = self.python_client("environment", STORAGE_SCOPE, self.blob_url,
                                 env=self.client_env(
                                     AZURE_POD_IDENTITY_AUTHORITY_HOST=self.azure_imds.url))
        self.assert_token_from_entra(run)
        record = self.azure_imds.stats()["records"][-1]
        self.assertEqual(record["metadata"], "true")
        self.assertEqual(record["query"]["api-version"], "2018-02-01")
        self.assertEqual(self.azure_imds.stats()["issued"][0]["identity"],
                         fake_azure_imds.SYSTEM_IDENTITY["client_id"])

    def test_node_user_assigned_by_client_id(self):
        client_id = fake_azure_imds.USER_IDENTITY["client_id"]
        run = self.node_client("managed", STORAGE_SCOPE, self.blob_url,
                               env=self.client_env(
                                   AZURE_POD_IDENTITY_AUTHORITY_HOST=self.azure_imds.url,
                                   AZURE_MI_CLIENT_ID=client_id))
        self.assert_token_from_entra(run)
        self.assertEqual(self.azure_imds.stats()["records"][-1]["query"]["client_id"], client_id)
        self.assertEqual(self.blob.stats()["readers"], [client_id])

    def test_imds_refuses_what_azure_refuses(self):
        base = self.azure_imds.url + fake_azure_imds.TOKEN_PATH
        query = "?api-version=2018-02-01&resource=https://storage.azure.com"
        cases = [(query, {}, "Required metadata header not specified"),
                 (query, {"Metadata": "true", "X-Forwarded-For": "10.0.0.1"}, "X-Forwarded-For"),
                 ("?resource=https://storage.azure.com", {"Metadata": "true"}, "api-version"),
                 ("?api-version=2018-02-01", {"Metadata": "true"}, "audience"),
                 (query + "&client_id=00000000-0000-0000-0000-000000000000",
                  {"Metadata": "true"}, "Identity not found")]
        for suffix, headers, words in cases:
            with self.subTest(words=words):
                request = urllib.request.Request(base + suffix, headers=headers)
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    urllib.request.urlopen(request, timeout=5)
                self.assertEqual(caught.exception.code, 400)
                self.assertIn(words, caught.exception.read().decode())
        self.assertEqual(self.azure_imds.stats()["issued"], [])


class TestEntraRefusals(AzureClientCase):
    """Each refusal reaches the real client with Entra's code; nothing is issued."""

    def python_assertion(self, token, client_id=GCP_CLIENT_ID, tenant=None):
        path = self.write_assertion(token)
        return self.python_client("assertion", tenant or self.entra.tenant_id, client_id, path,
                                  STORAGE_SCOPE, env=self.client_env())

    def test_wrong_audience(self):
        run = self.python_assertion(self.gce_assertion(audience="sts.amazonaws.com"))
        self.assert_entra_refused(run, 700212)

    def test_wrong_issuer(self):
        # an AWS identity presented for the app that federates the GCP one
        run = self.python_assertion(self.aws_assertion())
        self.assert_entra_refused(run, 700211)

    def test_wrong_subject(self):
        token = self.md.key.sign(self.gce_claims(sub="999999999999999999999"))
        run = self.python_assertion(token)
        self.assert_entra_refused(run, 700213)
        self.assertIn("999999999999999999999", run.stderr)

    def test_bad_signature(self):
        forger = SigningKey()
        forger.kid = self.md.key.kid   # same kid, another key
        run = self.python_assertion(forger.sign(self.gce_claims()))
        self.assert_entra_refused(run, 700027)

    def test_expired_assertion(self):
        now = int(time.time())
        token = self.md.key.sign(self.gce_claims(iat=now - 7200, exp=now - 3600))
        run = self.python_assertion(token)
        self.assert_entra_refused(run, 700024)

    def test_assertion_living_longer_than_a_day(self):
        now = int(time.time())
        token = self.md.key.sign(self.gce_claims(iat=now, exp=now + 2 * 86400))
        run = self.python_assertion(token)
        self.assert_entra_refused(run, 700024)

    def test_unknown_tenant(self):
        run = self.python_assertion(self.gce_assertion(),
                                    tenant="00000000-0000-4000-8000-000000000000")
        self.assert_entra_refused(run, 90002)

    def test_unknown_application(self):
        run = self.python_assertion(self.gce_assertion(),
                                    client_id="00000000-0000-4000-8000-0000000000ff")
        self.assert_entra_refused(run, 700016)

    def test_node_sees_the_code_too(self):
        path = self.write_assertion(self.gce_assertion(audience="sts.amazonaws.com"))
        run = self.node_client("assertion", self.entra.tenant_id, GCP_CLIENT_ID, path,
                               STORAGE_SCOPE, env=self.client_env())
        self.assert_entra_refused(run, 700212)

    def test_blob_refuses_a_token_entra_did_not_issue(self):
        claims = {"aud": "https://storage.azure.com", "iss": self.entra.issuer_v1,
                  "exp": int(time.time()) + 600}
        for token in (SigningKey().sign(claims), self.gce_assertion()):
            request = urllib.request.Request(self.blob_url, headers={
                "Authorization": "Bearer " + token, "x-ms-version": "2021-08-06"})
            with self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=5, context=self.ca.client_context())
            self.assertEqual(caught.exception.code, 401)
        self.assertEqual(self.blob.stats()["reads"], 0)


if __name__ == "__main__":
    unittest.main()
