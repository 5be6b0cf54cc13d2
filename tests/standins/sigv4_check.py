#!/usr/bin/env python3
"""An independent SigV4 check with botocore's signer, for fedcred's stand-ins and tests.

expected_authorization() recomputes the Authorization header botocore.auth.SigV4Auth would
produce for a request (method, URL, headers, body, X-Amz-Date time, credentials, region,
service); verify() checks a received request's Authorization against it, so a stand-in STS
rejects a badly signed request the way STS does (SignatureDoesNotMatch).

botocore's add_auth() stamps the current time; here the request's own X-Amz-Date is used, so
the check is exact and a replay outside the allowed skew is reported separately.

As a program it prints botocore's Authorization value for a request given on the command line:
  sigv4_check.py --method POST --url https://sts.us-east-1.amazonaws.com/ \\
      --header 'Content-Type: application/x-www-form-urlencoded; charset=utf-8' \\
      --header 'X-Amz-Date: 20150830T123600Z' --body 'Action=...' \\
      --access-key AKID --secret-key SECRET [--session-token T] --region us-east-1 --service sts
"""

import argparse
import calendar
import hmac
import re
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")
MAX_SKEW_SECONDS = 300  # what AWS tolerates between X-Amz-Date and its clock


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def expected_authorization(method, url, headers, body, access_key, secret_key, session_token,
                           region, service, signed_headers=None):
    """botocore's Authorization value. `headers` is a dict (with Host and X-Amz-Date);
    `signed_headers`, a list of lower-case names, limits signing to those (None: botocore's
    own choice)."""
    amz_date = _header(headers, "X-Amz-Date")
    if not amz_date:
        raise ValueError("no X-Amz-Date header")
    chosen = {k: v for k, v in headers.items()
              if k.lower() != "authorization" and (signed_headers is None
                                                   or k.lower() in signed_headers)}
    if isinstance(body, str):
        body = body.encode()
    request = AWSRequest(method=method, url=url, headers=chosen, data=body or b"")
    request.context["timestamp"] = amz_date
    auth = SigV4Auth(Credentials(access_key, secret_key, session_token), service, region)
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    names = auth.signed_headers(auth.headers_to_sign(request))
    return "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        access_key, auth.credential_scope(request), names, signature)


def verify(method, url, headers, body, secrets, service, required=("host", "x-amz-date"),
           now=None):
    """Checks a received request. `secrets` maps access key id -> (secret key, session token).
    Returns None when valid, else (code, message) as STS would answer."""
    auth = _header(headers, "Authorization") or ""
    m = AUTH_RE.match(auth)
    if not m:
        return ("IncompleteSignature", "Authorization header requires a valid SigV4 value")
    akid, date, region, svc, signed, _ = m.groups()
    if akid not in secrets:
        return ("InvalidClientTokenId", "The security token included in the request is invalid.")
    secret_key, session_token = secrets[akid]
    signed_list = signed.split(";")
    token = _header(headers, "X-Amz-Security-Token")
    if session_token and token != session_token:
        return ("InvalidClientTokenId", "The security token included in the request is invalid.")
    for name in list(required) + (["x-amz-security-token"] if session_token else []):
        if name not in signed_list:
            return ("SignatureDoesNotMatch", "Header %s must be signed." % name)
    if svc != service:
        return ("SignatureDoesNotMatch", "Credential should be scoped to correct service: '%s'."
                % service)
    amz_date = _header(headers, "X-Amz-Date") or ""
    if not amz_date.startswith(date):
        return ("SignatureDoesNotMatch", "Date in Credential scope does not match X-Amz-Date.")
    try:
        stamp = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return ("IncompleteSignature", "X-Amz-Date is not a SigV4 timestamp")
    if abs((now if now is not None else time.time()) - stamp) > MAX_SKEW_SECONDS:
        return ("SignatureDoesNotMatch", "Signature expired: %s is now earlier or later than "
                "the allowed clock skew." % amz_date)
    want = expected_authorization(method, url, headers, body, akid, secret_key, session_token,
                                  region, svc, signed_headers=signed_list)
    if not hmac.compare_digest(want.encode(), auth.encode()):
        return ("SignatureDoesNotMatch", "The request signature we calculated does not match "
                "the signature you provided. Check your AWS Secret Access Key and signing method.")
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--method", default="POST")
    parser.add_argument("--url", required=True)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--body", default="")
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--session-token")
    parser.add_argument("--region", required=True)
    parser.add_argument("--service", default="sts")
    args = parser.parse_args(argv)
    headers = {}
    for text in args.header:
        name, _, value = text.partition(":")
        headers[name.strip()] = value.strip()
    print(expected_authorization(args.method, args.url, headers, args.body, args.access_key,
                                 args.secret_key, args.session_token, args.region, args.service))
    return 0


if __name__ == "__main__":
    sys.exit(main())
