"""`fedcred serve --azure-profile` (issue 22.3), the real binary against the Azure stand-ins:
both managed-identity forms hand out the profile's Entra tokens (exchanged with the GCE-like
machine's identity at the https Entra stand-in), one token per resource through the cache
shared with `fedcred azure`; the tokens read the blob stand-in, which accepts only Entra's.
The App Service form's X-IDENTITY-HEADER is the token file; the IMDS form's probe gets Azure's
400; Entra's refusals reach the client in Azure's error shape with their AADSTS code; a real
second local user gets nothing; the audit trail and the log hold no secret. The request
parsing and shapes in detail: tests/unit/modules/serve/azure_route_test.cc."""

import os
import threading
import time
import unittest
import urllib.parse

from azure_support import GCP_CLIENT_ID, AzureStandins  # noqa: E402
from harness import EXIT_USAGE, FedcredTestCase, token_secrets  # noqa: E402
from local_users import get_as_other, other_user  # noqa: E402
from test_audit import SyslogCollector  # noqa: E402
from test_serve_support import ServeProcess, http_get  # noqa: E402

AZURE_PROFILE = "entra"
STORAGE = "https://storage.azure.com"
IMDS_PATH = "/metadata/identity/oauth2/token"
APP_SERVICE_PATH = "/msi/token"
IMDS_KEYS = {"access_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "resource",
             "token_type"}
APP_SERVICE_KEYS = {"access_token", "client_id", "expires_on", "resource", "token_type"}
UNKNOWN_CLIENT_ID = "0a0a0a0a-1111-4222-8333-0000000000ff"


def imds_path(resource=STORAGE, **extra):
    query = dict({"api-version": "2018-02-01", "resource": resource}, **extra)
    return IMDS_PATH + "?" + urllib.parse.urlencode(query)


def app_service_path(resource=STORAGE, **extra):
    query = dict({"api-version": "2019-08-01", "resource": resource}, **extra)
    return APP_SERVICE_PATH + "?" + urllib.parse.urlencode(query)


class ServeAzureCase(AzureStandins, FedcredTestCase):
    def setUp(self):
        super().setUp()
        self.syslog = SyslogCollector(os.path.join(self.sandbox.root, "syslog.sock"))
        self.addCleanup(self.syslog.close)
        self.env = self.sandbox.env(metadata_host=self.md.host, extra={
            "AZURE_AUTHORITY_HOST": self.entra.url, "CURL_CA_BUNDLE": self.ca.ca_path,
            "FEDCRED_SYSLOG_SOCKET": self.syslog.path})
        self.write_profile(GCP_CLIENT_ID)

    def write_profile(self, client_id):
        self.sandbox.write_config("[profile %s]\ntenant_id = %s\nclient_id = %s\ntimeout = 10\n"
                                  % (AZURE_PROFILE, self.entra.tenant_id, client_id))

    def serve(self, *args):
        server = ServeProcess(self.sandbox, self.env, ["--azure-profile", AZURE_PROFILE] + list(args))
        self.addCleanup(server.stop)
        return server.wait_ready()

    def secrets(self, server):
        out = [server.token()]
        for token in self.md.stats()["issued"] + self.entra.stats()["issued"]:
            out += token_secrets(token)
        return out

    def assert_clean(self, server):
        """No token, assertion or token-file content in the server's log or the audit trail."""
        text = server.log() + "\n".join(self.syslog.lines)
        for secret in self.secrets(server):
            self.assertNotIn(secret, text, "a secret (%s...) is in the log or audit" % secret[:8])


