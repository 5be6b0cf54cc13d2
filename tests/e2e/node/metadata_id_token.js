#!/usr/bin/env node
// google-auth-library against a metadata server and nothing else: the client detects the
// server itself (gcp-metadata reads /computeMetadata/v1/instance and wants
// "Metadata-Flavor: Google" back), then asks the Compute client for an ID token, which reads
// instance/service-accounts/default/identity?format=full&audience=AUD. Used by
// tests/e2e/test_metadata_flavors.py to prove the GKE and Cloud Run stand-ins answer as the
// real servers do, as the real client sees them.
//
// Environment: GCE_METADATA_HOST (host:port of the server), E2E_AUDIENCE.
// Prints one JSON document: {"ok": true, "client", "claims" (the token's payload, decoded,
// unverified)} or {"ok": false, "stage" ("detect" or "id_token"), "error", "status"}; exits
// 0 on success, 1 on failure.
'use strict';

const {GoogleAuth} = require('google-auth-library');

function payloadOf(jwt) {
  const part = String(jwt).split('.')[1] || '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function fail(stage, err) {
  const status = err && err.response ? err.response.status : null;
  process.stdout.write(JSON.stringify({ok: false, stage, error: String(err && err.message),
                                       status}) + '\n');
  return 1;
}

async function main() {
  let client;
  try {
    client = await new GoogleAuth().getClient();
  } catch (err) {
    return fail('detect', err);
  }
  let token;
  try {
    token = await client.fetchIdToken(process.env.E2E_AUDIENCE);
  } catch (err) {
    return fail('id_token', err);
  }
  process.stdout.write(JSON.stringify({ok: true, client: client.constructor.name,
                                       claims: payloadOf(token)}) + '\n');
  return 0;
}

main().then(code => process.exit(code), err => process.exit(fail('unexpected', err)));
