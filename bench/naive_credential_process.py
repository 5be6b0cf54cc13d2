#!/usr/bin/env python3
"""The baseline for bench/cold_fetch.sh: what a naive credential_process script does (the
seed post's approach): fetch a Google ID token from the metadata server with urllib, exchange
it with boto3's sts.assume_role_with_web_identity, print credential_process JSON.

Endpoints come from the same variables fedcred reads: GCE_METADATA_HOST, AWS_ENDPOINT_URL_STS
(boto3 honours it by itself), AWS_REGION. Usage: naive_credential_process.py ROLE_ARN
"""

import json
import os
import sys
import urllib.request

import boto3


def main():
    role_arn = sys.argv[1]
    host = os.environ.get("GCE_METADATA_HOST", "metadata.google.internal")
    url = ("http://%s/computeMetadata/v1/instance/service-accounts/default/identity"
           "?audience=sts.amazonaws.com&format=full" % host)
    req = urllib.request.Request(url, headers={"Metadata-Flavor": "Google"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        token = resp.read().decode()
    sts = boto3.client("sts", region_name=os.environ.get("AWS_REGION", "us-east-1"))
    creds = sts.assume_role_with_web_identity(RoleArn=role_arn,
                                              RoleSessionName="naive-script",
                                              WebIdentityToken=token)["Credentials"]
    print(json.dumps({"Version": 1, "AccessKeyId": creds["AccessKeyId"],
                      "SecretAccessKey": creds["SecretAccessKey"],
                      "SessionToken": creds["SessionToken"],
                      "Expiration": creds["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")}))


if __name__ == "__main__":
    main()
