// Fetches an existing user pool's JWKS and writes it for embedding, so the authorizer's cold start
// makes no network call (COGAUTH_JWKS_FILE=jwks.json ships the file inside the authorizer zip).
//
//   node scripts/embed-jwks.mjs --user-pool-id us-east-1_AbC123 [--out jwks.json]
//   node scripts/embed-jwks.mjs --jwks-uri http://127.0.0.1:9229/local_x/.well-known/jwks.json
//
// Only public keys are written; a response that is not a JWKS of public keys is refused.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USER_POOL_ID = /^(?<region>[a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5000;

function usage(message) {
  console.error(`embed-jwks: ${message}`);
  console.error('usage: node scripts/embed-jwks.mjs (--user-pool-id <id> | --jwks-uri <url>) [--out <file>]');
  process.exit(2);
}

export function jwksUriOf(userPoolId) {
  const match = USER_POOL_ID.exec(userPoolId);
  if (!match?.groups)
    throw new Error(`--user-pool-id: "${userPoolId}" is not a user pool id like us-east-1_AbC123`);
  return `https://cognito-idp.${match.groups.region}.amazonaws.com/${userPoolId}/.well-known/jwks.json`;
}

/** Returns a JWKS holding only the members a verifier needs, or throws naming what is wrong. */
export function publicJwks(value) {
  if (typeof value !== 'object' || value === null || !Array.isArray(value.keys) || value.keys.length === 0) {
    throw new Error('response is not a JWKS: expected {"keys": [ ... ]} with at least one key');
  }
  const keys = value.keys.map((key, index) => {
    if (typeof key !== 'object' || key === null) throw new Error(`keys[${index}] is not an object`);
    if (typeof key.kty !== 'string' || typeof key.kid !== 'string') {
      throw new Error(`keys[${index}] needs string "kty" and "kid"`);
    }
    const secret = PRIVATE_MEMBERS.find((member) => member in key);
    if (secret !== undefined) throw new Error(`keys[${index}] holds private key material ("${secret}")`);
    return key;
  });
  return { keys };
}

export async function fetchJwks(uri) {
  const response = await fetch(uri, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`GET ${uri} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_BYTES) throw new Error(`GET ${uri} answered more than ${MAX_BYTES} bytes`);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GET ${uri} did not answer JSON`);
  }
  return publicJwks(body);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'user-pool-id': { type: 'string' },
        'jwks-uri': { type: 'string' },
        out: { type: 'string', default: 'jwks.json' },
      },
    }));
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  const poolId = values['user-pool-id'];
  const jwksUri = values['jwks-uri'];
  if ((poolId === undefined) === (jwksUri === undefined))
    usage('pass exactly one of --user-pool-id, --jwks-uri');
  try {
    const uri = jwksUri ?? jwksUriOf(poolId);
    const jwks = await fetchJwks(uri);
    const out = resolve(values.out);
    await writeFile(out, `${JSON.stringify(jwks)}\n`);
    console.log(`wrote ${jwks.keys.length} key(s) from ${uri} to ${out}`);
  } catch (error) {
    console.error(`embed-jwks: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