class TestImdsForm(ServeAzureCase):
    def test_the_token_reads_the_blob(self):
        server = self.serve()
        resp = http_get(server.port, imds_path(), {"Metadata": "true"})
        self.assertEqual(resp.status, 200, resp.body[:200] if resp.status != 200 else "")
        doc = resp.json()
        self.assertEqual(set(doc), IMDS_KEYS)
        self.assertTrue(all(isinstance(v, str) for v in doc.values()), "IMDS sends strings only")
        self.assertIn(doc["access_token"], self.entra.stats()["issued"])
        self.assertEqual((doc["resource"], doc["client_id"], doc["token_type"]),
                         (STORAGE, GCP_CLIENT_ID, "Bearer"))
        self.assertAlmostEqual(int(doc["expires_on"]) - int(doc["expires_in"]),
                               int(time.time()), delta=5)
        self.assertEqual(self.read_blob(doc["access_token"]), (200, b"hello from the blob stand-in\n"))
        form = self.entra.stats()["forms"][0]
        self.assertEqual((form["client_id"], form["scope"]), (GCP_CLIENT_ID, STORAGE + "/.default"))
        self.assertEqual(self.entra.stats()["verified"][0]["sub"], self.md.identity["sa_id"])
        self.assert_clean(server)

    def test_one_exchange_per_resource_then_the_cache(self):
        server = self.serve()
        first = http_get(server.port, imds_path(), {"Metadata": "true"}).json()["access_token"]
        # MSAL Node's trailing slash, same resource: the cached token
        again = http_get(server.port, imds_path().replace(IMDS_PATH, IMDS_PATH + "/"),
                         {"Metadata": "true"})
        self.assertEqual(again.status, 200)
        self.assertEqual(again.json()["access_token"], first)
        self.assertEqual(self.entra.stats()["token_requests"], 1)
        vault = http_get(server.port, imds_path("https://vault.azure.net"), {"Metadata": "true"})
        self.assertEqual(vault.status, 200)
        self.assertEqual(self.entra.stats()["forms"][1]["scope"], "https://vault.azure.net/.default")
        # `fedcred azure` shares the entry: no exchange
        res = self.fedcred("azure", "--profile", AZURE_PROFILE, "--scope", STORAGE + "/.default",
                           env=self.env)
        self.assertEqual((res.returncode, res.stdout), (0, first + "\n"), res.describe())
        self.assertEqual(self.entra.stats()["token_requests"], 2)
        self.syslog.wait_for(3)
        issued = [l for l in self.syslog.lines if "event=issued" in l and "command=serve" in l]
        self.assertEqual(len(issued), 2, self.syslog.lines)

    def test_the_sdks_probe_gets_azures_400_and_nothing_is_fetched(self):
        server = self.serve()
        for path, headers in ((IMDS_PATH, {}), (imds_path(), {}),
                              (imds_path(), {"Metadata": "true", "X-Forwarded-For": "10.0.0.1"})):
            resp = http_get(server.port, path, headers)
            self.assertEqual(resp.status, 400, path)
            self.assertEqual(resp.json()["error"], "invalid_request")
        self.assertEqual(http_get(server.port, IMDS_PATH).json()["error_description"],
                         "Required metadata header not specified")
        self.assertEqual(self.entra.stats()["token_requests"], 0)

    def test_entra_refusal_reaches_the_client_with_its_code(self):
        self.write_profile(UNKNOWN_CLIENT_ID)
        server = self.serve()
        resp = http_get(server.port, imds_path(), {"Metadata": "true"})
        self.assertEqual(resp.status, 400)
        self.assertIn("AADSTS700016", resp.json()["error_description"])
        self.assertEqual(self.entra.stats()["issued"], [])
        unknown = http_get(server.port, imds_path("https://no-such-resource.example"),
                           {"Metadata": "true"})
        self.assertEqual(unknown.status, 400)
        self.assert_clean(server)


class TestAppServiceForm(ServeAzureCase):
    def test_only_the_token_files_secret_is_answered(self):
        server = self.serve()
        for secret in (None, "", server.token()[:-1] + "x", server.token() + "x"):
            resp = http_get(server.port, app_service_path(), {"X-IDENTITY-HEADER": secret})
            self.assertEqual(resp.status, 401, secret)
            self.assertEqual(set(resp.json()), {"statusCode", "message"})
        self.assertEqual(self.entra.stats()["token_requests"], 0)
        resp = http_get(server.port, app_service_path(client_id=GCP_CLIENT_ID),
                        {"X-IDENTITY-HEADER": server.token()})
        self.assertEqual(resp.status, 200)
        doc = resp.json()
        self.assertEqual(set(doc), APP_SERVICE_KEYS)
        self.assertEqual(self.read_blob(doc["access_token"])[0], 200)
        other = http_get(server.port, app_service_path(client_id=UNKNOWN_CLIENT_ID),
                         {"X-IDENTITY-HEADER": server.token()})
        self.assertEqual(other.status, 400)
        self.assertIn("Identity not found", other.json()["message"])
        self.assert_clean(server)

    def test_rotating_the_token_file_revokes_the_old_secret(self):
        server = self.serve()
        old = server.token()
        with open(server.token_file + ".new", "w") as f:
            f.write("rotated-" + "b" * 40)
        os.chmod(server.token_file + ".new", 0o600)
        os.rename(server.token_file + ".new", server.token_file)
        self.assertEqual(http_get(server.port, app_service_path(), {"X-IDENTITY-HEADER": old}).status, 401)
        self.assertEqual(http_get(server.port, app_service_path(),
                                  {"X-IDENTITY-HEADER": "rotated-" + "b" * 40}).status, 200)


