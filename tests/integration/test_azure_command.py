"""`fedcred azure` (issue 22.1): the real binary gets an Entra access token from the Entra
stand-in (https, the test CA through CURL_CA_BUNDLE, reached through AZURE_AUTHORITY_HOST) with
the workload's own identity as the client assertion: from a GCE-like machine (the metadata
server's ID token for api://AzureADTokenExchange) and from an AWS-like one (IMDSv2's instance
role, STS GetWebIdentityToken). The token reads the blob stand-in, which accepts only tokens
Entra issued. --format json has the shape of `az account get-access-token`; --output; the cache
hit is the static front's (no shared object); bad ids, scopes and authorities exit 2 before
any request; Entra's AADSTS refusals exit 4 with their code and fix; no assertion or token in
stderr or the audit line."""

import datetime
import json
import os
import re
import resource
import shlex
import stat
import subprocess
import time
import unittest

import fake_entra  # noqa: E402
from azure_support import (AWS_CLIENT_ID, EXCHANGE_AUDIENCE, GCP_CLIENT_ID, GOOGLE_ISSUER,  # noqa: E402
                           STORAGE_SCOPE, AzureStandins)
from harness import (EXIT_DENIED, EXIT_TRANSIENT, EXIT_USAGE, FedcredTestCase,  # noqa: E402
                     fedcred_bin, token_secrets)
from test_cache_support import hit_objects, static_front  # noqa: E402

JSON_KEYS = {"accessToken", "expiresOn", "expires_on", "tenant", "tokenType"}
UNKNOWN_CLIENT_ID = "0a0a0a0a-1111-4222-8333-0000000000ff"


