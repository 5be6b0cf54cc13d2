"""`fedcred azure --format json` read by the real Azure clients (issue 22.7): AzureCliCredential
of Debian's python3-azure and of @azure/identity 4.13.1 runs `az account get-access-token
--output json --resource R`; here `az` is a three-line script
answering with `fedcred azure --format json --scope R/.default` for a profile. The clients parse
fedcred's document as they parse the Azure CLI's (Python: expiresOn, a naive local time; Node:
expires_on) and read the blob stand-in with the token, which accepts only tokens the Entra
stand-in issued. From a GCE-like machine and an AWS-like one; every client after the first is
served from fedcred's cache (one Entra request in all)."""

import json
import os
import stat
import unittest

from azure_e2e_base import AzureFixture, NODE_DIR  # noqa: E402
from azure_support import AWS_CLIENT_ID, GCP_CLIENT_ID, STORAGE_SCOPE  # noqa: E402
from harness import FedcredTestCase, fedcred_bin  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_CLI = os.path.join(HERE, "azure_python", "cli_credential.py")
NODE_CLI = os.path.join(NODE_DIR, "cli_credential.js")
AZ_SCRIPT = """#!/bin/sh
# az account get-access-token --output json --resource R [--tenant T]: fedcred answers
resource=
while [ $# -gt 0 ]; do case $1 in --resource) resource=$2; shift ;; esac; shift; done
exec %s azure --profile azure-cli --format json --scope "$resource/.default"
"""


class AzCliCase(AzureFixture, FedcredTestCase):
    client_id = None
    source = None

    def machine_env(self):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        bin_dir = os.path.join(self.sandbox.root, "bin")
        os.mkdir(bin_dir)
        az = os.path.join(bin_dir, "az")
        with open(az, "w") as f:
            f.write(AZ_SCRIPT % fedcred_bin())
        os.chmod(az, stat.S_IRWXU)
        self.sandbox.write_config("[profile azure-cli]\ntenant_id = %s\nclient_id = %s\nsource = %s\n"
                                  % (self.entra.tenant_id, self.client_id, self.source))
        # a time zone that is not UTC: Python's AzureCliCredential reads expiresOn as local time
        self.env = self.client_env(PATH=bin_dir + ":/usr/local/bin:/usr/bin:/bin",
                                   CURL_CA_BUNDLE=self.ca.ca_path, TZ="America/New_York",
                                   **self.machine_env())

    def fedcred_json(self):
        res = self.fedcred("azure", "--profile", "azure-cli", "--format", "json",
                           "--scope", STORAGE_SCOPE, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        return json.loads(res.stdout)

    def test_python_and_node_read_the_blob_through_fedcred(self):
        py = self._run([self.python, PYTHON_CLI, STORAGE_SCOPE, self.blob_url], self.env)
        self.assert_token_from_entra(py)
        node = self._run(["node", NODE_CLI, STORAGE_SCOPE, self.blob_url], self.env)
        self.assert_token_from_entra(node)
        self.assertEqual(node.doc["sha256"], py.doc["sha256"], "the second client was not served "
                         "fedcred's cached token")
        self.assertEqual(self.entra.stats()["token_requests"], 1)
        self.assertEqual(self.blob.stats()["reads"], 2)
        # both clients read the expiry fedcred printed, Python through the local-time expiresOn
        expires_on = self.fedcred_json()["expires_on"]
        self.assertEqual(py.doc["expires_on"], expires_on)
        self.assertEqual(node.doc["expiresOnTimestamp"], expires_on * 1000)
        self.assertEqual(self.entra.stats()["forms"][0]["client_id"], self.client_id)


class TestFromGce(AzCliCase):
    client_id = GCP_CLIENT_ID
    source = "gce"

    def machine_env(self):
        return {"GCE_METADATA_HOST": self.md.host}


class TestFromAws(AzCliCase):
    client_id = AWS_CLIENT_ID
    source = "aws"

    def machine_env(self):
        return {"AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url,
                "AWS_ENDPOINT_URL_STS": self.outbound.url}


del AzCliCase  # the cases are the machines below

if __name__ == "__main__":
    unittest.main()
