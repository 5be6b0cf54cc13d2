#!/usr/bin/env python3
"""Writes the hand-made seeds of tests/fuzz/corpus/<target>/ (seed-*.txt).

Run once after changing it; the files are checked in. Inputs the fuzzer found
interesting later may be added next to them (any name not starting with '.').
"""
import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SK = "SECRETKEYMARKER/wJalrXUtnFEMI+K7MDENG"
ST = "SESSIONMARKER//////////wEaDFp+VDQ0ODEyNzM="
NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def b64(s):
    return base64.urlsafe_b64encode(s.encode() if isinstance(s, str) else s).decode().rstrip("=")


def jwt(payload, header='{"alg":"RS256","typ":"JWT","kid":"k1"}'):
    if not isinstance(payload, str):
        payload = json.dumps(payload)
    return b64(header) + "." + b64(payload) + ".SIGMARKER_" + b64(b"\x01sig")


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d.txt" % i), "wb") as f:
            f.write(s.encode() if isinstance(s, str) else s)


def assume_role(creds=True, ns=NS, extra=""):
    c = ("<Credentials><SessionToken>%s</SessionToken><SecretAccessKey>%s</SecretAccessKey>"
         "<Expiration>2026-01-01T01:00:00Z</Expiration><AccessKeyId>ASIAEXAMPLE</AccessKeyId></Credentials>"
         % (ST, SK)) if creds else ""
    return ('<AssumeRoleWithWebIdentityResponse xmlns="%s"><AssumeRoleWithWebIdentityResult>'
            "<SubjectFromWebIdentityToken>123</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>"
            "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/fedcred</Arn>"
            "<AssumedRoleId>AROAEXAMPLE:fedcred</AssumedRoleId></AssumedRoleUser>%s%s"
            "<Provider>accounts.google.com</Provider></AssumeRoleWithWebIdentityResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</AssumeRoleWithWebIdentityResponse>\n" % (ns, c, extra))


def error_xml(code, msg, typ="Sender"):
    return ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>'
            "<RequestId>req-err-7</RequestId></ErrorResponse>\n" % (NS, typ, code, msg))


def web_token(tok="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.WEBTOKENMARKER"):
    return ('<GetWebIdentityTokenResponse xmlns="%s"><GetWebIdentityTokenResult>'
            "<WebIdentityToken>%s</WebIdentityToken><Expiration>2026-01-01T01:00:00Z</Expiration>"
            "</GetWebIdentityTokenResult><ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata>"
            "</GetWebIdentityTokenResponse>\n" % (NS, tok))


write("sts_xml", [
    assume_role(),
    assume_role(ns="https://sts.amazonaws.com/doc/2011-06-15/").replace("<", "<sts:").replace("<sts:/", "</sts:")
    .replace('<sts:AssumeRoleWithWebIdentityResponse xmlns=', '<sts:AssumeRoleWithWebIdentityResponse xmlns:sts='),
    assume_role(creds=False),
    assume_role().replace("<AccessKeyId>ASIAEXAMPLE</AccessKeyId>", ""),
    '<?xml version="1.0" encoding="UTF-8"?>\n' + assume_role(),
    error_xml("Throttling", "Rate exceeded"),
    error_xml("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
    error_xml("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider &amp; &lt;x&gt;"),
    error_xml("ExpiredTokenException", "Token expired", "Receiver"),
    web_token(),
    web_token("").replace("<Expiration>2026-01-01T01:00:00Z</Expiration>", ""),
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><ErrorResponse><Error><Code>&lol2;</Code></Error></ErrorResponse>',
    assume_role()[:200],
    "<AssumeRoleWithWebIdentityResponse><![CDATA[x]]><!-- c --><?pi x?><Credentials><SessionToken>a</SessionToken>"
    "<SessionToken>b</SessionToken></Credentials></AssumeRoleWithWebIdentityResponse>",
    "\xef\xbb\xbf<ErrorResponse><Error><Code>\xc3\xa9\xe2\x80\x8b</Code><Message>\x01</Message></Error></ErrorResponse>",
    "<Error><Code>x</Code></Error>",
])

write("imds_json", [
    json.dumps({"Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",
                "AccessKeyId": "ASIAIMDSEXAMPLE", "SecretAccessKey": SK, "Token": ST,
                "Expiration": "2026-01-01T06:00:00Z"}, indent=2),
    json.dumps({"Code": "Success", "AccessKeyId": "A", "SecretAccessKey": "S", "Token": "T"}),
    json.dumps({"Code": "AssumeRoleUnauthorizedAccess", "Message": "EC2 cannot assume the role",
                "LastUpdated": "2026-01-01T00:00:00Z"}),
    json.dumps({"Code": "Success", "AccessKeyId": "A", "SecretAccessKey": SK}),
    json.dumps({"Code": "Success", "AccessKeyId": 5, "SecretAccessKey": SK, "Token": ST}),
    json.dumps({"Code": "Success", "AccessKeyId": "", "SecretAccessKey": "", "Token": ""}),
    json.dumps([{"Code": "Success"}]),
    '{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T"} trailing',
    '{"Code":"Succ',
    '{"Code":"Success\\u0000x","AccessKeyId":"A\\ud800","SecretAccessKey":"S","Token":"T","Code":"Failed"}',
    '{"a":' * 40 + "1" + "}" * 40,
    '{"Code":"Error","Message":"\\n\\u001b[31mred ' + SK + '"}',
    "",
])

cache_base = {"format": 1, "key": "fedcred-cache-key-v1\ncommand=aws\n", "profile": "s3-reader",
              "label": "arn:aws:iam::123456789012:role/reader", "expiration": 1767229200,
              "refresh_jitter": 42,
              "values": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": SK, "SessionToken": ST,
                         "Expiration": "2026-01-01T01:00:00Z", "Version": "1"}}


