// The verifier on the web build's platform (Web Crypto, fetch: the `web` vitest project swaps in the .web.ts
// twins), answering every token as the Node build does: the same claims, the same error codes and messages.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  base64url,
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
  TEST_ALGS,
  type TestKey,
} from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as web from '../../src/index.js';

// The Node build as shipped (a `build` runs before `test`); imported by path, as it may not exist at typecheck.
const nodeBuild = (await import(
  pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href
)) as typeof web;

const CLIENT_ID = 'webclient0123456789abcdef';
const POOL_ID = 'local_WebPool1';

// Keys generated once per file (Node 20 can hang exporting fresh keys in a loop).
const byAlg = new Map(TEST_ALGS.map((alg) => [alg, generateTestKey({ alg, kid: alg })]));
const keyOf = (alg: (typeof TEST_ALGS)[number]) => byAlg.get(alg) as TestKey;
const impostor = generateTestKey({ alg: 'RS256', kid: 'RS256' });
const weak = generateTestKey({ alg: 'RS256', kid: 'weak', modulusLength: 1024 });
const fetched = generateTestKey({ alg: 'ES256', kid: 'fetched' });
const offCurve = generateTestKey({ alg: 'ES256', kid: 'off-curve' });
{
  const y = Buffer.from(offCurve.publicJwk.y as string, 'base64url');
  y[31] = (y[31] as number) ^ 1;
  offCurve.publicJwk.y = base64url(y);
}
// Preloaded: the good keys. Served: those, the refused ones and one more, fetched for its unknown kid.
const preloaded = jwksOf(...byAlg.values());

let server: JwksServer;
let issuer: string;
beforeAll(async () => {
  server = await startJwksServer({
    jwks: jwksOf(...byAlg.values(), weak, offCurve, fetched),
    poolId: POOL_ID,
  });
  issuer = server.issuer;
});
afterAll(() => server?.close());

const verifierOf = (lib: typeof web) =>
  lib.createCognitoVerifier({
    issuer,
    jwksUri: server.jwksUrl,
    tokenUse: 'access',
    clientId: CLIENT_ID,
    jwks: preloaded,
  });

const claims = (extra: Record<string, unknown> = {}) => ({
  ...cognitoAccessClaims({ issuer, poolId: POOL_ID, clientId: CLIENT_ID }),
  ...extra,
});

/** What a verification ends in: the claims, or the VerifyError's code and message. */
async function outcome(verifier: web.CognitoVerifier, token: string) {
  try {
    return { claims: await verifier.verify(token) };
  } catch (error) {
    expect(error?.constructor?.name).toBe('VerifyError');
    return { code: (error as web.VerifyError).code, message: (error as web.VerifyError).message };
  }
}

/** Rows of [name, token, expected code or 'ACCEPTED'], in the order both verifiers see them. */
function table(): [string, string, string][] {
  const rs = keyOf('RS256');
  const es = keyOf('ES256');
  const valid = signJwt(claims(), es);
  return [
    ...TEST_ALGS.map((alg): [string, string, string] => [
      `valid ${alg}`,
      signJwt(claims(), keyOf(alg)),
      'ACCEPTED',
    ]),
    ['expired', signJwt(claims({ exp: Math.floor(Date.now() / 1000) - 60 }), rs), 'TOKEN_EXPIRED'],
    ['wrong issuer', signJwt(claims({ iss: `${issuer}x` }), rs), 'ISSUER_INVALID'],
    ['signed by another key under a trusted kid', signJwt(claims(), impostor), 'SIGNATURE_INVALID'],
    [
      'payload swapped under a valid signature',
      `${valid.split('.')[0]}.${signJwt(claims({ username: 'admin' }), es).split('.')[1]}.${valid.split('.')[2]}`,
      'SIGNATURE_INVALID',
    ],
    [
      'an ES256 signature one byte short',
      signJwt(claims(), es, {}, { rawSignature: new Uint8Array(63) }),
      'SIGNATURE_INVALID',
    ],
    ['alg of another key type', signJwt(claims(), es, { kid: 'RS256' }), 'ALG_NOT_ALLOWED'],
    ['a 1024-bit RSA key', signJwt(claims(), weak), 'ALG_NOT_ALLOWED'],
    ['an EC key off its curve', signJwt(claims(), offCurve), 'ALG_NOT_ALLOWED'],
    ['unknown kid, fetched from the JWKS URL', signJwt(claims(), fetched), 'ACCEPTED'],
    ['a kid nobody publishes', signJwt(claims(), es, { kid: 'nobody' }), 'KID_UNKNOWN'],
    ['not a JWS', 'a.b.c', 'TOKEN_MALFORMED'],
  ];
}

