"""`fedcred serve` (issue 14), the real binary against the GCE metadata and STS stand-ins:
the AWS container-credentials route and its token file, the shared cache with `fedcred aws`,
refresh ahead of expiry, the faults (STS down at start and during refresh, token file
problems, port in use, bad Host, oversized and slowloris requests), counters and the audit
trail. The Google route (GCE metadata emulation) against the aws1 stand-ins of
test_access_token.py: the served token reads the GCS stand-in, the metadata identity paths,
the shared cache with `fedcred access-token`, and the Metadata-Flavor / X-Forwarded-For
refusals (the rest of its HTTP behaviour: tests/unit/modules/serve/router_test.cc)."""

import http.client
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
import unittest


from harness import (EXIT_DENIED, EXIT_IO, EXIT_TRANSIENT, EXIT_USAGE,  # noqa: E402
                     FedcredTestCase, GceStsFixture, fedcred_bin, free_port)
from test_audit import SyslogCollector  # noqa: E402
from test_cache_support import LockHolder, hit_objects, rfc3339_in  # noqa: E402
from test_serve_support import (PROFILE, ServeProcess, http_get, listening_socket,  # noqa: E402
                                profile_config)
from test_access_token import SA, AccessTokenCase  # noqa: E402  (a helper class: no tests)
from test_aws_chain_support import AUDIENCE  # noqa: E402
from local_users import (OTHER_GROUP, OTHER_USER, get_as_other, other_user,  # noqa: E402
                         run_as_other)

def write(path, text):
    with open(path, "w") as f:
        f.write(text)


CONTAINER_KEYS = {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}


class ServeTestCase(GceStsFixture, FedcredTestCase):
    sts_trust = True

    def setUp(self):
        super().setUp()
        self.syslog = SyslogCollector(os.path.join(self.sandbox.root, "syslog.sock"))
        self.addCleanup(self.syslog.close)
        self.env["FEDCRED_SYSLOG_SOCKET"] = self.syslog.path
        self.sandbox.write_config(profile_config())

    def serve(self, *args, ready=True, token_file=None):
        server = ServeProcess(self.sandbox, self.env, ["--aws-profile", PROFILE] + list(args))
        if token_file is not None:
            server.token_file = token_file
        self.addCleanup(server.stop)
        return server.wait_ready() if ready else server

    def assert_clean_log(self, server):
        text = server.log()
        for secret in self.secrets():
            self.assertNotIn(secret, text, "a secret (%s...) is in the server's log" % secret[:8])
        token = server.token() if os.path.isfile(server.token_file) else ""
        if token:
            self.assertNotIn(token, text, "the authorization token is in the server's log")

    def issued_lines(self):
        return [l for l in self.syslog.lines if "event=issued" in l and "command=serve" in l]


