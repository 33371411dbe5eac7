import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handlerFromEnv } from '../../src/lambda.js';
import { configError } from '../helpers/assertions.js';
import { CLIENT_ID, jwksOf, key, POOL_ID, SAMPLE_RULES } from '../helpers/fixtures.js';

// Each COGAUTH_* variable is checked where it is read: `field` is the variable, and the message starts
// with the exact place (the variable, or a path inside its JSON), never with an option name after it.
const dir = mkdtempSync(join(tmpdir(), 'cogauth-env-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const JWKS = jwksOf(key());
const WEAK_KEY = { kty: 'RSA', kid: 'k', alg: 'RS256', n: 'AQAB', e: 'AQAB' };
writeFileSync(join(dir, 'weak-jwks.json'), JSON.stringify({ keys: [WEAK_KEY] }));

const good = {
  COGAUTH_USER_POOL_ID: POOL_ID,
  COGAUTH_CLIENT_IDS: CLIENT_ID,
  COGAUTH_RULES: JSON.stringify(SAMPLE_RULES),
  COGAUTH_JWKS: JSON.stringify(JWKS),
  LAMBDA_TASK_ROOT: dir,
};
const pool = { userPoolId: POOL_ID, clientId: CLIENT_ID, tokenUse: 'access', jwks: JWKS };

describe('handlerFromEnv errors name the variable and the place in it', () => {
  it.each([
    [
      'COGAUTH_JWKS',
      /^COGAUTH_JWKS: is not a JWKS \(an object with a "keys" array\)$/,
      { COGAUTH_JWKS: '{"keys": 1}' },
    ],
    [
      'COGAUTH_JWKS',
      /^COGAUTH_JWKS\.keys\[0\]: is not a usable key/,
      { COGAUTH_JWKS: JSON.stringify({ keys: [WEAK_KEY] }) },
    ],
    [
      'COGAUTH_JWKS_FILE',
      /^COGAUTH_JWKS_FILE\.keys\[0\]: is not a usable key/,
      { COGAUTH_JWKS: undefined, COGAUTH_JWKS_FILE: 'weak-jwks.json' },
    ],
    ['COGAUTH_ISSUER', /^COGAUTH_ISSUER: must be an https/, { COGAUTH_ISSUER: 'ftp://example.com/pool' }],
    ['COGAUTH_ISSUER', /^COGAUTH_ISSUER: lists no issuer$/, { COGAUTH_ISSUER: ' , ' }],
    [
      'COGAUTH_ISSUER',
      /^COGAUTH_ISSUER: lists an issuer twice$/,
      { COGAUTH_ISSUER: 'http://127.0.0.1:9229/p, http://127.0.0.1:9229/p' },
    ],
    ['COGAUTH_JWKS_URI', /^COGAUTH_JWKS_URI: is not a valid URL$/, { COGAUTH_JWKS_URI: 'http//x' }],
    [
      'COGAUTH_USER_POOL_ID',
      /^COGAUTH_USER_POOL_ID: does not start with an AWS region .* set COGAUTH_ISSUER and COGAUTH_JWKS_URI$/,
      { COGAUTH_USER_POOL_ID: 'local_4vYH1bWa' },
    ],
    ['COGAUTH_USER_POOL_ID', /^COGAUTH_USER_POOL_ID: must look like/, { COGAUTH_USER_POOL_ID: 'not-a-pool' }],
    ['COGAUTH_RULES', /^COGAUTH_RULES: is empty/, { COGAUTH_RULES: '[]' }],
    [
      'COGAUTH_RULES',
      /^COGAUTH_RULES\[0\]\.group: unknown key/,
      { COGAUTH_RULES: '[{"route":"GET /a","group":["x"]}]' },
    ],
    [
      'COGAUTH_RULES',
      /^COGAUTH_RULES\[1\]\.route: "GET \/m\/{id}\/secret" is also matched by COGAUTH_RULES\[0\] /,
      {
        COGAUTH_RULES: '[{"route":"GET /m/{id}"},{"route":"GET /m/{id}/secret","groups":["admin"]}]',
      },
    ],
    [
      'COGAUTH_POOLS',
      /^COGAUTH_POOLS\[1\]\.userPoolId: must look like/,
      { COGAUTH_POOLS: JSON.stringify([pool, { ...pool, userPoolId: 'bad' }]) },
    ],
    [
      'COGAUTH_POOLS',
      /^COGAUTH_POOLS\[1\]\.issuer: is used by two pools$/,
      { COGAUTH_POOLS: JSON.stringify([pool, pool]) },
    ],
    [
      'COGAUTH_POOLS',
      /^COGAUTH_POOLS\[1\]: must be an options object$/,
      { COGAUTH_POOLS: JSON.stringify([pool, 'x']) },
    ],
    [
      'COGAUTH_POOLS',
      /^COGAUTH_POOLS\[0\]\.jwks\.keys\[0\]: is not a usable key/,
      { COGAUTH_POOLS: JSON.stringify([{ ...pool, jwks: { keys: [WEAK_KEY] } }]) },
    ],
    [
      'COGAUTH_POOLS',
      /^COGAUTH_POOLS\[0\]\.jwks: is required offline/,
      { COGAUTH_POOLS: JSON.stringify([{ ...pool, jwks: undefined }]), COGAUTH_JWKS_OFFLINE: 'true' },
    ],
  ])('%s %s', (field, message, change) => {
    const err = configError(() => handlerFromEnv({ ...good, ...change }));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('COGAUTH_JWKS_OFFLINE=true without either JWKS variable names COGAUTH_JWKS, the one to set', () => {
    const { COGAUTH_JWKS: _j, ...rest } = good;
    const err = configError(() => handlerFromEnv({ ...rest, COGAUTH_JWKS_OFFLINE: 'true' }));
    expect(err.field).toBe('COGAUTH_JWKS');
    expect(err.message).toMatch(/^COGAUTH_JWKS: is required offline .*COGAUTH_JWKS_FILE/);
  });
});
