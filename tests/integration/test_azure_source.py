"""Source azure (issue 22.5): an Azure-VM-like machine (the Azure IMDS stand-in, which requires
`Metadata: true` and issues Entra-signed managed-identity tokens) reaches the AWS STS stand-in
(`fedcred aws --source azure`: AssumeRoleWithWebIdentity verifying the token with the tenant's
key under the trust policy `setup aws-trust-policy` prints) and the Google STS stand-in (`fedcred
gcp` and `access-token` through `setup gcp-cred-config --provider azure`: an OIDC provider with
the tenant's issuer and the resource as allowed audience). The cache keys on the identity asked
for, a hit is served by the static front without IMDS; IMDS is never proxied and is retried as
Azure documents; bad input is exit 2 before any request; no token in stderr or the audit trail."""

import json
import time
import unittest
import urllib.parse


import fake_google_sts  # noqa: E402
from azure_vm_support import (PROVIDER, RESOURCE_AWS, RESOURCE_GCP, SYSTEM, USER,  # noqa: E402
                              AzureVmFixture, aws_provider)
from harness import (EXIT_DENIED, EXIT_SOURCE, EXIT_USAGE, ROLE_ARN, FedcredTestCase,  # noqa: E402
                     refused_port)
from test_cache_support import hit_objects  # noqa: E402

JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt"
AZURE = ["--source", "azure"]


