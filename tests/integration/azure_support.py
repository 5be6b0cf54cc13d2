"""The Azure stand-ins wired to the Google and AWS ones, shared by the Azure integration and
end-to-end tests (issue 22).

AzureStandins (a StandinFixture) starts, once per class:
  cls.ca        a test CA (loopback_ca.LoopbackCa) in a private directory
  cls.md        the GCE metadata stand-in: a GCP workload's identity (issuer
                https://accounts.google.com, subject its service account's numeric id)
  cls.imds, cls.outbound
                IMDSv2 with an instance role and STS GetWebIdentityToken signed with its keys:
                an AWS workload's identity (issuer the outbound stand-in's, subject the role)
  cls.entra     the Entra stand-in (https) trusting both issuers' JWKS, with two apps:
                GCP_CLIENT_ID federating the GCE service account, AWS_CLIENT_ID the AWS role
  cls.blob      the blob stand-in (https) accepting only cls.entra's storage tokens
  cls.azure_imds  the Azure IMDS stand-in issuing cls.entra-signed managed-identity tokens
and mints the two workloads' assertions for Entra.
"""

import shutil
import tempfile
import time
import urllib.error
import urllib.request

import fake_azure_imds  # noqa: E402
import fake_blob  # noqa: E402
import fake_entra  # noqa: E402
import fake_imds  # noqa: E402
import fake_sts_outbound  # noqa: E402
import gce_metadata  # noqa: E402
import loopback_ca  # noqa: E402
from harness import StandinFixture  # noqa: E402

EXCHANGE_AUDIENCE = fake_entra.TOKEN_EXCHANGE_AUDIENCE
GOOGLE_ISSUER = "https://accounts.google.com"
GCP_CLIENT_ID = "0a0a0a0a-1111-4222-8333-0000000000c1"
AWS_CLIENT_ID = "0a0a0a0a-1111-4222-8333-0000000000a1"
STORAGE_SCOPE = "https://storage.azure.com/.default"
BLOB_PATH = "/fedcred/hello.txt"


class AzureStandins(StandinFixture):
    @classmethod
    def setUpClass(cls):
        cls.tls_dir = tempfile.mkdtemp(prefix="fedcred-azure-ca-")
        try:
            super().setUpClass()
        except BaseException:
            shutil.rmtree(cls.tls_dir, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tls_dir, ignore_errors=True)

    @classmethod
    def start_standins(cls):
        cls.ca = loopback_ca.LoopbackCa(cls.tls_dir)
        cls.add_standin("md", gce_metadata.MetadataServer())
        cls.add_standin("imds", fake_imds.ImdsServer())
        creds = cls.imds.credentials
        cls.add_standin("outbound", fake_sts_outbound.FakeOutboundSTS(
            credentials={creds["AccessKeyId"]: (creds["SecretAccessKey"], creds["Token"])}))
        apps = {GCP_CLIENT_ID: [fake_entra.fic(GOOGLE_ISSUER, cls.md.identity["sa_id"])],
                AWS_CLIENT_ID: [fake_entra.fic(cls.outbound.issuer, cls.outbound.role_arn)]}
        cls.add_standin("entra", fake_entra.EntraServer(
            tls=cls.ca.server_context(), apps=apps,
            issuers={GOOGLE_ISSUER: cls.md.url + "/.well-known/jwks",
                     cls.outbound.issuer: cls.outbound.url + "/.well-known/jwks.json"}))
        cls.add_standin("blob", fake_blob.BlobServer(cls.entra, tls=cls.ca.server_context()))
        cls.add_standin("azure_imds", fake_azure_imds.AzureImds(cls.entra))

    @property
    def blob_url(self):
        return self.blob.url + BLOB_PATH

    def read_blob(self, token):
        """(status, body) of the blob stand-in's read with `token`, over the test CA."""
        request = urllib.request.Request(self.blob_url, headers={
            "Authorization": "Bearer " + token, "x-ms-version": "2021-08-06"})
        try:
            with urllib.request.urlopen(request, timeout=10, context=self.ca.client_context()) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    # ----- the workloads' assertions -----
    def gce_assertion(self, audience=EXCHANGE_AUDIENCE):
        return self.md.make_token(audience, False)

    def aws_assertion(self, audience=EXCHANGE_AUDIENCE):
        return self.outbound.make_token([audience], 3600)[0]

    def gce_claims(self, **changes):
        """The claims of the GCE identity's assertion, with `changes` (to sign others)."""
        now = int(time.time())
        claims = {"aud": EXCHANGE_AUDIENCE, "azp": self.md.identity["sa_id"], "iat": now,
                  "exp": now + 3600, "iss": GOOGLE_ISSUER, "sub": self.md.identity["sa_id"]}
        claims.update(changes)
        return claims