class TestAwsRoute(ServeTestCase):
    def test_serves_the_container_credentials_document(self):
        server = self.serve()
        resp = server.credentials()
        self.assertEqual(resp.status, 200, resp.body)
        self.assertTrue(resp.headers.get("Content-Type", "").startswith("application/json"))
        doc = resp.json()
        self.assertEqual(set(doc), CONTAINER_KEYS)
        issued = self.sts.stats()["issued"]
        self.assertEqual(len(issued), 1)
        self.assertEqual(doc["AccessKeyId"], issued[0]["AccessKeyId"])
        self.assertEqual(doc["Token"], issued[0]["SessionToken"])
        self.assertRegex(doc["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        health = http_get(server.port, "/healthz")
        self.assertEqual(health.status, 200)
        self.assertIn(doc["Expiration"], health.body)
        self.assertNotIn(doc["AccessKeyId"], health.body)
        self.assert_clean_log(server)

    def test_many_requests_one_sts_call_one_audit_line(self):
        server = self.serve()
        for _ in range(20):
            self.assertEqual(server.credentials().status, 200)
        self.assertEqual(self.sts.stats()["assume_calls"], 1)
        self.syslog.wait_for(1)
        self.assertEqual(len(self.issued_lines()), 1, self.syslog.lines)
        for line in self.syslog.lines:
            for secret in self.secrets() + [server.token()]:
                self.assertNotIn(secret, line)

    def test_shares_the_cache_and_single_flight_with_fedcred_aws(self):
        server = self.serve()
        served = server.credentials().json()
        res = self.fedcred("aws", "--profile", PROFILE, env=self.env)
        doc = self.assert_credentials(res)
        self.assertEqual(doc["AccessKeyId"], served["AccessKeyId"])
        self.assertEqual(self.sts.stats()["assume_calls"], 1, "fedcred aws made a second STS call")

    def test_fedcred_aws_cache_hit_maps_no_server_library(self):
        self.serve()
        res = self.fedcred("aws", "--profile", PROFILE, env=dict(self.env, LD_DEBUG="files"))
        self.assertEqual(res.returncode, 0, res.describe())
        for name in hit_objects(self, res.stderr):
            self.assertNotIn("microhttpd", name)
            self.assertNotIn("fedcred-serve", name)
            self.assertNotIn("libsystemd", name)

    def test_missing_or_wrong_authorization_is_401_json(self):
        server = self.serve()
        for token in (None, "wrong", server.token() + "x", server.token()[:-1]):
            resp = server.credentials(token=token) if token else \
                http_get(server.port, "/aws/credentials")
            self.assertEqual(resp.status, 401, resp.body)
            err = resp.json()
            self.assertIn("message", err)
            # issue 21.9: both variables, the plain one for the clients that read only it
            self.assertIn("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", err["message"])
            self.assertIn("AWS_CONTAINER_AUTHORIZATION_TOKEN to its content", err["message"])
            for secret in self.issued_secrets():
                self.assertNotIn(secret, resp.body)

    def test_bad_host_is_refused(self):
        server = self.serve()
        for host in ("evil.example", "evil.example:%d" % server.port, "10.1.2.3"):
            resp = http_get(server.port, "/aws/credentials",
                            {"Host": host, "Authorization": server.token()})
            self.assertEqual(resp.status, 403, host)
            self.assertNotIn("SecretAccessKey", resp.body)
        ok = http_get(server.port, "/aws/credentials",
                      {"Host": "localhost:%d" % server.port, "Authorization": server.token()})
        self.assertEqual(ok.status, 200)

    def test_metadata_paths_are_404_without_the_google_route(self):
        server = self.serve()
        resp = http_get(server.port, "/computeMetadata/v1/instance/service-accounts/default/token",
                        {"Metadata-Flavor": "Google"})
        self.assertEqual(resp.status, 404)


class TestTokenFile(ServeTestCase):
    def test_created_with_a_random_token_mode_0640(self):
        server = self.serve()
        st = os.stat(server.token_file)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o640)
        token = server.token()
        self.assertRegex(token, r"^[0-9a-f]{64}$")
        self.assertNotIn(token, server.log())

    def test_an_existing_token_file_is_kept(self):
        path = os.path.join(self.sandbox.root, "serve-token")
        with open(path, "w") as f:
            f.write("my-own-token-value")
        os.chmod(path, 0o600)
        server = self.serve()
        self.assertEqual(server.token(), "my-own-token-value")
        self.assertEqual(server.credentials().status, 200)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_unusable_token_file_fails_at_start(self):
        path = os.path.join(self.sandbox.root, "serve-token")
        cases = {"directory": lambda: os.mkdir(path),
                 "line break": lambda: write(path, "token\n"),
                 "empty": lambda: write(path, ""),
                 "symlink": lambda: os.symlink("/etc/hostname", path)}
        for name, make in cases.items():
            with self.subTest(name):
                if os.path.isdir(path) and not os.path.islink(path):
                    os.rmdir(path)
                elif os.path.lexists(path):
                    os.unlink(path)
                make()
                res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:1",
                                   "--token-file", path, env=self.env)
                self.assertEqual(res.returncode, EXIT_IO, res.describe())
                self.assertIn("token file " + path, res.stderr)
                self.assertEqual(self.sts.stats()["assume_calls"], 0)

    def test_token_file_in_a_missing_directory(self):
        res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:1",
                           "--token-file", os.path.join(self.sandbox.root, "nope", "token"),
                           env=self.env)
        self.assertEqual(res.returncode, EXIT_IO, res.describe())
        self.assertIn("token file", res.stderr)

    def test_a_weak_or_foreign_token_file_is_refused(self):
        # issue 21.4: another user's file, one everyone may write or read, a 1-byte token
        path = os.path.join(self.sandbox.root, "serve-token")
        uid, gid = other_user() if os.geteuid() == 0 else (None, None)
        cases = {"mode 0666": (0o666, "0123456789abcdef0123", None),
                 "world-readable": (0o644, "0123456789abcdef0123", None),
                 "1 byte": (0o600, "x", None)}
        if uid is not None:
            cases["another user's"] = (0o600, "0123456789abcdef0123", uid)
        for name, (mode, text, owner) in cases.items():
            with self.subTest(name):
                write(path, text)
                os.chmod(path, mode)
                if owner is not None:
                    os.chown(path, owner, gid)
                res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:1",
                                   "--token-file", path, env=self.env)
                self.assertEqual(res.returncode, EXIT_IO, res.describe())
                self.assertIn("token file " + path, res.stderr)
                self.assertNotIn("0123456789abcdef0123", res.stderr)
                os.unlink(path)

    def test_rotation_revokes_the_old_token(self):
        # issue 21.4: the file is read again when it changes
        server = self.serve()
        old = server.token()
        self.assertEqual(server.credentials().status, 200)
        new_path = server.token_file + ".new"
        write(new_path, "rotated-token-0123456789abcdef")
        os.chmod(new_path, 0o640)
        os.rename(new_path, server.token_file)
        self.assertEqual(server.credentials(token=old).status, 401, "the old token still works")
        self.assertEqual(server.credentials(token="rotated-token-0123456789abcdef").status, 200)
        os.chmod(server.token_file, 0o666)  # made weak in place: nothing matches any more
        self.assertEqual(server.credentials(token="rotated-token-0123456789abcdef").status, 401)
        self.assertIn("writable by its group or everyone", server.log())
        self.assert_clean_log(server)