class AzureVmCase(AzureVmFixture, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.env = self.vm_env()

    def aws_azure(self, *args, resource=RESOURCE_AWS, env=None, no_cache=True, timeout_flag=None):
        more = AZURE + (["--azure-resource", resource] if resource else []) + list(args)
        return self.aws(*more, env=env or self.env, no_cache=no_cache, timeout_flag=timeout_flag)

    def gcp_azure(self, *args, resource=RESOURCE_GCP, env=None):
        gcp_env = dict(env or self.env)
        gcp_env.update({"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": PROVIDER,
                        "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE": JWT_TYPE,
                        "GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE": "0"})
        return self.fedcred("gcp", *(AZURE + ["--azure-resource", resource, "--timeout", "5"]
                                     + list(args)), env=gcp_env)

    def issued(self):
        return [item["token"] for item in self.azure_imds.stats()["issued"]]

    def assert_clean(self, res):
        """No managed-identity token, AWS secret or Google token in stdout's errors, stderr or
        the audit lines."""
        audit = "\n".join(self.sandbox.syslog.wait_for(1, timeout=2))
        for secret in self.azure_secrets():
            self.assertNotIn(secret, res.stderr, "a secret on stderr\n" + res.describe())
            self.assertNotIn(secret, audit, "a secret in the audit trail")

    def google_exchange(self, subject_token):
        return self.google.exchange(
            {"grant_type": fake_google_sts.GRANT_TYPE, "audience": PROVIDER,
             "requested_token_type": fake_google_sts.ACCESS_TOKEN_TYPE,
             "subject_token_type": JWT_TYPE, "subject_token": subject_token,
             "scope": "https://www.googleapis.com/auth/cloud-platform"},
            {"Content-Type": "application/x-www-form-urlencoded"})


class TestAzureVmToAws(AzureVmCase):
    def test_assumes_the_role_with_the_managed_identity_token(self):
        # A proxy in the environment must not see IMDS (or the token): it refuses connections.
        env = dict(self.env, http_proxy="http://127.0.0.1:%d" % refused_port(self),
                   HTTP_PROXY="http://127.0.0.1:%d" % refused_port(self), NO_PROXY="")
        res = self.aws_azure("-v", env=env)
        self.assert_credentials(res)
        imds = self.azure_imds.stats()
        self.assertEqual(imds["token_requests"], 1)
        record = imds["records"][0]
        self.assertEqual(record["metadata"], "true")
        self.assertIsNone(record["forwarded"])
        self.assertFalse(record["proxied"])
        self.assertEqual(record["query"], {"api-version": "2018-02-01", "resource": RESOURCE_AWS})
        form = self.sts.stats()["forms"][0]
        self.assertEqual(form["WebIdentityToken"], self.issued()[0])
        self.assertEqual(form["RoleSessionName"], "fedcred-" + SYSTEM["object_id"])
        self.assert_clean(res)

    def test_trust_policy_from_setup_is_what_sts_enforces(self):
        res = self.fedcred("setup", "aws-trust-policy", *AZURE, "--azure-resource", RESOURCE_AWS,
                           "--role-arn", ROLE_ARN, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        statement = json.loads(res.stdout)["Statement"][0]
        provider = aws_provider(self.entra)
        self.assertTrue(provider.endswith("/"), provider)
        self.assertEqual(statement["Principal"]["Federated"],
                         "arn:aws:iam::123456789012:oidc-provider/" + provider)
        self.assertEqual(statement["Condition"]["StringEquals"], self.sts.trust)
        self.assertNotIn(self.issued()[0], res.stdout + res.stderr)

    def test_user_assigned_identity_is_asked_for_and_judged_by_the_trust(self):
        res = self.aws_azure("--azure-client-id", USER["client_id"])
        # the trust names the system-assigned identity: STS refuses the other one
        self.assert_failure(res, EXIT_DENIED, mentions=["AccessDenied"])
        query = self.azure_imds.stats()["records"][0]["query"]
        self.assertEqual(query["client_id"], USER["client_id"])
        self.assert_clean(res)

    def test_cache_keys_on_the_identity_and_a_hit_asks_nothing(self):
        first = self.aws_azure(no_cache=False)
        self.assert_credentials(first)
        hit = self.aws_azure(no_cache=False, env=dict(self.env, LD_DEBUG="files"))
        self.assert_credentials(hit)
        self.assertEqual(json.loads(hit.stdout), json.loads(first.stdout))
        hit_objects(self, hit.stderr)
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1, "a hit asks IMDS nothing")
        self.assertEqual(self.sts.stats()["assume_calls"], 1)
        other = self.aws_azure("--azure-object-id", USER["object_id"], no_cache=False)
        self.assert_failure(other, EXIT_DENIED)  # another identity: not the cached session
        self.assertEqual(self.azure_imds.stats()["token_requests"], 2)
        lines = self.sandbox.syslog.wait_for(3)
        self.assertIn("source=azure", lines[0])
        self.assertIn("subject=" + SYSTEM["object_id"], lines[1])
        self.assertIn("cache=hit", lines[1])

    def test_imds_unavailable_is_retried_then_served(self):
        self.azure_imds.set_fault({"status": 503, "times": 2})
        res = self.aws_azure("-v")
        self.assert_credentials(res)
        self.assertEqual(self.azure_imds.stats()["token_requests"], 3)
        self.assertIn("retrying", res.stderr)

    def test_identity_not_on_the_vm_is_a_source_error(self):
        res = self.aws_azure("--azure-client-id", "0a0a0a0a-0000-4000-8000-0000000000ff")
        self.assert_failure(res, EXIT_SOURCE, mentions=["Identity not found", "client id"])
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1, "a 400 is not retried")

    def test_unreachable_imds_fails_within_the_deadline(self):
        env = dict(self.env, AZURE_POD_IDENTITY_AUTHORITY_HOST="http://127.0.0.1:%d" % refused_port(self))
        started = time.monotonic()
        res = self.aws_azure(env=env, timeout_flag="3")
        self.assert_failure(res, EXIT_SOURCE, mentions=["Azure IMDS", "managed identity"])
        self.assertLess(time.monotonic() - started, 6)