def cache(**kw):
    d = dict(cache_base)
    d.update(kw)
    return json.dumps(d)


write("cache_entry", [
    cache(),
    cache(profile="", label="", values={}),
    cache(format=2),
    cache(expiration="1767229200"),
    cache(refresh_jitter=-1),
    cache(values={"AccessKeyId": 1}),
    cache()[:-10],
    cache() + "garbage",
    cache(extra="unknown member"),
    json.dumps({k: v for k, v in cache_base.items() if k != "key"}),
    cache(expiration=1e300),
    cache(values={"subject_token": jwt({"sub": "1"}), "expiration": "1767229200"}),
    cache(label="\u00e9\u0000\u202e"),
    "[1,2,3]",
    cache(expiration=9223372036854775807, refresh_jitter=9223372036854775807),
])

claims_full = {"iss": "https://accounts.google.com", "sub": "110987654321", "aud": "sts.amazonaws.com",
               "azp": "110987654321", "email": "sa@p.iam.gserviceaccount.com", "iat": 1767225600,
               "exp": 1767229200,
               "google": {"compute_engine": {"instance_name": "vm-1", "project_id": "p", "zone": "us-central1-a"}}}
write("jwt_claims", [
    jwt(claims_full),
    jwt({"sub": "1"}),
    jwt({"aud": ["a", "b"], "exp": 1.5e9}),
    jwt({"exp": 1e300, "iat": -1e300}),
    jwt({"exp": "1767229200"}),
    jwt("[1,2]"),
    jwt("not json"),
    "header.payload",
    "a.b.c.d",
    b64('{"alg":"none"}') + "." + b64(json.dumps(claims_full)) + "=.",
    "eyJ!!!.eyJ***.x",
    jwt({"google": {"compute_engine": {"instance_name": 5}}}),
    jwt({"sub": "x" * 3000}),
    jwt({"exp": 9223372036854775807, "iat": -9223372036854775808}),
    "",
])

AUD = "//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/pool-1/providers/aws-1"
TOK = jwt({"sub": "arn:aws:iam::123456789012:role/app", "aud": "https:" + AUD, "exp": 1767229200,
           "iss": "https://sts.amazonaws.com"})
