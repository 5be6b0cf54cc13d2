#!/usr/bin/env python3
"""The seed's GCP -> AWS script (issue 24.3): what a GCE workload ran before fedcred, kept as the
baseline fedcred replaces. Its logic as the seed wrote it: google.auth.default(), an ID token for
the audience sts.amazonaws.com from google.oauth2.id_token.fetch_id_token, and boto3's
sts.assume_role_with_web_identity; it prints the credentials as credential_process JSON so that
the AWS CLI (and bench/cold_fetch.sh) can run it the way they run `fedcred aws`.

The seed's own file is not in this repository's inputs (/work/shared holds its contract only);
this is those three calls, with nothing added to make them faster or more careful. It needs
google-auth and requests (gcloud bundles them: PYTHONPATH=/usr/lib/google-cloud-sdk/lib/third_party)
and boto3. Endpoints come from the clients' own variables: GCE_METADATA_HOST and GCE_METADATA_IP
(google-auth), AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and AWS_REGION (boto3).

    gcp_to_aws.py ROLE_ARN [SESSION_NAME]
"""

import json
import sys

import boto3
import google.auth
import google.auth.transport.requests
import google.oauth2.id_token


def main():
    role_arn = sys.argv[1]
    session_name = sys.argv[2] if len(sys.argv) > 2 else "gcp-to-aws"
    credentials, project = google.auth.default()
    request = google.auth.transport.requests.Request()
    token = google.oauth2.id_token.fetch_id_token(request, 'sts.amazonaws.com')
    sts = boto3.client('sts')
    response = sts.assume_role_with_web_identity(RoleArn=role_arn,
                                                 RoleSessionName=session_name,
                                                 WebIdentityToken=token)
    creds = response['Credentials']
    print(json.dumps({"Version": 1, "AccessKeyId": creds["AccessKeyId"],
                      "SecretAccessKey": creds["SecretAccessKey"],
                      "SessionToken": creds["SessionToken"],
                      "Expiration": creds["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")}))


if __name__ == "__main__":
    main()