class TestAzureVmToGoogle(AzureVmCase):
    def test_gcp_hands_google_a_token_its_oidc_provider_accepts(self):
        res = self.gcp_azure()
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(res.stderr, "")
        doc = json.loads(res.stdout)
        self.assertEqual(doc["id_token"], self.issued()[0])
        self.assertEqual(self.azure_imds.stats()["records"][0]["query"]["resource"], RESOURCE_GCP)
        status, answer = self.google_exchange(doc["id_token"])
        self.assertEqual(status, 200, answer)
        claims = self.google.stats()["verified"][0]
        self.assertEqual((claims["iss"], claims["aud"], claims["sub"]),
                         (self.entra.issuer_v1, RESOURCE_GCP, SYSTEM["object_id"]))

    def test_google_refuses_a_token_for_another_resource(self):
        res = self.gcp_azure(resource=RESOURCE_AWS)
        self.assertEqual(res.returncode, 0, res.describe())
        status, answer = self.google_exchange(json.loads(res.stdout)["id_token"])
        self.assertEqual(status, 400)
        self.assertIn("allowed audiences", answer["error_description"])

    def test_access_token_through_setup_gcp_cred_config(self):
        res = self.fedcred("setup", "gcp-cred-config", "--provider", "azure", "--audience", PROVIDER,
                           "--azure-resource", RESOURCE_GCP, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        config = json.loads(res.stdout)
        command = config["credential_source"]["executable"]["command"]
        self.assertTrue(command.endswith(" gcp --source azure --azure-resource " + RESOURCE_GCP), command)
        path = self.sandbox.root + "/azure-cred.json"
        with open(path, "w") as f:
            json.dump(config, f)
        self.sandbox.write_config(self.google_config())
        run = ["access-token", "--credential-config", path, "--timeout", "5"]
        first = self.fedcred(*run, env=self.env)
        self.assertEqual(first.returncode, 0, first.describe())
        token = first.stdout.strip()
        self.assertIn(token, self.google.stats()["issued"])
        self.assertEqual(self.google.stats()["verified"][0]["aud"], RESOURCE_GCP)
        second = self.fedcred(*run, env=self.env)
        self.assertEqual(second.stdout.strip(), token)
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1)
        self.assert_clean(first)

    def gcloud_azure_config(self, **source_changes):
        """The config `gcloud iam workload-identity-pools create-cred-config --azure
        --app-id-uri api://fedcred-gcp` writes, its IMDS URL on the stand-in; returns its path."""
        source = {"url": "%s/metadata/identity/oauth2/token?api-version=2018-02-01&resource=%s"
                         % (self.azure_imds.url, urllib.parse.quote(RESOURCE_GCP, safe="")),
                  "headers": {"Metadata": "True"},
                  "format": {"type": "json", "subject_token_field_name": "access_token"}}
        source.update(source_changes)
        config = {"type": "external_account", "audience": PROVIDER,
                  "subject_token_type": JWT_TYPE,
                  "token_url": "https://sts.googleapis.com/v1/token", "credential_source": source}
        path = self.sandbox.root + "/gcloud-azure.json"
        with open(path, "w") as f:
            json.dump(config, f)
        self.sandbox.write_config(self.google_config())
        return path

    def test_access_token_reads_gclouds_azure_config(self):
        run = ["access-token", "--credential-config", self.gcloud_azure_config(), "--timeout", "5"]
        first = self.fedcred(*run, env=self.env)
        self.assertEqual(first.returncode, 0, first.describe())
        self.assertIn(first.stdout.strip(), self.google.stats()["issued"])
        record = self.azure_imds.stats()["records"][0]
        self.assertEqual((record["metadata"], record["query"]["resource"]), ("true", RESOURCE_GCP))
        self.assertEqual(self.google.stats()["verified"][0]["sub"], SYSTEM["object_id"])
        second = self.fedcred(*run, env=self.env)
        self.assertEqual(second.stdout, first.stdout)
        self.assertEqual(self.azure_imds.stats()["token_requests"], 1, "the second run is a hit")
        self.assertIn("source=azure", self.sandbox.syslog.wait_for(2)[1])
        self.assert_clean(first)

    def test_gclouds_azure_config_is_held_to_the_imds_rules(self):
        url = "%s/metadata/identity/oauth2/token?api-version=2018-02-01&resource=x" % self.azure_imds.url
        for changes, mentions in (
                ({"headers": {}}, ["Metadata: True"]),
                ({"url": url.replace("127.0.0.1", "10.1.2.3")}, ["loopback or link-local"]),
                ({"url": url.replace("/metadata/identity", "/latest/meta-data")}, ["Azure IMDS"]),
                ({"url": url.replace("&resource=x", "")}, ["resource"]),
                ({"url": url + "&client_id=nope"}, ["GUID"]),
                ({"format": {"type": "text"}}, ["access_token"])):
            with self.subTest(changes=changes):
                res = self.fedcred("access-token", "--credential-config", self.gcloud_azure_config(**changes),
                                   env=self.env)
                self.assert_failure(res, EXIT_USAGE, mentions=mentions)
        self.assertEqual(self.azure_imds.stats()["requests"], 0)

    def test_access_token_refuses_an_executable_flag_it_cannot_honour(self):
        res = self.fedcred("setup", "gcp-cred-config", "--audience", PROVIDER, env=self.env)
        config = json.loads(res.stdout)
        config["credential_source"]["executable"]["command"] += " --azure-resource"
        path = self.sandbox.root + "/bad-cred.json"
        with open(path, "w") as f:
            json.dump(config, f)
        self.sandbox.write_config(self.google_config())
        res = self.fedcred("access-token", "--credential-config", path, env=self.env)
        self.assert_failure(res, EXIT_USAGE, mentions=["--azure-resource", "needs a value", path])