class TestCallers(ServeAzureCase):
    """Issue 21.3 on the Azure routes: a real second local user gets 403 on both forms, however
    right its headers, and nothing is fetched for it."""

    def test_another_user_gets_nothing(self):
        uid, _ = other_user()
        server = self.serve()
        for path, headers in ((imds_path(), {"Metadata": "true"}),
                              (app_service_path(), {"X-IDENTITY-HEADER": server.token()})):
            status, body = get_as_other(server.port, path, headers)
            self.assertEqual(status, 403, "another user was answered (body not shown)")
            self.assertIn("CallerNotAllowed", body)
        self.assertEqual(self.entra.stats()["token_requests"], 0)
        self.assertEqual(http_get(server.port, imds_path(), {"Metadata": "true"}).status, 200)
        self.syslog.wait_for(3)
        refused = [l for l in self.syslog.lines if "event=refused" in l]
        self.assertEqual(len(refused), 1, self.syslog.lines)
        self.assertIn("client_uid=%d" % uid, refused[0])
        self.assertIn("route=azure", refused[0])
        served = [l for l in self.syslog.lines if "event=served" in l]
        self.assertEqual(len(served), 1, self.syslog.lines)
        self.assertIn("route=azure", served[0])
        self.assert_clean(server)


class TestSlowEntra(ServeAzureCase):
    """A cold exchange waits on Entra for up to its deadline. It must not hold the daemon's
    threads (the Azure requests are answered by the server's worker thread) nor be cut off by
    the 5 s request-time bound, which is for slow clients, not for the server's own wait."""

    def test_a_hanging_exchange_stalls_no_other_request(self):
        server = self.serve()
        self.entra.set_fault({"hang": 6, "times": 1})
        answers = {}

        def ask(resource):
            started = time.monotonic()
            try:
                resp = http_get(server.port, imds_path(resource), {"Metadata": "true"})
                answers[resource] = (resp.status, time.monotonic() - started)
            except OSError as exc:
                answers[resource] = (repr(exc), time.monotonic() - started)

        askers = [threading.Thread(target=ask, args=(r,)) for r in (STORAGE, "https://vault.azure.net")]
        for t in askers:
            t.start()
            time.sleep(0.3)
        slowest = 0.0
        for _ in range(10):
            started = time.monotonic()
            self.assertEqual(http_get(server.port, "/healthz").status, 200)
            self.assertEqual(http_get(server.port, "/stats").status, 200)
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.1)
        self.assertLess(slowest, 1.0, "other requests waited on the Azure exchange")
        for t in askers:
            t.join(30)
        self.assertEqual(answers[STORAGE][0], 200, answers)
        self.assertGreater(answers[STORAGE][1], 5.5, "the exchange did not hang as set up")
        self.assertEqual(answers["https://vault.azure.net"][0], 200, answers)


class TestStart(ServeAzureCase):
    def test_a_profile_without_azure_ids_is_a_usage_error(self):
        self.sandbox.write_config("[profile %s]\ntimeout = 5\n" % AZURE_PROFILE)
        res = self.fedcred("serve", "--azure-profile", AZURE_PROFILE, "--listen", "127.0.0.1:1",
                           "--token-file", os.path.join(self.sandbox.root, "t"), env=self.env)
        self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
        self.assertIn("--azure-profile", res.stderr)
        self.assertEqual(self.entra.stats()["token_requests"], 0)

    def test_healthz_of_an_azure_only_server(self):
        server = self.serve()
        resp = http_get(server.port, "/healthz")
        self.assertEqual((resp.status, resp.json()["status"]), (200, "ok"))


if __name__ == "__main__":
    unittest.main()