class TestCallers(ServeTestCase):
    """Issue 21.3: the caller of each connection (its owner uid, sock_diag) against [serve]
    allow_users / allow_groups (default: the server's own user and root), and the audit line
    naming it. The other caller is a real second local user (local_users.py)."""

    def test_another_user_with_the_token_is_refused_by_default(self):
        uid, _ = other_user()
        server = self.serve()
        status, body = get_as_other(server.port, "/aws/credentials", {"Authorization": server.token()})
        self.assertEqual(status, 403, "another user was answered (body not shown: it may hold credentials)")
        self.assertIn("CallerNotAllowed", body)
        self.assertNotIn("SecretAccessKey", body)
        self.assertEqual(get_as_other(server.port, "/healthz")[0], 200)  # monitoring stays open
        self.assertEqual(server.credentials().status, 200)  # root, the default's other half
        self.syslog.wait_for(3)
        refused = [l for l in self.syslog.lines if "event=refused" in l]
        served = [l for l in self.syslog.lines if "event=served" in l]
        self.assertEqual(len(refused), 1, self.syslog.lines)
        self.assertIn("client_uid=%d" % uid, refused[0])
        self.assertIn("route=aws", refused[0])
        self.assertEqual(len(served), 1, self.syslog.lines)
        self.assertIn("client_uid=0", served[0])
        for line in self.syslog.lines:
            self.assertNotIn(server.token(), line)

    def test_audit_is_rate_limited_per_caller(self):
        server = self.serve()
        for _ in range(30):
            self.assertEqual(server.credentials().status, 200)
        # the issuance and the first served line, however late they come on a loaded machine;
        # then half a second for a second served line to show up (it must not)
        self.syslog.wait_for(2)
        time.sleep(0.5)
        served = [l for l in self.syslog.lines if "event=served" in l]
        self.assertEqual(len(served), 1, self.syslog.lines)

    def test_allow_users_and_allow_groups(self):
        uid, _ = other_user()
        for setting in ("allow_users = %s" % OTHER_USER, "allow_users = %d" % uid,
                        "allow_groups = %s" % OTHER_GROUP):
            with self.subTest(setting):
                self.sandbox.write_config(profile_config() + "[serve]\n%s\n" % setting)
                server = self.serve()
                status, body = get_as_other(server.port, "/aws/credentials",
                                            {"Authorization": server.token()})
                self.assertEqual(status, 200, body)
                # only those named: root is not in the list any more
                self.assertEqual(server.credentials().status, 403)
                server.stop()

    def test_an_unknown_user_in_allow_users_is_a_usage_error(self):
        self.sandbox.write_config(profile_config() + "[serve]\nallow_users = no-such-user-fedcred\n")
        res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:1",
                           "--token-file", os.path.join(self.sandbox.root, "t"), env=self.env)
        self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
        self.assertIn("no-such-user-fedcred", res.stderr)


class TestFirstFetch(ServeTestCase):
    """Issue 21.8: requests that arrive before the first credentials are held, then answered."""

    def test_an_early_request_waits_for_the_first_credentials(self):
        self.sts.set_fault({"hang": 2.0, "times": 1})
        server = self.serve(ready=False)
        deadline = time.monotonic() + 20
        while not os.path.exists(server.token_file) and time.monotonic() < deadline:
            time.sleep(0.02)
        resp = None
        while resp is None and time.monotonic() < deadline:
            try:
                resp = server.credentials()
            except OSError:  # not listening yet
                time.sleep(0.02)
        self.assertEqual(resp.status, 200, resp.body if resp.status != 200 else "")
        self.assertEqual(self.sts.stats()["assume_calls"], 1)
        self.assertEqual(set(resp.json()), CONTAINER_KEYS)


