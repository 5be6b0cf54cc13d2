"""An Azure-VM-like machine for source azure (issue 22.5): its Azure IMDS, and the AWS and
Google STS stand-ins configured to trust its Entra tenant, shared by test_azure_source.py and
the no-secret sweep (test_secrets.py).

AzureVmFixture (azure_support.AzureStandins' CA and lifecycle, other stand-ins) starts, once
per class:
  cls.ca, cls.entra   a test CA and the Entra stand-in (https): only its signing key and
                      tenant are used here, as IMDS tokens are Entra-signed; it knows the two
                      resources below
  cls.azure_imds      the Azure IMDS stand-in (plain http, requires `Metadata: true`): the VM's
                      system-assigned identity and one user-assigned identity
  cls.sts             AWS STS AssumeRoleWithWebIdentity verifying the token with the tenant's
                      key, trusting the IAM OIDC provider sts.windows.net/TENANT/ with the
                      conditions setup aws-trust-policy prints (aud RESOURCE_AWS, sub the
                      system-assigned identity's object id)
  cls.google          Google STS with an OIDC provider for the tenant: issuer
                      https://sts.windows.net/TENANT/, allowed audience RESOURCE_GCP, the tenant's
                      JWKS
self.env (vm_env()) points fedcred's source azure and STS at them.
"""

import fake_azure_imds  # noqa: E402
import fake_entra  # noqa: E402
import fake_google_sts  # noqa: E402
import fake_sts  # noqa: E402
import loopback_ca  # noqa: E402
from azure_support import AzureStandins  # noqa: E402
from harness import token_secrets  # noqa: E402

RESOURCE_AWS = "api://fedcred-aws"
RESOURCE_GCP = "api://fedcred-gcp"
PROVIDER = ("//iam.googleapis.com/projects/123456789012/locations/global/"
            "workloadIdentityPools/azure-pool/providers/azure-vm")
SYSTEM = fake_azure_imds.SYSTEM_IDENTITY
USER = fake_azure_imds.USER_IDENTITY


def aws_provider(entra):
    """The IAM OIDC provider of the tenant's v1 tokens: sts.windows.net/TENANT/."""
    return entra.issuer_v1[len("https://"):]


class AzureVmFixture(AzureStandins):
    """AzureStandins' test CA directory and lifecycle, with this machine's stand-ins."""

    @classmethod
    def start_standins(cls):
        cls.ca = loopback_ca.LoopbackCa(cls.tls_dir)
        cls.add_standin("entra", fake_entra.EntraServer(
            tls=cls.ca.server_context(),
            resources=fake_entra.DEFAULT_RESOURCES + (RESOURCE_AWS, RESOURCE_GCP)))
        cls.add_standin("azure_imds", fake_azure_imds.AzureImds(cls.entra))
        provider = aws_provider(cls.entra)
        cls.add_standin("sts", fake_sts.FakeSTS(
            public_key_pem=cls.entra.key.public_pem(), issuers=(cls.entra.issuer_v1,),
            trust={provider + ":aud": RESOURCE_AWS, provider + ":sub": SYSTEM["object_id"]}))
        cls.add_standin("google", fake_google_sts.GoogleSts(
            jwks=cls.entra.key.jwks, subject_issuer=cls.entra.issuer_v1,
            subject_audiences={RESOURCE_GCP}, allowed_audiences={PROVIDER}))

    def vm_env(self, extra=None):
        """A sandbox environment on the Azure-VM-like machine: its IMDS, the STS stand-in."""
        changes = {"AZURE_POD_IDENTITY_AUTHORITY_HOST": self.azure_imds.url}
        changes.update(extra or {})
        return self.sandbox.env(sts_url=self.sts.url, extra=changes)

    def google_config(self):
        """fedcred.conf lines sending Google STS calls to the stand-in (root-owned file only)."""
        return "[default]\ngoogle_sts_endpoint = %s\n" % self.google.url

    def azure_secrets(self):
        """Every managed-identity token IMDS issued (and its parts), every AWS secret key and
        session token STS issued, every Google access token."""
        out = []
        for item in self.azure_imds.stats()["issued"]:
            out += token_secrets(item["token"])
        for creds in self.sts.stats()["issued"]:
            out += [creds["SecretAccessKey"], creds["SessionToken"]]
        out += list(self.google.stats()["issued"])
        return out
