#!/usr/bin/env node
// fedcred end to end with the real Google client: google-auth-library (Node) runs `fedcred gcp`
// as the executable of an executable-sourced `external_account` credential, exchanges the JWT
// it prints at the (stand-in) Google STS and impersonates a service account through the
// (stand-in) IAM Credentials generateAccessToken.
//
// Configuration comes from the environment (tests/e2e/test_google_auth.py sets it):
//   E2E_COMMAND            credential_source.executable.command (absolute program path + flags)
//   E2E_TOKEN_URL          token_url (the stand-in STS /v1/token)
//   E2E_IMPERSONATION_URL  service_account_impersonation_url (empty: no impersonation)
//   E2E_AUDIENCE           audience (a workload identity provider)
//   E2E_SUBJECT_TOKEN_TYPE subject_token_type (default urn:ietf:params:oauth:token-type:jwt)
//   E2E_OUTPUT_FILE        credential_source.executable.output_file (optional)
//   E2E_TIMEOUT_MILLIS     timeout_millis (default 5000)
//   E2E_ROUNDS             how many fresh clients get a token one after the other (default 1)
//   E2E_API                "client" (ExternalAccountClient.fromJSON) or "googleauth"
//                          (new GoogleAuth({credentials}).getClient()); default "client"
//   E2E_CONFIG_OUT         also write the generated config here (for the record)
// GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 must be set by the caller (the library's gate).
//
// Prints one JSON document on stdout: {"ok": true, "rounds": [{"token", "expiry_date",
// "client"}...], "config": {...}} or {"ok": false, "error", "name", "code", "rounds"}; exits 0
// on success, 1 on failure.
//
// read_gcs_object.js requires this file for configFromEnv, makeClient and failureDocument, so
// both scripts configure the library the same way; main() runs only when run directly.
'use strict';

const fs = require('fs');
const {ExternalAccountClient, GoogleAuth} = require('google-auth-library');

function buildConfig(env) {
  const executable = {
    command: env.E2E_COMMAND,
    timeout_millis: Number(env.E2E_TIMEOUT_MILLIS || 5000),
  };
  if (env.E2E_OUTPUT_FILE) executable.output_file = env.E2E_OUTPUT_FILE;
  const config = {
    type: 'external_account',
    audience: env.E2E_AUDIENCE,
    subject_token_type: env.E2E_SUBJECT_TOKEN_TYPE || 'urn:ietf:params:oauth:token-type:jwt',
    token_url: env.E2E_TOKEN_URL,
    credential_source: {executable},
  };
  if (env.E2E_IMPERSONATION_URL) {
    config.service_account_impersonation_url = env.E2E_IMPERSONATION_URL;
    config.service_account_impersonation = {token_lifetime_seconds: 3600};
  }
  return config;
}

// The library's client for `config`, through one of its two public entry points.
async function makeClient(config, api) {
  if (api === 'googleauth') {
    const auth = new GoogleAuth({
      credentials: config,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    return auth.getClient();
  }
  const client = ExternalAccountClient.fromJSON(config);
  if (!client) throw new Error('ExternalAccountClient.fromJSON returned null');
  return client;
}

// What a failure looks like on stdout: the library's message, error class and code (for an
// executable failure, fedcred's exit code; for an HTTP error, the status).
function failureDocument(err, extra) {
  return Object.assign({
    ok: false,
    error: String(err && err.message ? err.message : err),
    name: err && err.constructor ? err.constructor.name : typeof err,
    code: err && err.code !== undefined ? String(err.code) : null,
  }, extra);
}

// The config from the E2E_* variables (`required` names more that must be set), also written
// to E2E_CONFIG_OUT when that is set.
function configFromEnv(env, required) {
  for (const name of ['E2E_COMMAND', 'E2E_TOKEN_URL', 'E2E_AUDIENCE'].concat(required || [])) {
    if (!env[name]) throw new Error(`${name} is not set`);
  }
  const config = buildConfig(env);
  if (env.E2E_CONFIG_OUT) fs.writeFileSync(env.E2E_CONFIG_OUT, JSON.stringify(config, null, 2));
  return config;
}

async function oneRound(config, api) {
  const client = await makeClient(config, api);
  const result = await client.getAccessToken();
  return {
    token: result.token,
    expiry_date: client.credentials ? client.credentials.expiry_date : null,
    client: client.constructor.name,
  };
}

async function main() {
  const env = process.env;
  const config = configFromEnv(env);
  const rounds = [];
  const count = Number(env.E2E_ROUNDS || 1);
  try {
    for (let i = 0; i < count; i++) rounds.push(await oneRound(config, env.E2E_API || 'client'));
  } catch (err) {
    process.stdout.write(JSON.stringify(failureDocument(err, {rounds})) + '\n');
    return 1;
  }
  process.stdout.write(JSON.stringify({ok: true, rounds, config}) + '\n');
  return 0;
}

// Runs main, its exit status becoming the process's; an exception escaping main is one
// {"ok": false} document too, so the caller always reads JSON.
function runMain(main) {
  main().then(
    code => {
      process.exitCode = code;
    },
    err => {
      process.stdout.write(JSON.stringify({ok: false, error: String(err && err.stack || err)}) + '\n');
      process.exitCode = 1;
    },
  );
}

module.exports = {configFromEnv, makeClient, failureDocument, runMain};

if (require.main === module) runMain(main);