class TestStartFaults(ServeTestCase):
    def test_sts_down_at_start_exits_transient(self):
        self.sts.set_fault({"status": 503})
        res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:%d" % free_port(),
                           "--token-file", os.path.join(self.sandbox.root, "t"), env=self.env,
                           timeout=60)
        self.assertEqual(res.returncode, EXIT_TRANSIENT, res.describe())
        self.assertIn("first credentials", res.stderr)
        self.assertIn(PROFILE, res.stderr)
        self.assert_no_secrets(res, self.secrets())

    def test_denied_at_start_exits_denied(self):
        self.sts.set_fault({"code": "AccessDenied", "message": "Not authorized", "status": 403})
        res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:%d" % free_port(),
                           "--token-file", os.path.join(self.sandbox.root, "t"), env=self.env)
        self.assertEqual(res.returncode, EXIT_DENIED, res.describe())
        self.assertIn("AccessDenied", res.stderr)

    def test_port_in_use(self):
        busy = listening_socket()
        self.addCleanup(busy.close)
        port = busy.getsockname()[1]
        res = self.fedcred("serve", "--aws-profile", PROFILE, "--listen", "127.0.0.1:%d" % port,
                           "--token-file", os.path.join(self.sandbox.root, "t"), env=self.env)
        self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
        self.assertIn("in use", res.stderr)
        self.assertEqual(self.sts.stats()["assume_calls"], 0, "no STS call before listening works")

    def test_non_loopback_and_bad_usage(self):
        for args in (["--listen", "0.0.0.0:8960"], ["--listen", "192.168.1.1:80"],
                     ["--listen", "[::]:8960"], ["--listen", "localhost:80"], []):
            res = self.fedcred("serve", *args, "--token-file", os.path.join(self.sandbox.root, "t"),
                               *(["--aws-profile", PROFILE] if args else []), env=self.env)
            self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
            self.assertEqual(self.sts.stats()["assume_calls"], 0)



GCP_PROFILE = "gcs-reader"
TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"
GOOGLE = {"Metadata-Flavor": "Google"}


class GoogleServeTestCase(AccessTokenCase):
    """`fedcred serve --gcp-profile` whose profile names the aws1 credential config of
    test_access_token.py, signing with the IMDS link of the AWS chain."""

    def serve_google(self, extra_profile="", socket_activated=False, **config_changes):
        """The server, ready; or socket_activated, listening and not started."""
        self.sandbox.write_config(self.google_endpoints_conf() +
                                  "[profile %s]\ncredential_config = %s\ntimeout = 8\n%s"
                                  % (GCP_PROFILE, self.aws1_config(**config_changes), extra_profile))
        server = ServeProcess(self.sandbox, self.link_env("imds"), ["--gcp-profile", GCP_PROFILE],
                              socket_activated=socket_activated)
        self.addCleanup(server.stop)
        return server.wait_listening() if socket_activated else server.wait_ready()

    def metadata(self, server, path, headers=GOOGLE):
        return http_get(server.port, "/computeMetadata/v1/" + path, headers)

    def assert_clean_log(self, server, token):
        text = server.log()
        for secret in [token] + self.link_secrets():
            self.assertNotIn(secret, text, "a secret (%s...) is in the server's log" % secret[:8])