describe('the web verifier answers as the Node build does', () => {
  it('a table of valid and refused tokens, every algorithm, a fetched key', async () => {
    const rows = table();
    const onWeb = verifierOf(web);
    const onNode = verifierOf(nodeBuild);
    server.resetCount();
    for (const [name, token, expected] of rows) {
      const seen = await outcome(onWeb, token);
      expect({ name, seen }).toEqual({ name, seen: await outcome(onNode, token) });
      expect({ name, code: seen.code ?? 'ACCEPTED' }).toEqual({ name, code: expected });
    }
    // The unknown kid made each verifier fetch once; the unpublished one, after it, once more each.
    expect(server.jwksRequestCount()).toBe(4);
  });

  it('a preloaded key either build refuses is a ConfigError at creation, with the same message', () => {
    for (const bad of [weak, offCurve]) {
      const messages = [web, nodeBuild].map((lib) => {
        try {
          lib.createCognitoVerifier({ issuer, tokenUse: 'access', clientId: CLIENT_ID, jwks: jwksOf(bad) });
          return 'created';
        } catch (error) {
          expect(error?.constructor?.name).toBe('ConfigError');
          return (error as Error).message;
        }
      });
      expect(messages[0]).toMatch(/^jwks\.keys\[0\]: is not a usable key: /);
      expect(messages[0]).toBe(messages[1]);
    }
  });

  it('the key refusals say why, as on Node', async () => {
    const onWeb = verifierOf(web);
    expect(await outcome(onWeb, signJwt(claims(), weak))).toEqual({
      code: 'ALG_NOT_ALLOWED',
      message: "the JWKS key for this token's kid is refused: RSA key has 1024 bits, fewer than 2048",
    });
    expect(await outcome(onWeb, signJwt(claims(), offCurve))).toEqual({
      code: 'ALG_NOT_ALLOWED',
      message: "the JWKS key for this token's kid is refused: its key material is invalid",
    });
  });

  it('random mutations of valid tokens end alike (never accepted)', async () => {
    const onWeb = verifierOf(web);
    const onNode = verifierOf(nodeBuild);
    const valid = TEST_ALGS.map((alg) => signJwt(claims(), keyOf(alg)));
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.nat(),
        fc.constantFrom(...ALPHABET),
        async (token, at, ch) => {
          const i = at % token.length;
          fc.pre(token[i] !== ch);
          const mutated = token.slice(0, i) + ch + token.slice(i + 1);
          const seen = await outcome(onWeb, mutated);
          expect(seen).toEqual(await outcome(onNode, mutated));
          expect(seen.code).toBeTypeOf('string');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('verifySync is Node-only', () => {
  it('refuses every call on the web build, a cached result too, naming verifySync', async () => {
    const token = signJwt(claims(), keyOf('RS256'));
    const onWeb = verifierOf(web);
    await onWeb.verify(token);
    for (const call of [token, 'a.b.c']) {
      let thrown: unknown;
      try {
        onWeb.verifySync(call);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(web.ConfigError);
      expect((thrown as web.ConfigError).path).toEqual(['verifySync']);
      expect((thrown as web.ConfigError).message).toMatch(/Node-only.*use verify\(\)/);
    }
    // The same call works on the Node build.
    expect(verifierOf(nodeBuild).verifySync(token).client_id).toBe(CLIENT_ID);
  });
});
