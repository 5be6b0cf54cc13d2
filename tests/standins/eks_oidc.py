"""An EKS-style OIDC issuer for IRSA tests: it mints the projected service-account token the
kubelet writes to AWS_WEB_IDENTITY_TOKEN_FILE (RS256, kid, iss
https://oidc.eks.<region>.amazonaws.com/id/<ID>, sub system:serviceaccount:<ns>:<sa>,
aud sts.amazonaws.com, iat/nbf/exp) and gives its public key to the STS stand-in
(fake_sts.FakeSTS(public_key_pem=..., issuers=(issuer,))), which then verifies the token as STS
verifies a token of an IAM OIDC provider."""

import os
import time

from gce_metadata import SigningKey  # noqa: E402  (RSA key with kid, JWKS, RS256 signing)


class EksOidcIssuer:
    def __init__(self, region="us-east-1", cluster_id="EXAMPLED539D4633E53DE1B71EXAMPLE"):
        self.key = SigningKey()
        self.issuer = "https://oidc.eks.%s.amazonaws.com/id/%s" % (region, cluster_id)

    def public_pem(self):
        return self.key.public_pem()

    def token(self, namespace="default", service_account="app", audience="sts.amazonaws.com",
              lifetime=86400):
        now = int(time.time())
        return self.key.sign({"iss": self.issuer, "sub": "system:serviceaccount:%s:%s"
                              % (namespace, service_account), "aud": [audience], "iat": now,
                              "nbf": now, "exp": now + lifetime,
                              "kubernetes.io": {"namespace": namespace,
                                                "serviceaccount": {"name": service_account}}})

    def write_token(self, path, **kwargs):
        with open(path, "w") as f:
            f.write(self.token(**kwargs))
        os.chmod(path, 0o600)
        return path