class TestBadInput(AzureVmCase):
    def assert_refused(self, res, mentions):
        self.assert_failure(res, EXIT_USAGE, mentions=mentions)
        self.assertEqual(self.azure_imds.stats()["requests"], 0, "a request was made")
        self.assertEqual(self.sts.stats()["requests"], 0)

    def test_malformed_inputs_are_exit_2_before_any_request(self):
        cases = [
            (["--azure-resource", "api://a b"], [], ["--azure-resource", "invalid resource"]),
            (["--azure-resource", ""], [], ["--azure-resource"]),
            (["--azure-resource", RESOURCE_AWS, "--azure-client-id", "not-a-guid"], [],
             ["--azure-client-id", "GUID"]),
            (["--azure-resource", RESOURCE_AWS, "--azure-msi-res-id", "fedcred-uai"], [],
             ["--azure-msi-res-id", "/subscriptions/"]),
            (["--azure-resource", RESOURCE_AWS, "--azure-client-id", USER["client_id"],
              "--azure-object-id", USER["object_id"]], [], ["one of client id"]),
            ([], [], ["--azure-resource"]),
            (["--azure-resource", RESOURCE_AWS], [("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://10.1.2.3")],
             ["AZURE_POD_IDENTITY_AUTHORITY_HOST", "loopback or link-local"]),
            (["--azure-resource", RESOURCE_AWS],
             [("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://imds.example.com:80")],
             ["AZURE_POD_IDENTITY_AUTHORITY_HOST"]),
            (["--azure-resource", RESOURCE_AWS], [("AZURE_POD_IDENTITY_AUTHORITY_HOST", "https://127.0.0.1:1")],
             ["plain http"]),
        ]
        for args, env_changes, mentions in cases:
            with self.subTest(args=args, env=env_changes):
                self.azure_imds.reset()
                res = self.aws_azure(*args, resource=None, env=dict(self.env, **dict(env_changes)))
                self.assert_refused(res, mentions)

    def test_gcp_mode_refusal_is_its_error_document(self):
        res = self.gcp_azure("--azure-client-id", "nope")
        self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
        doc = json.loads(res.stdout)
        self.assertEqual((doc["success"], doc["code"]), (False, "USAGE"))
        self.assertEqual(res.stderr, "")
        self.assertEqual(self.azure_imds.stats()["requests"], 0)

    def test_config_file_value_names_its_line(self):
        self.sandbox.write_config("[profile az]\nsource = azure\nazure_resource = api://x y\n")
        res = self.fedcred("aws", "--profile", "az", "--role-arn", ROLE_ARN, env=self.env)
        self.assert_failure(res, EXIT_USAGE, mentions=["fedcred.conf:3", "azure_resource"])


if __name__ == "__main__":
    unittest.main()