class TestGoogleRoute(GoogleServeTestCase):
    def test_token_reads_the_object(self):
        server = self.serve_google()
        resp = self.metadata(server, "instance/service-accounts/default/token")
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(resp.headers.get("Metadata-Flavor"), "Google")
        doc = resp.json()
        self.assertEqual(set(doc), {"access_token", "expires_in", "token_type"})
        self.assertEqual(doc["token_type"], "Bearer")
        self.assertTrue(0 < doc["expires_in"] <= 3600, doc)
        self.assertEqual(self.read_object(doc["access_token"]), (200, b"hello from gcs\n"))
        self.assertEqual(self.google.stats()["forms"][-1]["subject_token_type"],
                         "urn:ietf:params:aws:token-type:aws4_request")
        self.assert_clean_log(server, doc["access_token"])

    def test_shares_the_cache_with_access_token(self):
        server = self.serve_google()
        served = self.metadata(server, "instance/service-accounts/default/token").json()
        res = self.fedcred("access-token", "--profile", GCP_PROFILE, env=self.link_env("imds"))
        self.assertEqual(self.assert_token(res), served["access_token"])
        self.assertEqual(len(self.google.stats()["forms"]), 1, "a second Google STS exchange")

    def test_identity_of_a_federated_token(self):
        server = self.serve_google()
        number = AUDIENCE.split("/projects/")[1].split("/")[0]
        expected = {"instance/service-accounts/default/email": "default",
                    "instance/service-accounts/default/scopes":
                        "https://www.googleapis.com/auth/cloud-platform",
                    "project/numeric-project-id": number,
                    "project/project-id": number}
        for path, value in expected.items():
            with self.subTest(path=path):
                resp = self.metadata(server, path)
                self.assertEqual((resp.status, resp.body.strip()), (200, value))

    def test_identity_of_an_impersonated_token_with_a_project_id(self):
        server = self.serve_google(
            extra_profile="project_id = demo-project\n",
            service_account_impersonation_url=self.google.impersonation_url(SA))
        self.assertEqual(self.metadata(server, "instance/service-accounts/default/email").body, SA)
        self.assertEqual(self.metadata(server, "project/project-id").body, "demo-project")
        token = self.metadata(server, "instance/service-accounts/default/token").json()
        self.assertEqual(token["access_token"], self.google.stats()["impersonated"][0]["accessToken"])
        tree = self.metadata(server, "instance/service-accounts/default/?recursive=true").json()
        self.assertEqual(tree["email"], SA)

    def test_refusals(self):
        server = self.serve_google()
        for name, headers in (("no Metadata-Flavor", {}),
                              ("wrong Metadata-Flavor", {"Metadata-Flavor": "google-ish"}),
                              ("X-Forwarded-For", dict(GOOGLE, **{"X-Forwarded-For": "10.0.0.1"}))):
            with self.subTest(name):
                resp = http_get(server.port, TOKEN_PATH, headers)
                self.assertEqual(resp.status, 403, resp.body)
                self.assertNotIn("access_token", resp.body)
        self.assertEqual(http_get(server.port, TOKEN_PATH, GOOGLE, host="127.0.0.1").status, 200)

    def test_metadata_google_internal_host_is_refused(self):
        # issue 21.11: DNS rebinding under the metadata name; the libraries use 127.0.0.1:PORT
        server = self.serve_google()
        for host in ("metadata.google.internal", "metadata.google.internal:%d" % server.port,
                     "metadata.google.internal."):
            resp = http_get(server.port, TOKEN_PATH, dict(GOOGLE, Host=host))
            self.assertEqual(resp.status, 403, host + " was answered")
            self.assertNotIn("access_token", resp.body)
        self.assertEqual(http_get(server.port, TOKEN_PATH, dict(GOOGLE, Host="localhost:%d" % server.port)).status, 200)

    def test_another_user_gets_no_token(self):
        # issue 21.3: the Google route needs no token file, so the caller check is all there is
        uid, _ = other_user()
        server = self.serve_google()
        status, body = get_as_other(server.port, TOKEN_PATH, GOOGLE)
        self.assertEqual(status, 403, "another user was answered (body not shown: it may hold a token)")
        self.assertNotIn("access_token", body)
        self.assertIn("uid %d" % uid, body)
        self.assertEqual(http_get(server.port, TOKEN_PATH, GOOGLE).status, 200)

    def test_denied_at_start_exits_denied(self):
        self.google.set_fault({"endpoint": "token", "status": 400, "error": "invalid_grant",
                               "description": "The caller does not match the attribute condition"})
        self.sandbox.write_config(self.google_endpoints_conf() +
                                  "[profile %s]\ncredential_config = %s\ntimeout = 8\n"
                                  % (GCP_PROFILE, self.aws1_config()))
        server = ServeProcess(self.sandbox, self.link_env("imds"), ["--gcp-profile", GCP_PROFILE])
        self.addCleanup(server.stop)
        self.assertEqual(server.wait_exit(), EXIT_DENIED, server.log())
        self.assertIn("invalid_grant", server.log())

    def test_a_profile_without_credential_config_is_a_usage_error(self):
        self.sandbox.write_config("[profile %s]\ntimeout = 8\n" % GCP_PROFILE)
        # no --token-file and no runtime directory: the Google route has no token file (21.10)
        env = {k: v for k, v in self.env.items() if k not in ("XDG_RUNTIME_DIR", "RUNTIME_DIRECTORY")}
        res = self.fedcred("serve", "--gcp-profile", GCP_PROFILE, "--listen", "127.0.0.1:1", env=env)
        self.assertEqual(res.returncode, EXIT_USAGE, res.describe())
        self.assertIn("credential_config", res.stderr)


