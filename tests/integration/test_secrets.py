"""No secret on any failure path (issue 6): every failure this file can provoke, in aws, gcp and
token mode, with and without -v, must keep every token, secret key and session token out of
stdout, stderr and the debug log (and, for source azure, issue 22.5, out of the audit lines). The stand-ins issue distinctive canary values: the metadata
server's ID tokens, fake STS's canary key and session token (planted in broken answers), an IMDS
whose key and session token say "Canary", static AWS_* credentials in the environment, a token
file, and an STS that echoes the web identity token back inside its error message."""

import json
import os
import sys
import tempfile
import unittest


import fake_google_sts  # noqa: E402
import fake_imds  # noqa: E402
import fake_sts  # noqa: E402
import fake_sts_outbound  # noqa: E402
import gce_metadata  # noqa: E402
from fault_server import (EchoingFormServer, FaultServer, ScriptedHttpServer, TlsWrapped,  # noqa: E402
                          make_tls_material)
from azure_vm_support import (PROVIDER, RESOURCE_AWS, RESOURCE_GCP, USER,  # noqa: E402
                              AzureVmFixture)
from harness import STATIC_CANARY, FedcredTestCase, refused_port, token_secrets  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/s3-reader"
GCP_AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/"
                "pool/providers/aws")
IMDS_CANARY = {"AccessKeyId": "ASIAFAKEIMDSCANARY01",
               "SecretAccessKey": "CanaryImdsSecretKey/" + "z" * 20,
               "Token": "CanaryImdsSessionToken" + "Y" * 150}


def EchoingSts(status=400, code="InvalidIdentityToken"):
    """An STS that quotes the request's WebIdentityToken (and the request's signature and
    session token) back in its ErrorResponse message."""
    def answer(token, headers):
        msg = "token %s rejected; auth %s; session %s" % (
            token, headers.get("Authorization", ""), headers.get("X-Amz-Security-Token", ""))
        return status, "text/xml", fake_sts.error_xml(code, msg)
    return EchoingFormServer("WebIdentityToken", answer)


