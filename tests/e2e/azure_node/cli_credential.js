// @azure/identity 4.13.1's AzureCliCredential, for test_azure_command_clients.py: it runs
// `az account get-access-token --output json --resource R` (the test's `az` on PATH answers with
// `fedcred azure --format json`) and parses accessToken and expires_on; the token then reads the
// blob. Prints one JSON line {"sha256": of the token, "expiresOnTimestamp", "blob"} and never the
// token; on failure exit 1 with the library's error. TLS trusts NODE_EXTRA_CA_CERTS.
//
//   node cli_credential.js SCOPE BLOB_URL
"use strict";

const crypto = require("node:crypto");
const { AzureCliCredential } = require("@azure/identity");

async function main([scope, blobUrl]) {
  const token = await new AzureCliCredential().getToken(scope);
  const response = await fetch(blobUrl, {
    headers: { Authorization: "Bearer " + token.token, "x-ms-version": "2021-08-06" },
  });
  if (response.status !== 200) throw new Error("blob read: HTTP " + response.status);
  console.log(JSON.stringify({
    sha256: crypto.createHash("sha256").update(token.token).digest("hex"),
    expiresOnTimestamp: token.expiresOnTimestamp,
    blob: await response.text(),
  }));
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`${err.name}: ${err.message}`);
  process.exit(1);
});