class TestRefresh(ServeTestCase):
    def setUp(self):
        super().setUp()
        # short credentials and no cache margin: the server's own lead decides
        self.sandbox.write_config(profile_config("refresh_margin = 0\n"))

    def test_refreshes_ahead_of_expiry(self):
        self.sts.set_fault({"expiration": rfc3339_in(12), "times": 1})
        server = self.serve()
        first = server.credentials().json()
        deadline = time.monotonic() + 60
        current = first
        while current["AccessKeyId"] == first["AccessKeyId"] and time.monotonic() < deadline:
            resp = server.credentials()
            self.assertEqual(resp.status, 200, "a refresh ahead of expiry leaves no gap\n" + resp.body)
            current = resp.json()
            time.sleep(0.2)
        self.assertNotEqual(current["AccessKeyId"], first["AccessKeyId"], server.log())
        self.assertEqual(self.sts.stats()["assume_calls"], 2)
        self.syslog.wait_for(2)
        self.assertEqual(len(self.issued_lines()), 2, self.syslog.lines)
        self.assert_clean_log(server)

    def test_sts_down_during_refresh_serves_last_good_then_503(self):
        self.sts.set_fault({"expiration": rfc3339_in(12)})
        server = self.serve()
        first = server.credentials().json()
        self.sts.set_fault({"status": 500})
        deadline = time.monotonic() + 60
        resp = server.credentials()
        while resp.status == 200 and time.monotonic() < deadline:
            self.assertEqual(resp.json()["AccessKeyId"], first["AccessKeyId"])
            time.sleep(0.2)
            resp = server.credentials()
        self.assertEqual(resp.status, 503, server.log())
        self.assertIn("message", resp.json())
        self.assertNotIn(first["SecretAccessKey"], resp.body)
        self.assertEqual(http_get(server.port, "/healthz").status, 503)
        # the probe of packaging/kubernetes fails with it
        probe = self.fedcred("serve", "--health", "--listen", "127.0.0.1:%d" % server.port, env=self.env)
        self.assertEqual((probe.returncode, probe.stdout), (EXIT_TRANSIENT, ""), probe.describe())
        self.assertIn("HTTP 503", probe.stderr)
        self.assertGreaterEqual(self.sts.stats()["assume_calls"], 2, "the refresh was attempted")
        deadline = time.monotonic() + 30
        while "refresh of" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIn("refresh of", server.log())
        # STS back: the server recovers by itself
        self.sts.set_fault({})
        deadline = time.monotonic() + 90
        while server.credentials().status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(server.credentials().status, 200, server.log())
        self.assert_clean_log(server)


class TestRobustness(ServeTestCase):
    def test_slowloris_and_oversized_requests_do_not_block_others(self):
        server = self.serve()
        slow = []
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"GET /aws/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(s)
        self.addCleanup(lambda: [s.close() for s in slow])
        big = socket.create_connection(("127.0.0.1", server.port))
        self.addCleanup(big.close)
        big.settimeout(10)
        big.sendall(b"GET /aws/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 65536
                    + b"\r\n\r\n")
        answer = b""
        try:
            while True:
                chunk = big.recv(4096)
                if not chunk:
                    break
                answer += chunk
                if b"\r\n\r\n" in answer:
                    break
        except (ConnectionResetError, socket.timeout):
            pass
        self.assertFalse(answer.startswith(b"HTTP/1.1 200"), answer[:200])
        for _ in range(10):
            self.assertEqual(server.credentials().status, 200)
        self.assertEqual(http_get(server.port, "/healthz").status, 200)

    def test_post_and_unknown_paths(self):
        server = self.serve()
        self.assertEqual(http_get(server.port, "/nope").status, 404)
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("POST", "/aws/credentials", body=b"x" * 100,
                     headers={"Authorization": server.token()})
        self.assertEqual(conn.getresponse().status, 405)
        conn.close()


