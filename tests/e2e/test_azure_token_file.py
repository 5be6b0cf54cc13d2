"""fedcred's token file as the Azure SDKs' AZURE_FEDERATED_TOKEN_FILE (issue 22, item 2).

On a GCE-like machine (the GCE metadata stand-in) and an AWS-like one (IMDSv2 and STS
GetWebIdentityToken stand-ins), `fedcred token --audience api://AzureADTokenExchange --output
FILE` writes the workload's own identity token; with AZURE_TENANT_ID, AZURE_CLIENT_ID and
AZURE_AUTHORITY_HOST, Debian's python3-azure (ManagedIdentityCredential's token exchange) and
@azure/identity (WorkloadIdentityCredential) exchange it at the Entra stand-in and read a blob
with the token. The file holds the token alone: no trailing newline, which the Python SDK would
send verbatim as part of the assertion.
"""

import os
import stat
import unittest

from azure_e2e_base import AzureFixture  # noqa: E402
from azure_support import (AWS_CLIENT_ID, EXCHANGE_AUDIENCE, GCP_CLIENT_ID,  # noqa: E402
                           STORAGE_SCOPE)
from harness import FedcredTestCase, token_secrets  # noqa: E402


class TokenFileCase(AzureFixture, FedcredTestCase):
    client_id = None

    def machine_env(self):
        raise NotImplementedError

    def source_args(self):
        raise NotImplementedError

    def issued_subject_tokens(self):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.path = os.path.join(self.sandbox.root, "azure-token")

    def write_token_file(self):
        res = self.fedcred("token", *self.source_args(), "--audience", EXCHANGE_AUDIENCE,
                           "--no-cache", "--output", self.path, env=self.machine_env())
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stdout, "", res.describe())
        return res

    def sdk_env(self):
        return self.client_env(AZURE_TENANT_ID=self.entra.tenant_id,
                               AZURE_CLIENT_ID=self.client_id,
                               AZURE_FEDERATED_TOKEN_FILE=self.path)

    def test_the_file_is_the_token_alone(self):
        res = self.write_token_file()
        with open(self.path, "rb") as f:
            content = f.read()
        self.assertEqual(content.decode(), self.issued_subject_tokens()[-1])
        self.assertFalse(content.endswith(b"\n"), "no trailing newline")
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        secrets = []
        for token in self.issued_subject_tokens():
            secrets += token_secrets(token)
        self.assert_no_secrets(res, secrets)

    def test_python_sdk_reads_the_blob(self):
        self.write_token_file()
        run = self.python_client("environment", STORAGE_SCOPE, self.blob_url,
                                 env=self.sdk_env())
        self.assert_token_from_entra(run)
        verified = self.entra.stats()["verified"]
        self.assertEqual(len(verified), 1)
        self.assertEqual(verified[0]["aud"], EXCHANGE_AUDIENCE)

    def test_node_sdk_reads_the_blob(self):
        self.write_token_file()
        run = self.node_client("workload", STORAGE_SCOPE, self.blob_url, env=self.sdk_env())
        self.assert_token_from_entra(run)


class TestFromGce(TokenFileCase):
    client_id = GCP_CLIENT_ID

    def machine_env(self):
        return self.sandbox.env(metadata_host=self.md.host)

    def source_args(self):
        return ("--source", "gce")

    def issued_subject_tokens(self):
        return self.md.stats()["issued"]


class TestFromAws(TokenFileCase):
    client_id = AWS_CLIENT_ID

    def machine_env(self):
        return self.sandbox.env(sts_url=self.outbound.url, extra={
            "AWS_EC2_METADATA_DISABLED": None,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url})

    def source_args(self):
        return ("--source", "aws")

    def issued_subject_tokens(self):
        return [t if isinstance(t, str) else t.get("token", "")
                for t in self.outbound.stats()["issued"]]


del TokenFileCase

if __name__ == "__main__":
    unittest.main()
