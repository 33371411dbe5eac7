// Pools chosen at run time on the web build's platform (Web Crypto, fetch: the `web` vitest project swaps in
// the .web.ts twins): the allow-list accepts and downloads as on Node, and refuses an unlisted issuer with
// no request.
import { randomUUID } from 'node:crypto';
import { cognitoAccessClaims, generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCognitoVerifier, type VerifyError } from '../../src/index.js';
import { type PoolServer, startPoolServer } from '../helpers/pool-server.js';

const CLIENT_ID = 'webclient0123456789abcdef';
const key = generateTestKey({ alg: 'ES256', kid: 'web-pools' });
let pools: PoolServer;
beforeAll(async () => {
  pools = await startPoolServer(jwksOf(key));
});
afterAll(() => pools?.close());

const tokenOf = (issuer: string) =>
  signJwt(cognitoAccessClaims({ issuer, clientId: CLIENT_ID, sub: randomUUID() }), key);

it('verifies tokens of pools the allow-list covers, one download per pool, and refuses others offline', async () => {
  const verifier = createCognitoVerifier(
    {
      allowPools: [
        {
          endpoint: pools.endpoint,
          userPoolIds: ['local_w1', 'local_w2'],
          tokenUse: 'access',
          clientId: CLIENT_ID,
        },
      ],
    },
    { maxPools: 1 },
  );
  for (const pool of ['local_w1', 'local_w2', 'local_w2', 'local_w1'])
    expect((await verifier.verify(tokenOf(pools.issuerOf(pool)))).iss).toBe(pools.issuerOf(pool));
  // maxPools 1: local_w1 was dropped for local_w2 and downloaded again.
  expect(Object.fromEntries(pools.counts())).toEqual({ local_w1: 2, local_w2: 1 });
  const before = pools.total();
  let code: string | undefined;
  try {
    await verifier.verify(tokenOf(pools.issuerOf('local_w3')));
  } catch (error) {
    code = (error as VerifyError).code;
  }
  expect(code).toBe('ISSUER_INVALID');
  expect(pools.total()).toBe(before);
});