write("gcp_env", [
    AUD + "\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nGOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE="
    "urn:ietf:params:oauth:token-type:jwt\n!subject_token=" + TOK + "\n!expiration=1767229200\n",
    "https:" + AUD + "\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=https:" + AUD + "\n!subject_token=" + TOK + "\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nGOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE="
    "urn:ietf:params:oauth:token-type:saml2\n!subject_token=" + TOK + "\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nGOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE=1\n!subject_token=" + TOK + "\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nGOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=/tmp/out.json\n"
    "!subject_token=" + TOK + "\n",
    "//iam.googleapis.com/projects/abc/locations/global/workloadIdentityPools/pool/providers/p\n"
    "@audience=//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/POOL/providers/p\n"
    "!subject_token=" + TOK + "\n",
    "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/\n"
    "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\n!fail=5\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\n!subject_token=notajwt-SUBJECTTOKENMARKER\n",
    "x\n@audience=" + AUD + "\n@source=gce\nGCE_METADATA_HOST=127.0.0.1:1\n!subject_token=" + TOK + "\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nAWS_EC2_METADATA_SERVICE_ENDPOINT=ftp://x\n!subject_token=" + TOK,
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nAWS_ENDPOINT_URL_STS=http://127.0.0.1:9/\nAWS_REGION=eu-west-1\n"
    "AWS_ACCESS_KEY_ID=AKIA\nAWS_SECRET_ACCESS_KEY=SECRETKEYMARKER\n!subject_token=" + TOK + "\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\nAWS_ACCESS_KEY_ID=AKIA\n!subject_token=" + TOK + "\n",
    "x\n@audience=" + AUD + "\n@source=file\n@token_file=/nonexistent/token\n",
    "x\nGOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=" + AUD + "\n!subject_token=" + TOK + "\n!expiration=-5\n@timeout=1\n",
    "\n",
])

write("config", [
    "# fedcred.conf\n[default]\nsource = gce\naudience = sts.amazonaws.com\nregion = us-east-1\ntimeout = 15\n\n"
    "[profile s3-reader]\nrole_arn = arn:aws:iam::123456789012:role/reader\nsession_name = fedcred-vm\n"
    "duration = 3600\ncache = true\nrefresh_margin = 900\n",
    "[profile gcs]\nsource = aws\naudience = //iam.googleapis.com/projects/1/locations/global/"
    "workloadIdentityPools/p/providers/x\ntoken_duration = 900\nuse_fips_endpoint = yes\n",
    "[profile ci]\nsource = file\ntoken_file = /var/run/secrets/tokens/aws\nrole_arn = arn:aws-cn:iam::123456789012:role/r\n",
    "[default]\nunknown_key = 1\n",
    "[weird section]\nsource = gce\n",
    "[default]\nduration = 99999999999999999999999\n",
    "[default]\nregion = us-east-1\n[default]\nregion = eu-west-1\n",
    "[default\nsource = gce\n",
    "source = gce\n",
    "[default]\n; comment\n# comment\n   \n\tsource\t=\tgce   ; inline\n",
    "[default]\nsession_name = " + "x" * 70000 + "\n",
    "\xef\xbb\xbf[profile \xc3\xa9]\nrole_arn = arn:aws:iam::1:role/\x00x\n",
    "[profile a]\n[profile b]\nrole_arn=\n=value\n",
    "[default]\ntimeout = 0\ncache = maybe\nrefresh_margin = -1\n",
    "[profile us-gov]\nrole_arn = arn:aws-us-gov:iam::123456789012:role/path/to/role\nregion = us-gov-west-1\n",
])

AWS1 = {"type": "external_account", "audience": AUD,
        "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
        "token_url": "https://sts.googleapis.com/v1/token",
        "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/"
                                             "serviceAccounts/s@p.iam.gserviceaccount.com:generateAccessToken",
        "service_account_impersonation": {"token_lifetime_seconds": 3600},
        "credential_source": {"environment_id": "aws1",
                              "region_url": "http://169.254.169.254/latest/meta-data/placement/availability-zone",
                              "url": "http://169.254.169.254/latest/meta-data/iam/security-credentials",
                              "regional_cred_verification_url":
                                  "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
                              "imdsv2_session_token_url": "http://169.254.169.254/latest/api/token"}}
write("credential_config", [
    json.dumps(AWS1, indent=2),
    json.dumps(dict(AWS1, credential_source={"environment_id": "aws2",
                                             "regional_cred_verification_url": "x"})),
    json.dumps(dict(AWS1, subject_token_type="urn:ietf:params:oauth:token-type:jwt",
                    credential_source={"executable": {"command": "/usr/bin/fedcred gcp --profile \"a b\"",
                                                      "timeout_millis": 5000}})),
    json.dumps(dict(AWS1, credential_source={"executable": {"command": "\"unterminated"}})),
    json.dumps(dict(AWS1, credential_source={"file": "/var/run/token", "format": {"type": "json"}})),
    json.dumps(dict(AWS1, service_account_impersonation={"token_lifetime_seconds": "3600"})),
    json.dumps(dict(AWS1, service_account_impersonation={"token_lifetime_seconds": 10 ** 30})),
    '{"type":"external_account","credential_source":[]}',
    "[1,2,3]", "{", "", "\x00\xff{\"type\":\"external_account\"}",
])

