"""Runs Debian's python3-azure (azure-identity 1.13.0b2) the way an application does, for the
Azure end-to-end tests: prints one JSON line {"sha256": of the access token, "expires_on",
"blob": the blob's text or null} and never the token itself; on failure exit 1 with the
library's error on stderr.

  get_token.py assertion TENANT CLIENT_ID ASSERTION_FILE SCOPE [BLOB_URL]
      ClientAssertionCredential(TENANT, CLIENT_ID, func=read ASSERTION_FILE), the authority
      from AZURE_AUTHORITY_HOST
  get_token.py environment SCOPE [BLOB_URL]
      ManagedIdentityCredential() from the environment: with AZURE_AUTHORITY_HOST,
      AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE it is the token exchange
      (the token file); with AZURE_POD_IDENTITY_AUTHORITY_HOST, IMDS there. AZURE_MI_CLIENT_ID
      selects a user-assigned identity.
  get_token.py default SCOPE [BLOB_URL]
      DefaultAzureCredential() from the environment,
      which finds the managed identity (IDENTITY_ENDPOINT + IDENTITY_HEADER, or IMDS at
      AZURE_POD_IDENTITY_AUTHORITY_HOST) after the environment and workload credentials.

Runs under /usr/bin/python3 (where Debian installs python3-azure); TLS trusts REQUESTS_CA_BUNDLE.
"""

import hashlib
import json
import os
import ssl
import sys
import urllib.request

from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (ClientAssertionCredential, DefaultAzureCredential,
                            ManagedIdentityCredential)


def read_blob(url, token):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token,
                                                   "x-ms-version": "2021-08-06"})
    context = ssl.create_default_context(cafile=os.environ.get("REQUESTS_CA_BUNDLE"))
    with urllib.request.urlopen(request, timeout=10, context=context) as resp:
        return resp.read().decode()


def main(argv):
    mode = argv[1]
    if mode == "assertion":
        tenant, client_id, assertion_file, scope = argv[2:6]
        blob_url = argv[6] if len(argv) > 6 else None

        def assertion():
            with open(assertion_file) as f:
                return f.read()

        # No authority= keyword: 1.13.0b2 passes its keywords on to object.__init__, which
        # refuses them; the authority comes from AZURE_AUTHORITY_HOST (utils.get_default_authority).
        credential = ClientAssertionCredential(tenant, client_id, assertion)
    elif mode == "environment":
        scope = argv[2]
        blob_url = argv[3] if len(argv) > 3 else None
        mi_client = os.environ.get("AZURE_MI_CLIENT_ID")
        credential = ManagedIdentityCredential(client_id=mi_client) if mi_client \
            else ManagedIdentityCredential()
    elif mode == "default":
        scope = argv[2]
        blob_url = argv[3] if len(argv) > 3 else None
        credential = DefaultAzureCredential()
    else:
        raise SystemExit("unknown mode " + mode)
    try:
        token = credential.get_token(scope)
    except ClientAuthenticationError as exc:
        sys.stderr.write("ClientAuthenticationError: %s\n" % exc.message)
        return 1
    blob = read_blob(blob_url, token.token) if blob_url else None
    print(json.dumps({"sha256": hashlib.sha256(token.token.encode()).hexdigest(),
                      "expires_on": token.expires_on, "blob": blob}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
