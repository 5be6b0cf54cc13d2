"""Shared fixture for the AWS credential chain (issue 13) tests: every link's stand-in at once.

- imds: IMDSv2 (fake_imds) - the instance role
- container: the container credentials endpoint (ECS relative URI, EKS Pod Identity full URI
  + authorization token file)
- eks: an EKS-style OIDC issuer whose projected token fakests (AssumeRoleWithWebIdentity)
  verifies, answering at the same URL as GetWebIdentityToken (fake_sts_outbound)
- google: the Google STS stand-in, verifying aws4_request subject tokens against every key
  these stand-ins hand out, and JWTs against the outbound STS's JWKS
- gcs: a Google API (fake_gcs.py, the object read of the demo) that takes only tokens the Google
  STS stand-in issued (checked through its tokeninfo)

link_env(name) is the environment that selects one link; link_secrets() every secret they
hand out (none may ever appear in fedcred's output)."""

import json
import os


from test_gcp_support import AUDIENCE, JWT_TYPE, GcpTestCase  # noqa: E402  (first: adds standins/)
import eks_oidc  # noqa: E402
import fake_container_credentials  # noqa: E402
import fake_gcs  # noqa: E402
import fake_google_sts  # noqa: E402
import fake_imds  # noqa: E402
import fake_sts  # noqa: E402
import fake_sts_outbound  # noqa: E402
from harness import StandinFixture  # noqa: E402

STATIC = {"AccessKeyId": "AKIAFAKESTATIC000002",
          "SecretAccessKey": "StaticChainSecret/" + "z" * 22}
POD_TOKEN = "eyJhbGciOiJSUzI1NiJ9.pod-identity-agent-token." + "p" * 40
IRSA_ROLE = "arn:aws:iam::123456789012:role/irsa-role"
AWS4_TYPE = "urn:ietf:params:aws:token-type:aws4_request"
LINKS = ("environment", "web_identity", "ecs", "pod_identity", "imds")


class ChainFixture(StandinFixture):
    @classmethod
    def start_standins(cls):
        cls.add_standin("imds", fake_imds.ImdsServer())
        cls.add_standin("container", fake_container_credentials.ContainerCredentials(
            path="/v2/credentials/task-1"))
        cls.eks = eks_oidc.EksOidcIssuer()
        cls.add_standin("irsa_sts", fake_sts.FakeSTS(public_key_pem=cls.eks.public_pem(),
                                                     issuers=(cls.eks.issuer,)))
        imds, cont = cls.imds.credentials, cls.container.credentials
        cls.add_standin("sts", fake_sts_outbound.FakeOutboundSTS(credentials={
            imds["AccessKeyId"]: (imds["SecretAccessKey"], imds["Token"]),
            cont["AccessKeyId"]: (cont["SecretAccessKey"], cont["Token"]),
            STATIC["AccessKeyId"]: (STATIC["SecretAccessKey"], None),
        }, assume_role=cls.irsa_sts))
        cls.add_standin("google", fake_google_sts.GoogleSts(
            jwks_url=cls.sts.url + "/.well-known/jwks.json",
            aws_credentials=lambda: {k: v for k, v in cls.sts.credentials.items()}))
        cls.add_standin("gcs", fake_gcs.GcsServer(tokeninfo_url=cls.google.tokeninfo_url,
                                                  objects={("demo-bucket", "hello.txt"): b"hello from gcs\n"}))

    def setUp(self):
        super().setUp()
        self.container.token = None
        self.container.path = "/v2/credentials/task-1"
        self.imds.zone = "us-east-1a"
        self.env = self.sandbox.env(sts_url=self.sts.url, extra={
            "AWS_EC2_METADATA_DISABLED": None,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url,
        })
        self.sandbox.write_config(self.google_endpoints_conf())

    def google_endpoints_conf(self):
        """fedcred.conf lines naming the Google STS / IAM Credentials stand-in: a credential
        config may name only Google's hosts unless a root-owned fedcred.conf names another
        endpoint (issue 21.1; the suite runs as root, so the sandbox's file is root's)."""
        return ("[default]\ngoogle_sts_endpoint = %s\ngoogle_iamcredentials_endpoint = %s\n"
                % (self.google.url, self.google.url))

    def write(self, name, text, mode=0o600):
        path = os.path.join(self.sandbox.root, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def link_env(self, link, **changes):
        """self.env selecting `link` (one of LINKS)."""
        extra = {}
        if link == "environment":
            extra = {"AWS_ACCESS_KEY_ID": STATIC["AccessKeyId"],
                     "AWS_SECRET_ACCESS_KEY": STATIC["SecretAccessKey"]}
        elif link == "web_identity":
            token_file = self.eks.write_token(os.path.join(self.sandbox.root, "irsa-token"))
            extra = {"AWS_WEB_IDENTITY_TOKEN_FILE": token_file, "AWS_ROLE_ARN": IRSA_ROLE,
                     "AWS_ROLE_SESSION_NAME": "irsa-session"}
        elif link == "ecs":
            extra = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-1",
                     "FEDCRED_CONTAINER_CREDENTIALS_ENDPOINT": self.container.url}
        elif link == "pod_identity":
            self.container.token = POD_TOKEN
            self.container.path = "/v1/credentials"
            extra = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.container.url + "/v1/credentials",
                     "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": self.write("pod-token", POD_TOKEN)}
        return self.with_env(**{**extra, **changes})

    def link_secrets(self):
        imds, cont = self.imds.stats(), self.container.stats()["credentials"]
        out = [imds["credentials"]["SecretAccessKey"], imds["credentials"]["Token"],
               cont["SecretAccessKey"], cont["Token"], STATIC["SecretAccessKey"], POD_TOKEN]
        out += imds["tokens"] + self.sts.stats()["issued"]
        for creds in self.irsa_sts.stats()["issued"]:
            out += [creds["SecretAccessKey"], creds["SessionToken"]]
        out += list(self.google.stats()["issued"])
        out += [i["accessToken"] for i in self.google.stats()["impersonated"]]
        return [s for s in out if s]

    def aws1_config(self, **changes):
        """The aws1 credential config gcloud writes, pointed at the stand-ins; returns its path."""
        config = {
            "type": "external_account", "audience": AUDIENCE, "subject_token_type": AWS4_TYPE,
            "token_url": self.google.token_url,
            "credential_source": {
                "environment_id": "aws1",
                "region_url": self.imds.url + "/latest/meta-data/placement/availability-zone",
                "url": self.imds.url + "/latest/meta-data/iam/security-credentials",
                "regional_cred_verification_url":
                    "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
                "imdsv2_session_token_url": self.imds.url + "/latest/api/token"}}
        for key, value in changes.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        return self.write("aws1.json", json.dumps(config, indent=2))


class ChainTestCase(ChainFixture, GcpTestCase):
    pass


__all__ = ["ChainTestCase", "AUDIENCE", "JWT_TYPE", "LINKS", "STATIC", "IRSA_ROLE", "AWS4_TYPE",
           "POD_TOKEN"]
