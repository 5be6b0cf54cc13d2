"""The stand-ins themselves, checked with plain HTTP clients and boto3 (no fedcred): if these
fail, the fedcred tests that use them cannot be trusted either way."""

import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request


import fake_gcs  # noqa: E402
import fake_google_sts  # noqa: E402
import fake_sts  # noqa: E402
import gce_metadata  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STANDINS = os.path.join(os.path.dirname(HERE), "standins")
IDENTITY = gce_metadata.IDENTITY_PATH


def get(url, headers=None, timeout=10):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def post(url, data, timeout=10):
    req = urllib.request.Request(url, data=data, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


class TestMetadataStandin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.md = gce_metadata.MetadataServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.md.stop()

    def setUp(self):
        self.md.reset()

    def identity(self, audience="sts.amazonaws.com", fmt="full", headers=None):
        query = urllib.parse.urlencode({"audience": audience, "format": fmt})
        return get("http://%s%s?%s" % (self.md.host, IDENTITY, query),
                   {"Metadata-Flavor": "Google"} if headers is None else headers)

    def test_issues_verifiable_rs256_tokens_with_google_claims(self):
        status, headers, body = self.identity()
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Metadata-Flavor"), "Google")
        token = body.decode()
        claims = gce_metadata.verify_jwt(token, self.md.key.public_pem())
        header = json.loads(gce_metadata.b64url_decode(token.split(".")[0]))
        self.assertEqual(header["alg"], "RS256")
        self.assertEqual(header["kid"], self.md.key.kid)
        self.assertEqual(claims["iss"], "https://accounts.google.com")
        self.assertEqual(claims["aud"], "sts.amazonaws.com")
        self.assertEqual(claims["azp"], self.md.identity["sa_id"])
        self.assertEqual(claims["sub"], self.md.identity["sa_id"])
        self.assertTrue(claims["sub"].isdigit())
        self.assertAlmostEqual(claims["exp"] - claims["iat"], 3600, delta=1)
        self.assertEqual(claims["google"]["compute_engine"]["instance_name"],
                         self.md.identity["instance_name"])
        self.assertEqual(self.md.stats()["identity_requests"], 1)
        self.assertEqual(self.md.stats()["issued"], [token])

    def test_standard_format_has_no_compute_engine_claims(self):
        _, _, body = self.identity(fmt="standard")
        claims = gce_metadata.verify_jwt(body.decode(), self.md.key.public_pem())
        self.assertNotIn("google", claims)

    def test_tampered_token_does_not_verify(self):
        _, _, body = self.identity()
        head, payload, sig = body.decode().split(".")
        other = gce_metadata.b64url(gce_metadata.b64url_decode(payload).replace(b"sts", b"xts"))
        with self.assertRaises(ValueError):
            gce_metadata.verify_jwt("%s.%s.%s" % (head, other, sig), self.md.key.public_pem())
        with self.assertRaises(ValueError):
            gce_metadata.verify_jwt(body.decode(), gce_metadata.SigningKey().public_pem())

    def test_requires_metadata_flavor(self):
        status, _, _ = self.identity(headers={})
        self.assertEqual(status, 403)
        self.assertEqual(self.md.stats()["issued"], [])

    def test_faults_apply_the_given_number_of_times(self):
        status, _ = post("http://%s/_control" % self.md.host,
                         json.dumps({"status": 500, "times": 2}).encode())
        self.assertEqual(status, 200)
        codes = [self.identity()[0] for _ in range(3)]
        self.assertEqual(codes, [500, 500, 200])
        stats = json.loads(get("http://%s/_stats" % self.md.host)[2])
        self.assertEqual(stats["identity_requests"], 3)

    def test_body_oversize_and_header_faults(self):
        self.md.set_fault({"body": "not a jwt"})
        self.assertEqual(self.identity()[2], b"not a jwt")
        self.md.set_fault({"oversize": 100000})
        self.assertEqual(len(self.identity()[2]), 100000)
        self.md.set_fault({"drop_header": True})
        status, headers, _ = self.identity()
        self.assertEqual(status, 200)
        self.assertNotIn("Metadata-Flavor", headers)

    def test_plain_keys_and_jwks(self):
        flavor = {"Metadata-Flavor": "Google"}
        base = "http://%s/computeMetadata/v1/" % self.md.host
        self.assertEqual(get(base + "instance/name", flavor)[2].decode(),
                         self.md.identity["instance_name"])
        self.assertEqual(get(base + "project/project-id", flavor)[2].decode(),
                         self.md.identity["project_id"])
        jwks = json.loads(get("http://%s/.well-known/jwks" % self.md.host)[2])
        self.assertEqual(jwks["keys"][0]["kid"], self.md.key.kid)

    def test_runs_as_a_process(self):
        port_file = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                 "md-port-%d-%d" % (os.getpid(), time.monotonic_ns()))
        proc = subprocess.Popen([sys.executable, os.path.join(STANDINS, "gce_metadata.py"),
                                 "--port-file", port_file], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            port = int(proc.stdout.readline())
            with open(port_file) as f:
                self.assertEqual(int(f.read()), port)
            status, _, _ = get("http://127.0.0.1:%d%s?audience=a" % (port, IDENTITY),
                               {"Metadata-Flavor": "Google"})
            self.assertEqual(status, 200)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            if os.path.exists(port_file):
                os.unlink(port_file)


class TestFakeSts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config
        cls.md = gce_metadata.MetadataServer().start()
        sa_id = cls.md.identity["sa_id"]
        cls.sts = fake_sts.FakeSTS(public_key_pem=cls.md.key.public_pem(), trust={
            "accounts.google.com:aud": sa_id, "accounts.google.com:oaud": "sts.amazonaws.com",
            "accounts.google.com:sub": sa_id}).start()
        cls.client = boto3.client("sts", endpoint_url=cls.sts.url, region_name="us-east-1",
                                  config=Config(signature_version=UNSIGNED,
                                                retries={"total_max_attempts": 1,
                                                         "mode": "standard"}))

    @classmethod
    def tearDownClass(cls):
        cls.sts.stop()
        cls.md.stop()

    def setUp(self):
        self.sts.reset()

    def token(self, audience="sts.amazonaws.com"):
        return self.md.make_token(audience, True)

    def assume(self, token=None, **extra):
        args = dict(RoleArn="arn:aws:iam::123456789012:role/s3-reader",
                    RoleSessionName="standin-test", WebIdentityToken=token or self.token())
        args.update(extra)
        return self.client.assume_role_with_web_identity(**args)

    def error_code(self, **kwargs):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as ctx:
            self.assume(**kwargs)
        return ctx.exception.response["Error"]["Code"]

    def test_boto3_parses_its_success_response(self):
        resp = self.assume(DurationSeconds=1800)
        issued = self.sts.stats()["issued"][0]
        self.assertEqual(resp["Credentials"]["AccessKeyId"], issued["AccessKeyId"])
        self.assertEqual(resp["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::123456789012:assumed-role/s3-reader/standin-test")
        self.assertEqual(resp["SubjectFromWebIdentityToken"], self.md.identity["sa_id"])
        form = self.sts.stats()["forms"][0]
        self.assertEqual(form["DurationSeconds"], "1800")
        self.assertEqual(form["Action"], "AssumeRoleWithWebIdentity")

    def test_trust_policy_and_signature_are_enforced(self):
        self.assertEqual(self.error_code(token=self.token("other-audience")), "AccessDenied")
        foreign = gce_metadata.MetadataServer().make_token("sts.amazonaws.com", True)
        self.assertEqual(self.error_code(token=foreign), "InvalidIdentityToken")
        self.assertEqual(self.error_code(RoleSessionName="bad name"), "ValidationError")

    def test_error_faults(self):
        self.sts.set_fault({"code": "Throttling", "message": "Rate exceeded", "times": 1})
        self.assertEqual(self.error_code(), "Throttling")
        self.assume()  # then behaves
        self.sts.set_fault({"status": 500, "times": 1})
        self.assertEqual(self.error_code(), "InternalFailure")
        self.assertEqual(self.sts.stats()["assume_calls"], 3)

    def test_broken_response_faults(self):
        self.sts.set_fault({"no_credentials": True})
        self.assertNotIn("Credentials", self.assume())
        self.sts.set_fault({"malformed": True})
        status, body = post(self.sts.url, urllib.parse.urlencode({
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15"}).encode())
        self.assertEqual(status, 200)
        self.assertIn(fake_sts.CANARY_SECRET.encode(), body)
        self.assertFalse(body.rstrip().endswith(b">"), "malformed XML must be truncated")

    def test_get_caller_identity_for_issued_credentials(self):
        import boto3
        creds = self.assume()["Credentials"]
        session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                                aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"], region_name="us-east-1")
        ident = session.client("sts", endpoint_url=self.sts.url).get_caller_identity()
        self.assertEqual(ident["Arn"],
                         "arn:aws:sts::123456789012:assumed-role/s3-reader/standin-test")


GCP_AUDIENCE = ("//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/"
                "pool/providers/gce")
READER = "reader@p.iam.gserviceaccount.com"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


class TestCloudStorageStandin(unittest.TestCase):
    """fake_gcs.py serves an object only for a token the Google STS stand-in issued, unexpired,
    with a storage scope, of a service account allowed to read (checked at its /tokeninfo)."""

    @classmethod
    def setUpClass(cls):
        cls.md = gce_metadata.MetadataServer().start()
        cls.google = fake_google_sts.GoogleSts(jwks=cls.md.key.jwks()).start()
        cls.gcs = fake_gcs.GcsServer(tokeninfo_url=cls.google.tokeninfo_url,
                                     objects={("bkt", "dir/hello.txt"): b"hello\n"},
                                     readers=[READER]).start()

    @classmethod
    def tearDownClass(cls):
        for server in (cls.gcs, cls.google, cls.md):
            server.stop()

    def setUp(self):
        for server in (self.md, self.google, self.gcs):
            server.reset()

    def sts_token(self):
        """A federated access token: a metadata ID token exchanged at the Google STS."""
        query = urllib.parse.urlencode({"audience": GCP_AUDIENCE, "format": "full"})
        _, _, jwt = get("http://%s%s?%s" % (self.md.host, IDENTITY, query),
                        {"Metadata-Flavor": "Google"})
        status, doc = self.google.exchange(
            {"grant_type": fake_google_sts.GRANT_TYPE, "audience": GCP_AUDIENCE,
             "scope": CLOUD_PLATFORM, "requested_token_type": fake_google_sts.ACCESS_TOKEN_TYPE,
             "subject_token": jwt.decode(), "subject_token_type": fake_google_sts.SUBJECT_TOKEN_TYPES[0]},
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200, doc)
        return doc["access_token"]

    def sa_token(self, sa=READER, scope=CLOUD_PLATFORM):
        """A service account's access token (generateAccessToken with the federated one)."""
        status, doc = self.google.generate_access_token(
            sa, json.dumps({"scope": [scope]}).encode(),
            {"Authorization": "Bearer " + self.sts_token(), "Content-Type": "application/json"})
        self.assertEqual(status, 200, doc)
        return doc["accessToken"]

    def read(self, token, name="dir/hello.txt", media=True):
        return get(self.gcs.object_url("bkt", name, media), {"Authorization": "Bearer " + token})

    def test_a_readers_token_reads_the_object_and_its_metadata(self):
        token = self.sa_token()
        status, _, body = self.read(token)
        self.assertEqual((status, body), (200, b"hello\n"))
        status, _, body = self.read(token, media=False)
        meta = json.loads(body)
        self.assertEqual((status, meta["kind"], meta["bucket"], meta["name"], meta["size"]),
                         (200, "storage#object", "bkt", "dir/hello.txt", "6"))
        self.assertEqual(self.gcs.stats()["reads"],
                         [{"bucket": "bkt", "object": "dir/hello.txt", "reader": READER}] * 2)

    def test_no_token_or_one_it_did_not_issue_is_401(self):
        token = self.sa_token()
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        cases = {"no Authorization": {}, "Basic scheme": {"Authorization": "Basic " + token},
                 "empty Bearer": {"Authorization": "Bearer "},
                 "another token": {"Authorization": "Bearer " + tampered}}
        for what, headers in cases.items():
            with self.subTest(what):
                status, answer_headers, body = get(self.gcs.object_url("bkt", "dir/hello.txt"),
                                                   headers)
                self.assertEqual(status, 401)
                self.assertTrue(answer_headers.get("WWW-Authenticate", "").startswith("Bearer"))
                self.assertEqual(json.loads(body)["error"]["code"], 401)
        self.assertEqual(self.gcs.stats()["reads"], [])
        # the same token in a proper header reads: the refusals were about the header
        self.assertEqual(self.read(token)[0], 200)

    def test_an_expired_token_is_401(self):
        token = self.sa_token()
        self.assertEqual(self.read(token)[0], 200)
        with self.google._lock:
            self.google.grants[token]["exp"] = time.time() - 1
        self.assertEqual(self.read(token)[0], 401)
        self.assertEqual(self.google.token_info(token)[0], 400)

    def test_scope_and_reader_are_enforced(self):
        email_only = self.sa_token(scope="https://www.googleapis.com/auth/userinfo.email")
        self.assertEqual(self.read(email_only)[0], 403)
        self.assertEqual(self.read(self.sa_token(sa="other@p.iam.gserviceaccount.com"))[0], 403)
        self.assertEqual(self.read(self.sts_token())[0], 403, "a federated token is no reader")
        read_only = self.sa_token(scope="https://www.googleapis.com/auth/devstorage.read_only")
        self.assertEqual(self.read(read_only)[0], 200)
        self.assertEqual([r["reason"] for r in self.gcs.stats()["refusals"]],
                         ["insufficientPermissions", "forbidden", "forbidden"])

    def test_a_missing_object_is_404(self):
        self.assertEqual(self.read(self.sa_token(), name="dir/nothing.txt")[0], 404)

    def test_tokeninfo(self):
        token = self.sa_token()
        status, _, body = get(self.google.tokeninfo_url + "?" +
                              urllib.parse.urlencode({"access_token": token}))
        info = json.loads(body)
        self.assertEqual((status, info["email"], info["scope"]), (200, READER, CLOUD_PLATFORM))
        self.assertTrue(3590 <= int(info["expires_in"]) <= 3600)
        status, body = post(self.google.tokeninfo_url,
                            urllib.parse.urlencode({"access_token": token + "x"}).encode())
        self.assertEqual((status, json.loads(body)["error"]), (400, "invalid_token"))

    def test_runs_as_a_process(self):
        # as demo/run starts it: the object from a file, one reader
        tmp = os.environ.get("TMPDIR", "/tmp")
        path = os.path.join(tmp, "gcs-object-%d-%d" % (os.getpid(), time.monotonic_ns()))
        with open(path, "wb") as f:
            f.write(b"from a file\n")
        self.addCleanup(os.unlink, path)
        proc = subprocess.Popen([sys.executable, os.path.join(STANDINS, "fake_gcs.py"),
                                 "--tokeninfo-url", self.google.tokeninfo_url,
                                 "--object", "bkt/a/b.txt=" + path, "--reader", READER],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            port = int(proc.stdout.readline())
            url = "http://127.0.0.1:%d/storage/v1/b/bkt/o/a%%2Fb.txt?alt=media" % port
            status, _, body = get(url, {"Authorization": "Bearer " + self.sa_token()})
            self.assertEqual((status, body), (200, b"from a file\n"))
            self.assertEqual(get(url, {"Authorization": "Bearer " + self.sts_token()})[0], 403)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()
