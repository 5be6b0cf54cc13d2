#!/usr/bin/env node
// google-auth-library's own `aws` credential source (environment_id aws1), used to prove the
// Google STS stand-in faithful: the same aws1 credential config fedcred reads, the library
// signs GetCallerIdentity itself (env keys, or IMDSv2 at the config's urls) and exchanges it
// at the stand-in STS, which verifies the signature.
//
// Environment: E2E_CONFIG (path of the aws1 credential config). AWS_* as the library reads
// them (AWS_REGION, AWS_ACCESS_KEY_ID, ...).
// Prints {"ok": true, "token": "...", "expiry_date": N} or {"ok": false, "error": "..."}.
'use strict';

const fs = require('fs');
const {ExternalAccountClient} = require('google-auth-library');

async function main() {
  const config = JSON.parse(fs.readFileSync(process.env.E2E_CONFIG, 'utf8'));
  const client = ExternalAccountClient.fromJSON(config);
  if (!client) throw new Error('ExternalAccountClient.fromJSON returned null');
  client.scopes = ['https://www.googleapis.com/auth/cloud-platform'];
  const token = await client.getAccessToken();
  const credentials = client.credentials || {};
  process.stdout.write(JSON.stringify({ok: true, token: token.token,
                                       expiry_date: credentials.expiry_date}) + '\n');
}

main().catch(err => {
  process.stdout.write(JSON.stringify({ok: false, error: String(err && err.message),
                                       name: err && err.name}) + '\n');
  process.exit(1);
});