class AzureCommandCase(AzureStandins, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.gce_env = self.sandbox.env(metadata_host=self.md.host, extra={
            "AZURE_AUTHORITY_HOST": self.entra.url, "CURL_CA_BUNDLE": self.ca.ca_path, "TZ": "UTC"})
        self.aws_env = self.sandbox.env(sts_url=self.outbound.url, extra={
            "AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds.url,
            "AZURE_AUTHORITY_HOST": self.entra.url, "CURL_CA_BUNDLE": self.ca.ca_path, "TZ": "UTC"})

    def azure(self, *args, client_id=GCP_CLIENT_ID, tenant_id=None, env=None, cache=False,
              scope=STORAGE_SCOPE, timeout="10"):
        argv = ["azure", "--tenant-id", tenant_id or self.entra.tenant_id, "--client-id", client_id,
                "--timeout", timeout]
        if scope:
            argv += ["--scope", scope]
        if not cache:
            argv.append("--no-cache")
        return self.fedcred(*(argv + list(args)), env=env or self.gce_env)

    def assert_token(self, res):
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertTrue(res.stdout.endswith("\n"), res.describe())
        token = res.stdout[:-1]
        self.assertNotIn("\n", token)
        self.assertIn(token, self.entra.stats()["issued"])
        return token

    def secrets(self):
        """Every assertion the metadata server and the outbound STS issued, every Entra token,
        and the instance role's keys."""
        out = []
        for token in self.md.stats()["issued"] + self.entra.stats()["issued"]:
            out += token_secrets(token)
        for token in self.outbound.stats()["issued"]:
            out += token_secrets(token if isinstance(token, str) else token.get("token", ""))
        creds = self.imds.stats()["credentials"]
        return out + [creds["SecretAccessKey"], creds["Token"]]

    def assert_nothing_sent(self):
        self.assertEqual(self.entra.stats()["token_requests"], 0)
        self.assertEqual(self.md.stats()["requests"], 0)


class TestGceMachine(AzureCommandCase):
    def test_the_token_reads_the_blob(self):
        res = self.azure("-v")
        token = self.assert_token(res)
        self.assertEqual(self.read_blob(token), (200, b"hello from the blob stand-in\n"))
        entra = self.entra.stats()
        form = entra["forms"][0]
        self.assertEqual((form["grant_type"], form["client_id"], form["scope"]),
                         ("client_credentials", GCP_CLIENT_ID, STORAGE_SCOPE))
        self.assertEqual(form["client_assertion_type"],
                         "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        claims = entra["verified"][0]
        self.assertEqual((claims["iss"], claims["sub"], claims["aud"]),
                         (GOOGLE_ISSUER, self.md.identity["sa_id"], EXCHANGE_AUDIENCE))
        self.assert_no_secrets(res, [s for s in self.secrets() if s not in token_secrets(token)])
        self.assertNotIn(token, res.stderr)

    def test_json_is_what_az_account_get_access_token_prints(self):
        before = int(time.time())
        res = self.azure("--format", "json")
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        self.assertEqual(set(doc), JSON_KEYS)
        self.assertIn(doc["accessToken"], self.entra.stats()["issued"])
        self.assertEqual((doc["tenant"], doc["tokenType"]), (self.entra.tenant_id, "Bearer"))
        self.assertIs(type(doc["expires_on"]), int)
        self.assertTrue(before + 3000 <= doc["expires_on"] <= int(time.time()) + 3600, doc)
        # az: datetime.fromtimestamp(expires_on) in local time (TZ=UTC here), microseconds
        local = datetime.datetime.fromtimestamp(doc["expires_on"], datetime.timezone.utc)
        self.assertEqual(doc["expiresOn"], local.strftime("%Y-%m-%d %H:%M:%S.%f"))
        self.assertEqual(self.read_blob(doc["accessToken"])[0], 200)

    def test_expires_on_follows_the_local_time_zone(self):
        res = self.azure("--format", "json", env=dict(self.gce_env, TZ="Asia/Kolkata"))
        self.assertEqual(res.returncode, 0, res.describe())
        doc = json.loads(res.stdout)
        ist = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        expected = datetime.datetime.fromtimestamp(doc["expires_on"], ist)
        self.assertEqual(doc["expiresOn"], expected.strftime("%Y-%m-%d %H:%M:%S.%f"))

    def test_default_scope_is_azure_resource_manager(self):
        res = self.azure(scope=None)
        self.assert_token(res)
        self.assertEqual(self.entra.stats()["forms"][0]["scope"], "https://management.azure.com/.default")

    def test_output_writes_the_token_alone_mode_0600(self):
        path = os.path.join(self.sandbox.root, "entra-token")
        res = self.azure("--output", path)
        self.assertEqual((res.returncode, res.stdout), (0, ""), res.describe())
        with open(path) as f:
            content = f.read()
        self.assertIn(content, self.entra.stats()["issued"])
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_profile_keys(self):
        self.sandbox.write_config("[profile storage]\ntenant_id = %s\nclient_id = %s\nscope = %s\n"
                                  % (self.entra.tenant_id, GCP_CLIENT_ID, STORAGE_SCOPE))
        res = self.fedcred("azure", "--profile", "storage", "--no-cache", env=self.gce_env)
        self.assertEqual(self.read_blob(self.assert_token(res))[0], 200)

    def test_audit_line_names_the_target_and_no_secret(self):
        res = self.azure()
        token = self.assert_token(res)
        lines = [line for line in self.sandbox.syslog.wait_for(1) if "command=azure" in line]
        self.assertEqual(len(lines), 1, self.sandbox.syslog.lines)
        line = lines[0]
        self.assertIn("event=issued", line)
        self.assertIn("source=gce", line)
        self.assertIn("subject=" + self.md.identity["sa_id"], line)
        self.assertIn(self.entra.tenant_id + "/" + GCP_CLIENT_ID, line)
        for secret in self.secrets():
            self.assertNotIn(secret, line)
        self.assertNotIn(token, line)


class TestAwsMachine(AzureCommandCase):
    def test_get_web_identity_token_is_the_assertion(self):
        res = self.azure("--source", "aws", client_id=AWS_CLIENT_ID, env=self.aws_env)
        token = self.assert_token(res)
        self.assertEqual(self.read_blob(token)[0], 200)
        claims = self.entra.stats()["verified"][0]
        self.assertEqual((claims["iss"], claims["sub"], claims["aud"]),
                         (self.outbound.issuer, self.outbound.role_arn, EXCHANGE_AUDIENCE))
        # the assertion is the one GetWebIdentityToken issued, sent as it came
        self.assertEqual(self.entra.stats()["assertions"], self.outbound.stats()["issued"])
        self.assert_no_secrets(res, [s for s in self.secrets() if s not in token_secrets(token)])
        self.assertNotIn(token, res.stderr)


class TestTokenFileSource(AzureCommandCase):
    def test_a_token_file_is_the_assertion_as_it_stands(self):
        # e.g. a Kubernetes projected token: the file's JWT is sent as read, re-read every fetch
        path = os.path.join(self.sandbox.root, "assertion.jwt")
        with open(path, "w") as f:
            f.write(self.gce_assertion())
        res = self.azure("--source", "file", "--token-file", path, env=self.sandbox.env(extra={
            "AZURE_AUTHORITY_HOST": self.entra.url, "CURL_CA_BUNDLE": self.ca.ca_path}))
        token = self.assert_token(res)
        self.assertEqual(self.read_blob(token)[0], 200)
        with open(path) as f:
            self.assertEqual(self.entra.stats()["assertions"], [f.read()])
        self.assertEqual(self.md.stats()["requests"], 0)

class TestCache(AzureCommandCase):
    def test_a_hit_is_served_without_entra_and_without_shared_objects(self):
        first = self.azure("--format", "json", cache=True)
        self.assertEqual(first.returncode, 0, first.describe())
        hit = self.azure("--format", "json", cache=True, env=dict(self.gce_env, LD_DEBUG="files"))
        self.assertEqual(hit.returncode, 0, hit.describe())
        self.assertEqual(json.loads(hit.stdout)["accessToken"], json.loads(first.stdout)["accessToken"])
        self.assertEqual(self.entra.stats()["token_requests"], 1)
        objects = hit_objects(self, hit.stderr)
        for name in ("libcurl", "libssl", "libcrypto", "fedcred-azure"):
            self.assertFalse([o for o in objects if name in o], objects)
        lines = [line for line in self.sandbox.syslog.wait_for(2) if "command=azure" in line]
        self.assertIn("cache=hit", lines[-1])

    @unittest.skipUnless(static_front(), "built without the static front")
    def test_a_hit_opens_no_shared_object(self):
        from test_static_front import SHARED_OBJECT, strace_lines  # noqa: E402
        self.assertEqual(self.azure(cache=True).returncode, 0)
        argv = [os.environ.get("FEDCRED_BIN")] + [
            "azure", "--tenant-id", self.entra.tenant_id, "--client-id", GCP_CLIENT_ID,
            "--scope", STORAGE_SCOPE, "--timeout", "10"]
        res, lines = strace_lines(self, argv, self.gce_env, "openat,open,execve")
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertEqual(len([line for line in lines if "execve(" in line]), 1, "\n".join(lines))
        self.assertEqual([line for line in lines if SHARED_OBJECT.search(line)], [])
        self.assertEqual(self.entra.stats()["token_requests"], 1)

    def test_each_scope_and_client_is_its_own_entry(self):
        self.assertEqual(self.azure(cache=True).returncode, 0)
        self.assertEqual(self.azure(cache=True, scope=None).returncode, 0)
        self.assertEqual(self.azure(cache=True).returncode, 0)
        self.assertEqual(self.entra.stats()["token_requests"], 2)
        self.assertEqual(self.azure("--source", "aws", client_id=AWS_CLIENT_ID, env=self.aws_env,
                                    cache=True).returncode, 0)
        self.assertEqual(self.entra.stats()["token_requests"], 3)


    def test_cache_list_and_clear_know_the_entry(self):
        self.sandbox.write_config("[profile storage]\ntenant_id = %s\nclient_id = %s\nscope = %s\n"
                                  % (self.entra.tenant_id, GCP_CLIENT_ID, STORAGE_SCOPE))
        run = lambda: self.fedcred("azure", "--profile", "storage", env=self.gce_env)  # noqa: E731
        token = self.assert_token(run())
        listed = self.fedcred("cache", "list", env=self.gce_env)
        self.assertEqual(listed.returncode, 0, listed.describe())
        entries = [e for e in json.loads(listed.stdout)["entries"] if e["profile"] == "storage"]
        self.assertEqual([e["target"] for e in entries], [STORAGE_SCOPE])
        self.assertNotIn(token, listed.stdout)
        cleared = self.fedcred("cache", "clear", "--profile", "storage", env=self.gce_env)
        self.assertEqual(json.loads(cleared.stdout)["removed"], 1, cleared.describe())
        self.assert_token(run())
        self.assertEqual(self.entra.stats()["token_requests"], 2, "the cleared entry was served")

    def test_single_flight_one_exchange_for_a_herd(self):
        # Entra answers slowly: eight processes started together make one exchange, and the
        # seven others are served the entry it wrote.
        self.entra.set_fault({"hang": 1.5, "times": 1})
        argv = [fedcred_bin(), "azure", "--tenant-id", self.entra.tenant_id, "--client-id", GCP_CLIENT_ID,
                "--scope", STORAGE_SCOPE, "--timeout", "20"]
        procs = [subprocess.Popen(argv, env=self.gce_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]
        outs = [p.communicate(timeout=60) for p in procs]
        self.assertEqual([p.returncode for p in procs], [0] * 8, [err for _, err in outs])
        self.assertEqual(len({out for out, _ in outs}), 1, "every process prints the one token")
        self.assertEqual(self.entra.stats()["token_requests"], 1)
        self.assertEqual(self.md.stats()["identity_requests"], 1)

class TestBadInput(AzureCommandCase):
    def test_bad_ids_scope_and_authority_exit_2_before_any_request(self):
        cases = [
            (dict(tenant_id="common"), [], "tenant"),
            (dict(tenant_id="not a tenant!"), [], "tenant"),
            (dict(client_id="not-a-guid"), [], "client id"),
            (dict(client_id="0a0a0a0a-1111-4222-8333-0000000000c"), [], "client id"),
            (dict(scope="https://storage.azure.com"), [], "scope"),
            (dict(scope="https://storage.azure.com/.default https://graph.microsoft.com/.default"), [], "scope"),
            (dict(env_changes={"AZURE_AUTHORITY_HOST": "http://127.0.0.1:1"}), [], "AZURE_AUTHORITY_HOST"),
            (dict(env_changes={"AZURE_AUTHORITY_HOST": "https://login.example/tenant"}), [],
             "AZURE_AUTHORITY_HOST"),
            (dict(), ["--format", "yaml"], "--format"),
        ]
        for kwargs, extra, mention in cases:
            with self.subTest(kwargs=kwargs, extra=extra):
                env = dict(self.gce_env, **kwargs.pop("env_changes", {}))
                res = self.azure(*extra, env=env, **kwargs)
                self.assert_failure(res, EXIT_USAGE, mentions=[mention])
                self.assert_nothing_sent()

    def test_missing_tenant_or_client_exits_2(self):
        res = self.fedcred("azure", "--client-id", GCP_CLIENT_ID, env=self.gce_env)
        self.assert_failure(res, EXIT_USAGE, mentions=["--tenant-id", "tenant_id"])
        res = self.fedcred("azure", "--tenant-id", self.entra.tenant_id, env=self.gce_env)
        self.assert_failure(res, EXIT_USAGE, mentions=["--client-id", "client_id"])
        self.assert_nothing_sent()

    def test_a_bad_profile_key_names_file_and_line(self):
        self.sandbox.write_config("[profile p]\ntenant_id = %s\nclient_id = nope\n" % self.entra.tenant_id)
        res = self.fedcred("azure", "--profile", "p", env=self.gce_env)
        self.assert_failure(res, EXIT_USAGE, mentions=["client_id", "fedcred.conf:3"])
        self.assert_nothing_sent()


class TestEntraRefusals(AzureCommandCase):
    def assert_refused(self, res, code, mentions):
        self.assert_failure(res, code, mentions=mentions, secrets=self.secrets())
        lines = [line for line in self.sandbox.syslog.wait_for(1) if "command=azure" in line]
        self.assertTrue(lines and "event=failed" in lines[-1], self.sandbox.syslog.lines)
        for secret in self.secrets():
            self.assertNotIn(secret, lines[-1])

    def test_no_matching_federated_credential_is_4_with_the_fix(self):
        # the AWS app federates the AWS role only: a GCE assertion matches no issuer
        res = self.azure(client_id=AWS_CLIENT_ID)
        self.assert_refused(res, EXIT_DENIED, ["AADSTS700211", "fix:", "federated-credential create"])
        self.assertEqual(self.entra.stats()["issued"], [])

    def test_unknown_application_is_4(self):
        res = self.azure(client_id=UNKNOWN_CLIENT_ID)
        self.assert_refused(res, EXIT_DENIED, ["AADSTS700016", UNKNOWN_CLIENT_ID])

    def test_unknown_tenant_is_4(self):
        res = self.azure(tenant_id="0a0a0a0a-1111-4222-8333-00000000dead")
        self.assert_refused(res, EXIT_DENIED, ["AADSTS90002"])

    def test_unknown_resource_is_4(self):
        res = self.azure(scope="https://no-such-resource.example/.default")
        self.assert_refused(res, EXIT_DENIED, ["AADSTS500011"])

    def test_entra_unavailable_is_5_after_the_retries(self):
        self.entra.set_fault({"status": 503})
        res = self.azure(timeout="4")
        self.assert_refused(res, EXIT_TRANSIENT, ["HTTP 503"])
        posts = [r for r in self.entra.stats()["records"] if r["method"] == "POST"]
        self.assertGreater(len(posts), 1, "a transient refusal is retried")



class TestSetupFederatedCredential(AzureCommandCase):
    """`fedcred setup azure-federated-credential` (issue 22.4): what it prints, registered on a
    new application as `az ad app federated-credential create` would, lets `fedcred azure` in;
    before that, Entra's AADSTS700211 comes with the triple to register."""

    def setup_document(self, client_id, env, *extra):
        res = self.fedcred("setup", "azure-federated-credential", "--tenant-id", self.entra.tenant_id,
                           "--client-id", client_id, *extra, env=env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assert_no_secrets(res, self.secrets())
        lines = res.stdout.splitlines()
        az = [i for i, line in enumerate(lines) if line.startswith("az ad app federated-credential create")]
        self.assertEqual(len(az), 1, res.stdout)
        # the command spans lines (pretty JSON in single quotes): a shell reads it as one
        command = shlex.split("\n".join(lines[az[0]:lines.index("", az[0])]))
        self.assertEqual(command[:8], ["az", "ad", "app", "federated-credential", "create", "--id", client_id,
                                       "--parameters"])
        env_block = dict(line.split("=", 1) for line in lines if re.match(r"^AZURE_[A-Z_]+=", line))
        return json.loads(command[8]), env_block

    def register_and_get_in(self, client_id, env, issuer, subject, extra=()):
        # an application that federates someone else: Entra refuses, fedcred names the triple
        self.entra.register(client_id, [fake_entra.fic("https://issuer.example", "someone-else")])
        refused = self.azure(*extra, client_id=client_id, env=env)
        self.assert_failure(refused, EXIT_DENIED, mentions=[
            "AADSTS700211", "issuer " + issuer, "subject " + subject, "audience " + EXCHANGE_AUDIENCE,
            "fedcred setup azure-federated-credential"], secrets=self.secrets())
        params, env_block = self.setup_document(client_id, env, *extra)
        self.assertEqual((params["issuer"], params["subject"], params["audiences"]),
                         (issuer, subject, [EXCHANGE_AUDIENCE]))
        self.assertRegex(params["name"], r"^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$")
        self.assertEqual(env_block["AZURE_TENANT_ID"], self.entra.tenant_id)
        self.assertEqual(env_block["AZURE_CLIENT_ID"], client_id)
        self.assertEqual(env_block["AZURE_AUTHORITY_HOST"], self.entra.url)
        # registered as az would: now fedcred azure gets in
        self.entra.register(client_id, [fake_entra.fic(params["issuer"], params["subject"],
                                                       params["audiences"])])
        token = self.assert_token(self.azure(*extra, client_id=client_id, env=env))
        self.assertEqual(self.read_blob(token)[0], 200)

    def test_gce_identity(self):
        self.register_and_get_in("0a0a0a0a-1111-4222-8333-0000000000e1", self.gce_env, GOOGLE_ISSUER,
                                 self.md.identity["sa_id"])

    def test_aws_identity(self):
        self.register_and_get_in("0a0a0a0a-1111-4222-8333-0000000000e2", self.aws_env, self.outbound.issuer,
                                 self.outbound.role_arn, extra=("--source", "aws"))

    def test_bad_ids_exit_2_before_any_request(self):
        res = self.fedcred("setup", "azure-federated-credential", "--tenant-id", "common", "--client-id",
                           GCP_CLIENT_ID, env=self.gce_env)
        self.assert_failure(res, EXIT_USAGE, mentions=["tenant"])
        self.assert_nothing_sent()



class TestDoctor(AzureCommandCase):
    """`fedcred doctor` toward Azure (issue 22.4): the chain up to Entra's token request, and
    on AADSTS700211/700213 the issuer, subject and audience to register."""

    def doctor(self, client_id, env, *extra):
        return self.fedcred("doctor", "--json", "--tenant-id", self.entra.tenant_id, "--client-id", client_id,
                            "--scope", STORAGE_SCOPE, *extra, env=env)

    def steps(self, res):
        doc = json.loads(res.stdout)
        self.assertEqual(doc["exit_code"], res.returncode, res.describe())
        return {s["name"]: s for s in doc["steps"]}

    def test_a_healthy_chain_from_gce_and_aws(self):
        for env, client_id, extra in ((self.gce_env, GCP_CLIENT_ID, ()),
                                      (self.aws_env, AWS_CLIENT_ID, ("--source", "aws"))):
            with self.subTest(client_id=client_id):
                res = self.doctor(client_id, env, *extra)
                self.assertEqual(res.returncode, 0, res.describe())
                steps = self.steps(res)
                self.assertIn("-> Azure (fedcred azure)", steps["config"]["detail"])
                self.assertIn("aud=" + EXCHANGE_AUDIENCE, steps["subject-token"]["detail"])
                self.assertEqual(steps["exchange"]["status"], "ok", steps["exchange"])
                self.assert_no_secrets(res, self.secrets())
        # doctor writes no cache: the next run fetches
        self.assertEqual(self.azure(cache=True).returncode, 0)
        self.assertEqual(self.entra.stats()["token_requests"], 3)

    def test_no_matching_federated_credential_names_the_triple(self):
        res = self.doctor(AWS_CLIENT_ID, self.gce_env)  # the AWS app does not federate the GCE identity
        self.assertEqual(res.returncode, EXIT_DENIED, res.describe())
        exchange = self.steps(res)["exchange"]
        self.assertEqual(exchange["status"], "fail")
        self.assertIn("AADSTS700211", exchange["detail"])
        for part in ("issuer " + GOOGLE_ISSUER, "subject " + self.md.identity["sa_id"],
                     "audience " + EXCHANGE_AUDIENCE, "fedcred setup azure-federated-credential"):
            self.assertIn(part, exchange["fix"])
        self.assert_no_secrets(res, self.secrets())

    def test_the_profile_chooses_the_direction(self):
        self.sandbox.write_config("[profile storage]\ntenant_id = %s\nclient_id = %s\nscope = %s\n"
                                  % (self.entra.tenant_id, GCP_CLIENT_ID, STORAGE_SCOPE))
        res = self.fedcred("doctor", "--json", "--profile", "storage", env=self.gce_env)
        self.assertEqual(res.returncode, 0, res.describe())
        self.assertIn("-> Azure", self.steps(res)["config"]["detail"])



class TestCoreDumpProtection(AzureCommandCase):
    def test_no_core_file_while_the_assertion_is_fetched(self):
        # As test_faults' check of `token`: observed from outside while the metadata server
        # stalls, a run about to hold the assertion already has RLIMIT_CORE 0.
        def allow_cores():
            _, hard = resource.getrlimit(resource.RLIMIT_CORE)
            resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        ids = ["--tenant-id", self.entra.tenant_id, "--client-id", GCP_CLIENT_ID, "--timeout", "6"]
        for argv in (["azure", "--no-cache"] + ids, ["setup", "azure-federated-credential"] + ids):
            with self.subTest(argv=argv[:2]):
                self.md.reset()
                self.md.set_fault({"hang": 4})
                proc = subprocess.Popen([fedcred_bin()] + argv, env=self.gce_env, stdin=subprocess.DEVNULL,
                                        preexec_fn=allow_cores, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                try:
                    deadline = time.monotonic() + 3
                    while self.md.stats()["identity_requests"] == 0 and time.monotonic() < deadline:
                        time.sleep(0.05)
                    self.assertGreater(self.md.stats()["identity_requests"], 0, "fedcred never asked")
                    with open("/proc/%d/limits" % proc.pid) as f:
                        core = [line for line in f if line.startswith("Max core file size")]
                    self.assertEqual(core[0].split()[4], "0", core[0])
                finally:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    unittest.main()