class TestSystemd(ServeTestCase):
    def test_notifies_ready_once_the_first_credentials_are_in(self):
        path = os.path.join(self.sandbox.root, "notify.sock")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(path)
        notify.settimeout(30)
        self.addCleanup(notify.close)
        self.sts.set_fault({"hang": 1.0})
        self.env["NOTIFY_SOCKET"] = path
        server = self.serve(ready=False)
        message = notify.recv(4096).decode()
        self.assertIn("READY=1", message)
        self.assertEqual(self.sts.stats()["assume_calls"], 1, "READY only after the first exchange")
        self.assertEqual(server.credentials().status, 200)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_socket_activation(self):
        port = listening_socket()
        number = port.getsockname()[1]
        port.close()
        # it passes on only the environment named with -E
        keep = [a for key in sorted(self.env) for a in ("-E", key)]
        argv = ["systemd-socket-activate", "-l", "127.0.0.1:%d" % number] + keep + [fedcred_bin(), "serve",
                "--aws-profile", PROFILE, "--token-file", os.path.join(self.sandbox.root, "tok"),
                # ignored: systemd's socket wins
                "--listen", "127.0.0.1:1"]
        proc = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(lambda: (proc.poll() is None and proc.terminate(), proc.wait()))
        # the first connection starts the server; it answers once the credentials are in
        deadline = time.monotonic() + 30
        status = None
        while status != 200 and time.monotonic() < deadline:
            try:
                status = http_get(number, "/healthz").status
            except OSError:  # systemd-socket-activate not listening yet
                time.sleep(0.1)
        self.assertEqual(status, 200, proc.stderr.read().decode() if proc.poll() is not None else "")
        with open(os.path.join(self.sandbox.root, "tok")) as f:
            token = f.read()
        self.assertEqual(http_get(number, "/aws/credentials", {"Authorization": token}).status, 200)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_a_passed_socket_beyond_loopback_is_refused(self):
        # issue 21.5: ListenStream=PORT (the wildcard address) would serve the network
        for address in ("0.0.0.0", "[::]"):
            with self.subTest(address):
                number = free_port()
                proc = self.socket_activated("%s:%d" % (address, number))
                # the first connection starts the server (systemd-socket-activate waits for it)
                deadline = time.monotonic() + 30
                while proc.poll() is None and time.monotonic() < deadline:
                    try:
                        answer = http_get(number, "/healthz")
                        self.assertNotEqual(answer.status, 200, "served on " + address)
                    except OSError:
                        time.sleep(0.1)
                self.assertEqual(proc.wait(timeout=30), EXIT_USAGE)
                err = proc.stderr.read().decode()
                self.assertIn("not a loopback address", err)
                self.assertEqual(self.sts.stats()["assume_calls"], 0)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_the_first_request_under_socket_activation_is_answered(self):
        # issue 21.8: the connection that starts the server asks for credentials at once; it
        # used to get 503 before the first exchange was done (rclone, Go SDK v2, x/oauth2 fail)
        self.sts.set_fault({"hang": 1.5, "times": 1})
        _, resp = self.first_request()
        self.assertEqual(resp.status, 200, resp.body if resp.status != 200 else "")
        self.assertEqual(set(resp.json()), CONTAINER_KEYS)
        self.assertEqual(self.sts.stats()["assume_calls"], 1)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_a_failed_first_fetch_answers_the_held_request_and_exits(self):
        # the request that started the server is held; the first exchange is denied: the
        # server answers it (503) and exits with the reason. It used to re-suspend the request
        # while stopping, and libmicrohttpd aborted the process ("MHD_stop_daemon() called
        # while we have suspended connections"), the reason never printed.
        self.sts.set_fault({"code": "AccessDenied", "message": "Not authorized", "status": 403,
                            "hang": 1.0})
        answer = None
        try:
            proc, answer = self.first_request(timeout=30)
        except (ConnectionError, http.client.HTTPException):
            proc = self.activated  # closed unanswered: still, the server must exit cleanly
        self.assertEqual(proc.wait(timeout=30), EXIT_DENIED)
        err = proc.stderr.read().decode()
        self.assertIn("cannot get the first credentials", err)
        self.assertIn("AccessDenied", err)
        self.assertNotIn("Fatal error", err)
        if answer is not None:
            self.assertEqual(answer.status, 503)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_the_first_request_waits_as_long_as_the_profiles_timeout(self):
        # issue 21.8: the hold is bounded by the profile's own fetch deadline (`timeout`), not
        # by a fixed 60 s. The first fetch waits 63 s for the cache lock (another fetch of the
        # same key holds it), within timeout = 150 (a fetch waits for the lock at most half its
        # deadline); a fixed 60 s hold answered 503 first.
        self.sandbox.write_config(profile_config().replace("timeout = 5", "timeout = 150"))
        self.assert_credentials(self.fedcred("aws", "--profile", PROFILE, env=self.env))
        listed = json.loads(self.fedcred("cache", "list", env=self.env).stdout)
        entry = os.path.join(listed["directory"], listed["entries"][0]["file"])
        os.unlink(entry)  # the next fetch of this key is a miss: it must take the lock
        holder = LockHolder(entry[:-len(".json")] + ".lock")
        self.addCleanup(holder.kill)
        released = threading.Timer(63, holder.kill)
        self.addCleanup(released.cancel)
        released.start()
        started = time.monotonic()
        # the answer comes once the lock is released: wait longer than the hold
        _, resp = self.first_request(timeout=120)
        waited = time.monotonic() - started
        self.assertEqual(resp.status, 200, "after %.1f s: %s" % (waited, resp.body if resp.status != 200 else ""))
        self.assertGreater(waited, 60, "the request was not held for the fetch")
        self.assertEqual(set(resp.json()), CONTAINER_KEYS)

    @unittest.skipUnless(shutil.which("systemd-socket-activate"), "needs systemd-socket-activate")
    def test_the_shipped_socket_cannot_be_squatted(self):
        # issue 21.6: the shipped set-up listens where no unprivileged user can bind, whether the
        # server runs or not; an unprivileged user tries, as that user, with and without it
        unit_dir = os.path.join(os.path.dirname(__file__), "..", "..", "conf", "systemd")
        with open(os.path.join(unit_dir, "fedcred-serve.socket")) as f:
            listens = [l.split("=", 1)[1].strip() for l in f if l.startswith("ListenStream=")]
        with open(os.path.join(unit_dir, "fedcred-serve.service.in")) as f:
            service = f.read()
        self.assertTrue("Requires=fedcred-serve.socket" in service, "the service must not run without it")
        self.assertNotIn("CAP_NET_BIND_SERVICE", service)
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
            unprivileged = int(f.read())
        self.assertTrue(listens)
        v4 = [l for l in listens if not l.startswith("[")][0]
        number = int(v4.rsplit(":", 1)[1])
        self.assertLess(number, unprivileged, "%s is a port any local user may bind" % v4)
        squat = ("import socket, sys\ns = socket.socket()\n"
                 "try:\n    s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(1); print('bound')\n"
                 "except OSError as e:\n    print('refused', e.errno)\n")
        proc = self.socket_activated(v4)
        deadline = time.monotonic() + 30
        status = None
        while status != 200 and time.monotonic() < deadline:
            try:
                status = http_get(number, "/healthz").status
            except OSError:
                time.sleep(0.1)
        self.assertEqual(status, 200)
        self.assertTrue(run_as_other(squat, number).stdout.startswith("refused"))
        proc.terminate()
        proc.wait(timeout=30)
        # the server is gone (as after a failed start): the port is still not the user's
        res = run_as_other(squat, number)
        self.assertTrue(res.stdout.startswith("refused"), res.stdout + res.stderr)
        # the control: the old default port, 8960, was anyone's to take
        self.assertTrue(run_as_other(squat, free_port()).stdout.startswith("bound"))

    def first_request(self, timeout=10):
        """A socket-activated server started by a request for credentials, as a booting VM's
        first client starts it: (the process, the answer). The token file is written first;
        the request is sent as soon as systemd-socket-activate listens."""
        token = "socket-activated-token-0123456789"
        path = os.path.join(self.sandbox.root, "tok")
        write(path, token)
        os.chmod(path, 0o600)
        number = free_port()
        self.activated = self.socket_activated("127.0.0.1:%d" % number)
        deadline = time.monotonic() + 30
        while True:
            try:
                return self.activated, http_get(number, "/aws/credentials", {"Authorization": token},
                                                timeout=timeout)
            except ConnectionRefusedError:  # systemd-socket-activate not listening yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def socket_activated(self, listen, *args):
        """systemd-socket-activate -l LISTEN fedcred serve --aws-profile PROFILE ARGS."""
        # it passes on only the environment named with -E
        keep = [a for key in sorted(self.env) for a in ("-E", key)]
        argv = ["systemd-socket-activate", "-l", listen] + keep + [fedcred_bin(), "serve",
                "--aws-profile", PROFILE, "--token-file", os.path.join(self.sandbox.root, "tok")]
        proc = subprocess.Popen(argv + list(args), env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(lambda: (proc.poll() is None and proc.terminate(), proc.wait()))
        return proc


class TestCounters(ServeTestCase):
    def test_sigusr1_and_stats(self):
        server = self.serve()
        server.credentials()
        server.credentials(token="bad")
        res = self.fedcred("serve", "--stats", "--listen", "127.0.0.1:%d" % server.port, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        import json
        stats = json.loads(res.stdout)
        self.assertGreaterEqual(stats["requests"], 3)
        self.assertGreaterEqual(stats["4xx"], 1)
        self.assertEqual(stats["issued"], 1)
        server.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while "stats: requests=" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn("stats: requests=", server.log())
        self.assertEqual(server.stop(), 0)
        self.assert_clean_log(server)

    def test_health_is_a_probe(self):
        """`serve --health`: the exec probe of packaging/kubernetes (GET /healthz)."""
        server = self.serve()
        res = self.fedcred("serve", "--health", "--listen", "127.0.0.1:%d" % server.port, env=self.env)
        self.assertEqual(res.returncode, 0, res.describe())
        import json
        self.assertEqual(json.loads(res.stdout)["status"], "ok")
        self.assertNotIn(server.token(), res.stdout)
        port = server.port
        self.assertEqual(server.stop(), 0)
        res = self.fedcred("serve", "--health", "--listen", "127.0.0.1:%d" % port, env=self.env)
        self.assertEqual((res.returncode, res.stdout), (EXIT_TRANSIENT, ""), res.describe())
        self.assertIn("--listen", res.stderr)


if __name__ == "__main__":
    unittest.main()