# docs/PROTOCOLS.md 8.1 (STS), 8.3 (IAM Credentials generateAccessToken) and
# both error shapes; the access tokens carry the canary.
GTOK = "ya29.ACCESSTOKENMARKER_c.b0AXv0zTN"
write("google_json", [
    json.dumps({"access_token": GTOK, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                "token_type": "Bearer", "expires_in": 3599}),
    json.dumps({"access_token": GTOK, "token_type": "Bearer", "expires_in": "3600"}),
    json.dumps({"access_token": GTOK, "expires_in": 0}),
    json.dumps({"access_token": GTOK, "expires_in": "12x"}),
    json.dumps({"access_token": GTOK + "x" * 12000, "expires_in": 3600.5}),
    json.dumps({"accessToken": GTOK, "expireTime": "2026-01-01T01:00:00Z"}),
    json.dumps({"accessToken": GTOK, "expireTime": "2026-01-01T01:00:00.123456789+05:30"}),
    json.dumps({"accessToken": GTOK, "expireTime": "2026-13-01T01:00:00Z"}),
    json.dumps({"accessToken": GTOK}),
    json.dumps({"error": "invalid_grant", "error_description": "The audience in ID Token [x] does not match",
                "error_uri": "https://example"}),
    json.dumps({"error": {"code": 403, "message": "Permission 'iam.serviceAccounts.getAccessToken' denied",
                          "status": "PERMISSION_DENIED"}}),
    json.dumps({"error": "invalid_target\u0000\u001b[31m", "error_description": "\u00e9" * 400}),
    '{"access_token":"' + GTOK + '","expires_in":9223372036854775807}',
    '{"access_token":"a","access_token":"b","expires_in":"-1"}',
    "[]", "{", "",
])

# docs/PROTOCOLS.md 4.2: ECS answers RoleArn, EKS Pod Identity AccountId;
# neither sends IMDS's Code.
write("container_json", [
    json.dumps({"RoleArn": "arn:aws:iam::123456789012:role/task", "AccessKeyId": "ASIACONTAINER",
                "SecretAccessKey": SK, "Token": ST, "Expiration": "2026-01-01T06:00:00Z"}, indent=2),
    json.dumps({"AccessKeyId": "ASIAPODIDENTITY", "SecretAccessKey": SK, "Token": ST,
                "AccountId": "123456789012", "Expiration": "2026-01-01T06:00:00+00:00"}),
    json.dumps({"AccessKeyId": "A", "SecretAccessKey": SK, "Token": ST}),
    json.dumps({"AccessKeyId": "A", "SecretAccessKey": SK, "Token": ST, "Expiration": "2026-01-01T06:00:00.5Z"}),
    json.dumps({"AccessKeyId": "A", "SecretAccessKey": SK, "Token": ST, "Expiration": "tomorrow"}),
    json.dumps({"AccessKeyId": "A", "SecretAccessKey": SK}),
    json.dumps({"AccessKeyId": "A", "SecretAccessKey": SK, "Token": 5}),
    json.dumps({"code": "AccessDenied", "message": "Unable to validate the token " + ST}),
    json.dumps({"Code": "Failed", "AccessKeyId": "A", "SecretAccessKey": SK, "Token": ST}),
    '{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"9999-12-31T23:59:59-23:59"}',
    "[]", "{", "",
])

# The core's plain-http client (net/http_message.h): IMDS's answers as they arrive on the socket.
write("http_answer", [
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\nServer: EC2ws\r\n\r\nfedcred-ec2-role",
    "HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\nAQAEAMARKER" + "t" * 45,
    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nUnauthorized",
    "HTTP/1.0 200 OK\r\n\r\nrole-without-length",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
    "HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    "SSH-2.0-OpenSSH_9.6\r\n",
    "HTTP/1.1 200 OK\r\nX: \x01\x7f\r\n\r\n",
    "HTTP/1.1 200 OK\n\nbare newlines",
    "",
])
