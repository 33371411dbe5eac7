import { base64url, cognitoAccessClaims, generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCognitoVerifier, VerifyError } from '../../src/index.js';
import { expectNoTokenIn } from '../helpers/assertions.js';
import { CLIENT_ID, key, POOL_ID } from '../helpers/fixtures.js';

const rsa = key('RS256');
const ec = key('ES256');
const verifier = createCognitoVerifier({
  userPoolId: POOL_ID,
  tokenUse: 'access',
  clientId: CLIENT_ID,
  jwks: jwksOf(rsa, ec),
});
const valid = [
  signJwt(cognitoAccessClaims({ poolId: POOL_ID, groups: ['writers'] }), rsa),
  signJwt(cognitoAccessClaims({ poolId: POOL_ID, username: 'someone-else' }), rsa),
  signJwt(cognitoAccessClaims({ poolId: POOL_ID }), ec),
];
for (const token of valid) verifier.verifySync(token);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function rejects(mutated: string, original: string): void {
  let result: unknown;
  try {
    result = verifier.verifySync(mutated);
  } catch (error) {
    // Fail closed with a VerifyError — never another exception, never the token in the message.
    expect(error).toBeInstanceOf(VerifyError);
    expectNoTokenIn((error as VerifyError).message, original);
    return;
  }
  throw new Error(`mutated token was accepted: ${JSON.stringify(result).slice(0, 80)}`);
}

const tokenArb = fc.constantFrom(...valid);
const runs = { numRuns: 400 };

describe('random mutations of valid tokens are never accepted', () => {
  it('replacing any character with another base64url character or any other character', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.nat(),
        fc.oneof(fc.constantFrom(...ALPHABET), fc.string({ minLength: 1, maxLength: 1 })),
        (token, at, ch) => {
          const i = at % token.length;
          fc.pre(token[i] !== ch);
          rejects(token.slice(0, i) + ch + token.slice(i + 1), token);
        },
      ),
      runs,
    );
  });

  it('replacing the last character of any segment (where unused trailing bits live)', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(...ALPHABET),
        (token, seg, ch) => {
          const parts = token.split('.');
          const segment = parts[seg] as string;
          fc.pre(segment.at(-1) !== ch);
          parts[seg] = segment.slice(0, -1) + ch;
          rejects(parts.join('.'), token);
        },
      ),
      runs,
    );
  });

  it('flipping any bit of the decoded header, payload or signature', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (token, seg, at, bit) => {
          const parts = token.split('.');
          const bytes = Buffer.from(parts[seg] as string, 'base64url');
          const i = at % bytes.length;
          bytes[i] = (bytes[i] as number) ^ (1 << bit);
          parts[seg] = bytes.toString('base64url');
          rejects(parts.join('.'), token);
        },
      ),
      runs,
    );
  });

  it('inserting, deleting, duplicating or truncating characters', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'truncate', 'append', 'pad'),
        fc.constantFrom(...`${ALPHABET}.= +/`),
        (token, at, op, ch) => {
          const i = at % token.length;
          const mutated =
            op === 'insert'
              ? token.slice(0, i) + ch + token.slice(i)
              : op === 'delete'
                ? token.slice(0, i) + token.slice(i + 1)
                : op === 'truncate'
                  ? token.slice(0, i)
                  : op === 'append'
                    ? token + ch
                    : `${token}=`;
          fc.pre(mutated !== token);
          rejects(mutated, token);
        },
      ),
      runs,
    );
  });

  it('swapping or mixing segments between tokens', () => {
    fc.assert(
      fc.property(
        tokenArb,
        tokenArb,
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }),
        (t1, t2, picks) => {
          const pool = [...t1.split('.'), ...t2.split('.')];
          const mutated = picks.map((p) => pool[p]).join('.');
          fc.pre(!valid.includes(mutated));
          rejects(mutated, t1);
        },
      ),
      runs,
    );
  });

  it('rewriting the header (alg, kid, crit, embedded keys) while keeping payload and signature', () => {
    const attacker = generateTestKey({ alg: 'RS256', kid: rsa.kid });
    const headerArb = fc.record(
      {
        alg: fc.constantFrom(
          'none',
          'HS256',
          'HS512',
          'RS256',
          'RS384',
          'RS512',
          'ES256',
          'ES384',
          'PS256',
          '',
          'rs256',
        ),
        kid: fc.constantFrom(rsa.kid, ec.kid, 'other', ''),
        typ: fc.constantFrom('JWT', 'at+jwt'),
        crit: fc.constant(['exp']),
        jwk: fc.constant(attacker.publicJwk),
        jku: fc.constant('http://127.0.0.1:1/keys'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(tokenArb, headerArb, (token, header) => {
        const [h, p, s] = token.split('.') as [string, string, string];
        const rewritten = base64url(JSON.stringify(header));
        fc.pre(rewritten !== h);
        rejects(`${rewritten}.${p}.${s}`, token);
      }),
      runs,
    );
  });

  it('re-signing a modified payload with an attacker key that claims a trusted kid', () => {
    const attacker = generateTestKey({ alg: 'RS256', kid: rsa.kid });
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('writers', 'admin'), (sub, group) => {
        const forged = signJwt(cognitoAccessClaims({ poolId: POOL_ID, sub, groups: [group] }), attacker);
        rejects(forged, forged);
      }),
      { numRuns: 50 },
    );
  });
});
