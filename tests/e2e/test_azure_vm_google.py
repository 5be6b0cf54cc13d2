"""End to end, Azure VM -> GCP (issue 22.5), with the real Google client: google-auth-library
for Node (tests/e2e/node, as test_google_auth.py runs it) on an Azure-VM-like machine, its
external_account config's executable `fedcred gcp --source azure --azure-resource R`. fedcred
takes the managed identity's token from the Azure IMDS stand-in and prints the executable
response; the library exchanges it at the Google STS stand-in, configured as a workload identity
pool OIDC provider for the Entra tenant (issuer https://sts.windows.net/TENANT/, allowed audience
R, the tenant's keys). A second client within the token's validity is served from fedcred's
cache: IMDS is asked once. A token for another resource is refused by Google, not by fedcred.

Without node or the installed library every test is a TAP "not ok" that says how to install
it (test_google_auth.node_problem)."""

import unittest


from azure_vm_support import PROVIDER, RESOURCE_AWS, RESOURCE_GCP, SYSTEM, AzureVmFixture  # noqa: E402
from test_google_auth import GoogleAuthCase  # noqa: E402


class TestAzureVmGoogleAuth(AzureVmFixture, GoogleAuthCase):
    source_args = ("--source", "azure", "--azure-resource", RESOURCE_GCP)

    def standin_env(self):
        return {"AZURE_POD_IDENTITY_AUTHORITY_HOST": self.azure_imds.url}

    def test_library_exchanges_the_managed_identity_token(self):
        res, doc = self.run_node(audience=PROVIDER, impersonate=False, rounds=2)
        rounds = self.assert_node_ok(res, doc)
        stats = self.google.stats()
        self.assertEqual(len(rounds), 2)
        for rnd in rounds:
            self.assertIn(rnd["token"], stats["issued"], "the token came from Google STS")
        claims = stats["verified"][0]
        self.assertEqual((claims["iss"], claims["aud"], claims["sub"]),
                         (self.entra.issuer_v1, RESOURCE_GCP, SYSTEM["object_id"]))
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1, "the second run is a hit")
        for secret in self.azure_secrets():
            self.assertNotIn(secret, res.stderr)

    def test_google_refuses_a_token_for_another_resource(self):
        command = " ".join([self.wrapper, "gcp", "--timeout", "4", "--source", "azure",
                            "--azure-resource", RESOURCE_AWS])
        res, doc = self.run_node(command=command, audience=PROVIDER, impersonate=False)
        self.assertNotEqual(res.returncode, 0, res.describe())
        self.assertFalse(doc["ok"])
        self.assertIn("allowed audiences", self.google.stats()["rejected"][0]["description"])


if __name__ == "__main__":
    unittest.main()
