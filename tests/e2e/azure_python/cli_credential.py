"""Debian's python3-azure (azure-identity 1.13.0b2) getting a token with AzureCliCredential, for
test_azure_command_clients.py: the credential runs `az account get-access-token --output json
--resource R` (the test's `az` on PATH answers with `fedcred azure --format json`) and parses its
accessToken and expiresOn (a naive local time); the token then reads the blob (Get Blob over
urllib: azure-storage-blob's download asks for a range, which the blob stand-in does not serve).
Prints one JSON line {"sha256": of the token, "expires_on", "blob"} and never the token; on
failure exit 1 with the library's error on stderr.

  cli_credential.py SCOPE BLOB_URL

Runs under /usr/bin/python3; TLS trusts REQUESTS_CA_BUNDLE.
"""

import hashlib
import json
import sys

from azure.core.exceptions import ClientAuthenticationError
from azure.identity import AzureCliCredential, CredentialUnavailableError

from get_token import read_blob  # the script's own directory is on sys.path


def main(argv):
    scope, blob_url = argv[1], argv[2]
    try:
        token = AzureCliCredential().get_token(scope)
    except (ClientAuthenticationError, CredentialUnavailableError) as exc:
        sys.stderr.write("%s: %s\n" % (type(exc).__name__, exc.message))
        return 1
    print(json.dumps({"sha256": hashlib.sha256(token.token.encode()).hexdigest(),
                      "expires_on": token.expires_on, "blob": read_blob(blob_url, token.token)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
