#!/usr/bin/env node
// AWS -> GCP all the way to a Google API call: google-auth-library gets an access token through
// the external_account config get_access_token.js builds (its executable is `fedcred gcp`), then
// the library's own authorized request (client.request sets `Authorization: Bearer <token>`)
// reads one Cloud Storage object through the JSON API. Used by demo/run and
// tests/e2e/test_google_auth.py.
//
// Configuration: the E2E_* variables of get_access_token.js, and
//   E2E_OBJECT_URL   the object's media URL, .../storage/v1/b/BUCKET/o/OBJECT?alt=media
// With E2E_API=metadata there is no credential config at all: new GoogleAuth().getClient()
// must detect the GCE metadata server itself (GCE_METADATA_HOST, i.e. `fedcred serve
// --gcp-profile`, tests/e2e/test_serve_google.py), as on a VM.
//
// Prints one JSON document on stdout: {"ok": true, "status", "object" (the bytes read, as
// text), "client", "expiry_date", "token_start" (the token's first 6 characters: never the
// token)} or get_access_token.js's failure document plus "status" (the HTTP status of a
// refused read); exits 0 on success, 1 on failure.
'use strict';

const {GoogleAuth} = require('google-auth-library');
const {configFromEnv, makeClient, failureDocument, runMain} = require('./get_access_token');

async function main() {
  const env = process.env;
  const client = env.E2E_API === 'metadata'
    ? await new GoogleAuth().getClient()
    : await makeClient(configFromEnv(env, ['E2E_OBJECT_URL']), env.E2E_API || 'client');
  let res;
  try {
    res = await client.request({url: env.E2E_OBJECT_URL, responseType: 'text'});
  } catch (err) {
    const status = err && err.response ? err.response.status : null;
    process.stdout.write(JSON.stringify(failureDocument(err, {status})) + '\n');
    return 1;
  }
  const token = (client.credentials && client.credentials.access_token) || '';
  process.stdout.write(JSON.stringify({
    ok: true,
    status: res.status,
    object: String(res.data),
    client: client.constructor.name,
    expiry_date: client.credentials ? client.credentials.expiry_date : null,
    token_start: token.slice(0, 6),
  }) + '\n');
  return 0;
}

runMain(main);