class TestNoSecretOnAnyFailurePath(FedcredTestCase):
    @classmethod
    def setUpClass(cls):
        cls.md = gce_metadata.MetadataServer().start()
        sa = cls.md.identity["sa_id"]
        cls.sts = fake_sts.FakeSTS(public_key_pem=cls.md.key.public_pem(), trust={
            "accounts.google.com:aud": sa, "accounts.google.com:oaud": "sts.amazonaws.com",
            "accounts.google.com:sub": sa}).start()
        cls.imds = fake_imds.ImdsServer(credentials=IMDS_CANARY).start()
        cls.out_sts = fake_sts_outbound.FakeOutboundSTS(credentials={
            IMDS_CANARY["AccessKeyId"]: (IMDS_CANARY["SecretAccessKey"], IMDS_CANARY["Token"])
        }).start()
        cls.echo = EchoingSts()
        cls.echo403 = EchoingSts(403, "AccessDenied")
        cls.blackhole = FaultServer("blackhole").start()
        cls.tls_dir = tempfile.mkdtemp(prefix="fedcred-secrets-tls-")
        _, cert, key = make_tls_material(cls.tls_dir)
        cls.tls_sts = fake_sts.FakeSTS().start()
        cls.https = TlsWrapped(cls.tls_sts, cert, key)

    @classmethod
    def tearDownClass(cls):
        for s in (cls.tls_sts, cls.blackhole, cls.echo403, cls.echo, cls.out_sts, cls.imds,
                  cls.sts, cls.md):
            s.stop()

    # ----- the canaries -----
    def all_secrets(self, extra=()):
        out = [fake_sts.CANARY_SECRET, fake_sts.CANARY_SESSION_TOKEN,
               IMDS_CANARY["SecretAccessKey"], IMDS_CANARY["Token"],
               STATIC_CANARY["AWS_SECRET_ACCESS_KEY"], STATIC_CANARY["AWS_SESSION_TOKEN"]]
        for token in self.md.stats()["issued"] + self.echo.seen + self.echo403.seen:
            out += token_secrets(token)
        for creds in self.sts.stats()["issued"] + self.tls_sts.stats()["issued"]:
            out += [creds["SecretAccessKey"], creds["SessionToken"]]
        for item in self.out_sts.stats().get("issued", []):
            tok = item if isinstance(item, str) else (item.get("token") or item.get("Token") or "")
            out += token_secrets(tok)
        imds = self.imds.stats()
        out += [t for t in imds.get("tokens", []) if isinstance(t, str) and len(t) >= 16]
        out += list(extra)
        return [s for s in out if s]

    def test_every_failure_path(self):
        md, sts = self.md, self.sts
        sandbox = self.sandbox
        token_file = os.path.join(sandbox.root, "token.jwt")
        file_token = md.make_token("sts.amazonaws.com", True)
        with open(token_file, "w") as f:
            f.write(file_token + "\n")

        def aws_env(**extra):
            return sandbox.env(metadata_host=md.host, sts_url=sts.url, extra=extra)

        def gcp_env(**extra):
            base = {"AWS_EC2_METADATA_DISABLED": None,
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url,
                    "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": GCP_AUDIENCE}
            base.update(extra)
            return sandbox.env(sts_url=self.out_sts.url, extra=base)

        aws = ["aws", "--role-arn", ROLE, "--timeout", "3", "--no-cache"]
        gcp = ["gcp", "--timeout", "3", "--no-cache"]
        refused = "127.0.0.1:%d" % refused_port(self)
        # (name, argv, env, md fault, sts fault, imds fault, outbound sts fault)
        cases = [
            ("metadata 500 forever", aws, aws_env(), {"status": 500}, None, None, None),
            ("metadata refused", aws, aws_env(GCE_METADATA_HOST=refused), None, None, None, None),
            ("metadata hangs", aws, aws_env(GCE_METADATA_HOST=self.blackhole.host), None, None,
             None, None),
            ("metadata garbage", aws, aws_env(), {"body": "<html>portal</html>"}, None, None,
             None),
            ("metadata oversize", aws, aws_env(), {"oversize": True}, None, None, None),
            ("metadata no flavor", aws, aws_env(), {"drop_header": True, "status": 403}, None,
             None, None),
            ("metadata no flavor, not a JWT", aws, aws_env(),
             {"drop_header": True, "body": "<html>portal</html>"}, None, None, None),
            ("metadata 403", aws, aws_env(), {"status": 403}, None, None, None),
            ("sts AccessDenied", aws, aws_env(), None,
             {"code": "AccessDenied", "status": 403}, None, None),
            ("sts InvalidIdentityToken", aws, aws_env(), None,
             {"code": "InvalidIdentityToken", "message": "bad token"}, None, None),
            ("sts ExpiredToken", aws, aws_env(), None, {"code": "ExpiredTokenException"}, None,
             None),
            ("sts Throttling forever", aws, aws_env(), None, {"code": "Throttling"}, None, None),
            ("sts 503 forever", aws, aws_env(), None, {"status": 503}, None, None),
            ("sts malformed with canaries", aws, aws_env(), None, {"malformed": True}, None,
             None),
            ("sts expired with canaries", aws, aws_env(), None, {"expired": True}, None, None),
            ("sts no credentials", aws, aws_env(), None, {"no_credentials": True}, None, None),
            ("sts garbage", aws, aws_env(), None, {"body": "<<garbage"}, None, None),
            ("sts bad expiration", aws, aws_env(), None, {"expiration": "soon"}, None, None),
            ("sts closes", aws, aws_env(), None, {"close": True}, None, None),
            ("sts hangs", aws, aws_env(AWS_ENDPOINT_URL_STS=self.blackhole.url), None, None,
             None, None),
            ("sts refused", aws, aws_env(AWS_ENDPOINT_URL_STS="http://" + refused), None, None,
             None, None),
            ("sts echoes the token (400)", aws, aws_env(AWS_ENDPOINT_URL_STS=self.echo.url),
             None, None, None, None),
            ("sts echoes the token (403)", aws, aws_env(AWS_ENDPOINT_URL_STS=self.echo403.url),
             None, None, None, None),
            ("sts TLS unverified", aws, aws_env(AWS_ENDPOINT_URL_STS=self.https.url), None,
             None, None, None),
            ("token file, sts denied", aws + ["--source", "file", "--token-file", token_file],
             aws_env(), None, {"code": "AccessDenied", "status": 403}, None, None),
            ("token file, sts echoes", aws + ["--source", "file", "--token-file", token_file],
             aws_env(AWS_ENDPOINT_URL_STS=self.echo.url), None, None, None, None),
            ("usage: bad role arn", ["aws", "--role-arn", "arn:nope", "--no-cache"],
             aws_env(**STATIC_CANARY), None, None, None, None),
            ("usage: unknown flag", ["aws", "--frobnicate"], aws_env(**STATIC_CANARY), None, None,
             None, None),
            ("usage: bad duration", aws + ["--duration", "12"], aws_env(), None, None, None,
             None),
            ("usage: missing profile", ["aws", "--profile", "nope"], aws_env(), None, None, None,
             None),
            ("usage: token file missing", aws + ["--source", "file", "--token-file",
                                                 "/nonexistent/token"], aws_env(), None, None,
             None, None),
            ("gcp imds creds Code=Failure", gcp, gcp_env(), None, None,
             {"creds_code": "AssumeRoleUnauthorizedAccess"}, None),
            ("gcp imds no role", gcp, gcp_env(), None, None, {"no_role": True}, None),
            ("gcp imds token refused", gcp, gcp_env(), None, None, {"put_status": 403}, None),
            ("gcp imds 401", gcp, gcp_env(), None, None, {"get_status": 401}, None),
            ("gcp imds hangs", gcp, gcp_env(AWS_EC2_METADATA_SERVICE_ENDPOINT=self.blackhole.url),
             None, None, None, None),
            ("gcp sts AccessDenied", gcp, gcp_env(), None, None, None,
             {"code": "AccessDenied", "status": 403}),
            ("gcp sts federation disabled", gcp, gcp_env(), None, None, None,
             {"code": "OutboundWebIdentityFederationDisabledException", "status": 403}),
            ("gcp sts Throttling forever", gcp, gcp_env(), None, None, None,
             {"code": "Throttling"}),
            ("gcp sts 500 forever", gcp, gcp_env(), None, None, None, {"status": 500}),
            ("gcp sts echoes secrets", gcp, gcp_env(AWS_ENDPOINT_URL_STS=self.echo.url), None,
             None, None, None),
            ("gcp static creds, sts signature mismatch", gcp, gcp_env(**STATIC_CANARY), None,
             None, None, None),
            ("gcp static creds, sts echoes", gcp,
             gcp_env(AWS_ENDPOINT_URL_STS=self.echo403.url, **STATIC_CANARY), None, None, None,
             None),
            ("gcp static key without secret", gcp,
             gcp_env(AWS_ACCESS_KEY_ID="AKIAX", AWS_SESSION_TOKEN=STATIC_CANARY[
                 "AWS_SESSION_TOKEN"]), None, None, None, None),
            ("gcp output file unwritable", gcp,
             gcp_env(GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE="/nonexistent/dir/out.json"), None,
             None, None, None),
            ("gcp saml2", gcp, gcp_env(GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=(
                "urn:ietf:params:oauth:token-type:saml2")), None, None, None, None),
            ("gcp interactive", gcp, gcp_env(GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE="1"), None,
             None, None, None),
            ("gcp no audience", gcp, gcp_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=None), None, None,
             None, None),
            ("gcp bad audience", gcp, gcp_env(GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE="sts.amazonaws"
                                              ".com"), None, None, None, None),
            ("gcp source gce, metadata garbage", gcp + ["--source", "gce"],
             gcp_env(GCE_METADATA_HOST=md.host), {"body": "nope"}, None, None, None),
            ("token --output unwritable", ["token", "--timeout", "3", "--no-cache", "--output",
                                           "/nonexistent/dir/token"],
             aws_env(), None, None, None, None),
            ("token, metadata 404", ["token", "--timeout", "3", "--no-cache"], aws_env(),
             {"status": 404}, None, None, None),
        ]
        self.assertGreaterEqual(len(cases), 40)
        leaks, ran, outcomes = [], 0, []
        for name, argv, env, md_fault, sts_fault, imds_fault, out_fault in cases:
            for verbose in (False, True):
                md.reset()
                sts.reset()
                self.imds.reset()
                self.out_sts.reset()
                md.set_fault(md_fault or {})
                sts.set_fault(sts_fault or {})
                self.imds.set_fault(imds_fault or {})
                self.out_sts.set_fault(out_fault or {})
                args = list(argv) + (["-v"] if verbose else [])
                res = self.fedcred(*args, env=env, timeout=60)
                ran += 1
                label = "%s%s" % (name, " -v" if verbose else "")
                outcomes.append("%s: exit %d" % (label, res.returncode))
                with self.subTest(case=label):
                    self.assertNotEqual(res.returncode, 0, "expected a failure\n" + res.describe())
                    text = res.stdout + "\n" + res.stderr
                    for secret in self.all_secrets([file_token] + token_secrets(file_token)):
                        if secret in text:
                            leaks.append("%s: %s... in output" % (label, secret[:10]))
                    if argv[0] == "gcp":
                        doc = json.loads(res.stdout)
                        self.assertIs(doc["success"], False, label)
        if os.environ.get("FEDCRED_TEST_VERBOSE"):
            print("\n".join(outcomes), file=sys.stderr)
        self.assertEqual(leaks, [], "secrets leaked:\n" + "\n".join(leaks))
        self.assertGreaterEqual(ran, 80)
        # the sweep saw real secrets: tokens were issued and echoed, canaries were planted
        self.assertTrue(self.echo.seen and self.echo403.seen, "the echoing STS was never reached")

    def test_success_debug_log_has_no_secret(self):
        env = self.sandbox.env(metadata_host=self.md.host, sts_url=self.sts.url)
        self.md.reset()
        self.sts.reset()
        res = self.fedcred("aws", "--role-arn", ROLE, "--no-cache", "-v", env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        for secret in self.all_secrets():
            self.assertNotIn(secret, res.stderr, "a secret in the -v log")
        doc = json.loads(res.stdout)
        self.assertNotIn(doc["SecretAccessKey"], res.stderr)
        self.assertNotIn(doc["SessionToken"], res.stderr)


class TestNoAzureTokenOnAnyFailurePath(AzureVmFixture, FedcredTestCase):
    """Source azure (issue 22.5): every failure after Azure IMDS issued a managed-identity token
    (refused by STS or Google, echoed back by a hostile STS, unwritable output) and before
    (IMDS refusing, down, hanging), in aws, gcp, token and access-token mode, with and without
    -v: no token in stdout, stderr or the audit trail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.echo = EchoingSts(403, "AccessDenied")

    @classmethod
    def tearDownClass(cls):
        cls.echo.stop()
        super().tearDownClass()

    def test_every_failure_path(self):
        gcp_env = {"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": PROVIDER}
        down = "http://127.0.0.1:%d" % refused_port(self)
        config = os.path.join(self.sandbox.root, "azure-cred.json")
        with open(config, "w") as f:
            json.dump({"type": "external_account", "audience": PROVIDER,
                       "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                       "token_url": self.google.token_url,
                       "credential_source": {"executable": {
                           "command": "/usr/bin/fedcred gcp --source azure --azure-resource "
                                      + RESOURCE_GCP}}}, f)
        self.sandbox.write_config(self.google_config())
        aws = ["aws", "--role-arn", ROLE, "--timeout", "3", "--no-cache", "--source", "azure",
               "--azure-resource", RESOURCE_AWS]
        gcp = ["gcp", "--timeout", "3", "--no-cache", "--source", "azure", "--azure-resource",
               RESOURCE_GCP]
        token = ["token", "--timeout", "3", "--no-cache", "--source", "azure", "--azure-resource",
                 RESOURCE_GCP]
        cases = [
            ("aws: STS denies another identity", aws + ["--azure-client-id", USER["client_id"]], {},
             None),
            ("aws: STS echoes the token", aws, {"AWS_ENDPOINT_URL_STS": self.echo.url}, None),
            ("aws: STS malformed answer", aws, {}, (self.sts, {"malformed": True})),
            ("aws: STS 503", aws, {}, (self.sts, {"status": 503})),
            ("aws: IMDS 503", aws, {}, (self.azure_imds, {"status": 503})),
            ("aws: IMDS hangs", aws, {}, (self.azure_imds, {"hang": 10})),
            ("aws: IMDS down", aws, {"AZURE_POD_IDENTITY_AUTHORITY_HOST": down}, None),
            ("aws: no such resource", aws[:-1] + ["api://unknown"], {}, None),
            ("gcp: IMDS 500", gcp, gcp_env, (self.azure_imds, {"status": 500})),
            ("gcp: identity not found", gcp + ["--azure-object-id", "0a0a0a0a-0000-4000-8000-00000000000f"],
             gcp_env, None),
            ("token: unwritable output", token + ["--output", "/nonexistent/dir/token"], {}, None),
            ("access-token: Google refuses", ["access-token", "--credential-config", config,
                                              "--no-cache", "--timeout", "3"], {},
             (self.google, {"error": "invalid_grant", "description": "refused", "status": 400})),
        ]
        leaks, ran = [], 0
        for name, argv, env_changes, fault in cases:
            for verbose in (False, True):
                for server in (self.sts, self.azure_imds, self.google):
                    server.reset()
                if fault:
                    fault[0].set_fault(dict(fault[1]))
                self.sandbox.syslog.lines.clear()
                res = self.fedcred(*(argv + (["-v"] if verbose else [])), env=self.vm_env(env_changes),
                                   timeout=30)
                ran += 1
                label = "%s%s" % (name, " -v" if verbose else "")
                with self.subTest(case=label):
                    self.assertNotEqual(res.returncode, 0, "expected a failure\n" + res.describe())
                    audit = "\n".join(self.sandbox.syslog.wait_for(1, timeout=2))
                    text = res.stdout + "\n" + res.stderr + "\n" + audit
                    for secret in self.azure_secrets() + [t for seen in self.echo.seen
                                                          for t in token_secrets(seen)]:
                        if secret in text:
                            leaks.append("%s: %s... in output" % (label, secret[:10]))
        self.assertEqual(leaks, [], "secrets leaked:\n" + "\n".join(leaks))
        self.assertEqual(ran, 2 * len(cases))
        # the sweep saw real tokens: the echoing STS got them, IMDS issued them
        self.assertTrue(self.echo.seen, "the echoing STS was never reached")


if __name__ == "__main__":
    unittest.main()
