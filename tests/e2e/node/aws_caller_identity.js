#!/usr/bin/env node
// fedcred end to end with the AWS SDK for JavaScript v3 (tests/e2e/test_serve_node.py): one
// credential provider, then STS GetCallerIdentity with it. Its providers validate the documents
// differently from botocore (fromHttp checks the URL, the token and each field).
//
//   E2E_PROVIDER      "http"       fromHttp(): AWS_CONTAINER_CREDENTIALS_FULL_URI + _TOKEN_FILE
//                     "container"  fromContainerMetadata(): _FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN
//                     "process"    fromProcess({profile: E2E_PROFILE}): credential_process in AWS_CONFIG_FILE
//   E2E_STS_ENDPOINT  the STS endpoint (moto_server)
//
// Prints {"ok": true, "arn", "accessKeyId", "expiration"} or {"ok": false, "error", "name"};
// exits 0 or 1. Never prints a secret key or session token.
'use strict';

const {STSClient, GetCallerIdentityCommand} = require('@aws-sdk/client-sts');
const {fromHttp, fromContainerMetadata, fromProcess} = require('@aws-sdk/credential-providers');

function provider(env) {
  switch (env.E2E_PROVIDER) {
    case 'http': return fromHttp({});
    case 'container': return fromContainerMetadata({timeout: 2000, maxRetries: 0});
    case 'process': return fromProcess({profile: env.E2E_PROFILE});
    default: throw new Error('E2E_PROVIDER must be http, container or process');
  }
}

async function main() {
  const credentials = provider(process.env);
  const creds = await credentials();
  const client = new STSClient({region: 'us-east-1', endpoint: process.env.E2E_STS_ENDPOINT, credentials});
  const ident = await client.send(new GetCallerIdentityCommand({}));
  return {ok: true, arn: ident.Arn, accessKeyId: creds.accessKeyId,
          expiration: creds.expiration ? creds.expiration.toISOString() : null};
}

main().then(
    (out) => { process.stdout.write(JSON.stringify(out) + '\n'); },
    (err) => {
      process.stdout.write(JSON.stringify({ok: false, error: String(err && err.message), name: err && err.name}) + '\n');
      process.exitCode = 1;
    });
