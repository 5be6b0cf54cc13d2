// Runs @azure/identity 4.13.1 the way an application does, for the Azure end-to-end tests:
// prints one JSON line {"sha256": of the access token, "expiresOnTimestamp", "blob": the blob's
// text or null} and never the token itself; on failure exit 1 with the library's error.
//
//   node get_token.js assertion TENANT CLIENT_ID ASSERTION_FILE SCOPE [BLOB_URL]
//       ClientAssertionCredential (authorityHost $AZURE_AUTHORITY_HOST)
//   node get_token.js workload SCOPE [BLOB_URL]
//       WorkloadIdentityCredential from AZURE_TENANT_ID, AZURE_CLIENT_ID,
//       AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST
//   node get_token.js managed SCOPE [BLOB_URL]
//       ManagedIdentityCredential (IMDS at $AZURE_POD_IDENTITY_AUTHORITY_HOST; AZURE_MI_CLIENT_ID
//       selects a user-assigned identity); with IDENTITY_ENDPOINT and IDENTITY_HEADER, App Service
//   node get_token.js default SCOPE [BLOB_URL]
//       DefaultAzureCredential, which finds the managed identity after the environment and
//       workload credentials
// Instance discovery (a call to login.microsoftonline.com) is disabled: every endpoint is a
// loopback stand-in. TLS trusts NODE_EXTRA_CA_CERTS.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const {
  ClientAssertionCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} = require("@azure/identity");

async function readBlob(url, token) {
  const response = await fetch(url, {
    headers: { Authorization: "Bearer " + token, "x-ms-version": "2021-08-06" },
  });
  if (response.status !== 200) throw new Error("blob read: HTTP " + response.status);
  return response.text();
}

async function main(argv) {
  const mode = argv[0];
  let credential, scope, blobUrl;
  if (mode === "assertion") {
    const [tenant, clientId, assertionFile] = argv.slice(1, 4);
    [scope, blobUrl] = argv.slice(4, 6);
    credential = new ClientAssertionCredential(
      tenant, clientId, async () => fs.readFileSync(assertionFile, "utf8"),
      { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
  } else if (mode === "workload") {
    [scope, blobUrl] = argv.slice(1, 3);
    credential = new WorkloadIdentityCredential({ disableInstanceDiscovery: true });
  } else if (mode === "managed") {
    [scope, blobUrl] = argv.slice(1, 3);
    const clientId = process.env.AZURE_MI_CLIENT_ID;
    credential = clientId ? new ManagedIdentityCredential({ clientId })
                          : new ManagedIdentityCredential();
  } else if (mode === "default") {
    [scope, blobUrl] = argv.slice(1, 3);
    credential = new DefaultAzureCredential();
  } else {
    throw new Error("unknown mode " + mode);
  }
  const token = await credential.getToken(scope);
  const blob = blobUrl ? await readBlob(blobUrl, token.token) : null;
  console.log(JSON.stringify({
    sha256: crypto.createHash("sha256").update(token.token).digest("hex"),
    expiresOnTimestamp: token.expiresOnTimestamp,
    blob,
  }));
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`${err.name}: ${err.message}`);
  process.exit(1);
});
