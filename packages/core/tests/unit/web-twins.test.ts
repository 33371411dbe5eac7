// The web build swaps three platform modules for their `.web.ts` twins (scripts/bundle.mjs). Each twin must
// answer as its Node module does wherever the shared verifier relies on it: these tests run both side by side.
import { sign } from 'node:crypto';
import { base64url, generateTestKey, TEST_ALGS, type TestAlg } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { algorithmSpec } from '../../src/verify/algorithms.js';
import { decodedLength } from '../../src/verify/base64url.js';
import * as nodeBytes from '../../src/verify/bytes.js';
import * as webBytes from '../../src/verify/bytes.web.js';
import * as nodeFetch from '../../src/verify/fetch-capped.js';
import * as webFetch from '../../src/verify/fetch-capped.web.js';
import * as nodeKeys from '../../src/verify/public-key.js';
import * as webKeys from '../../src/verify/public-key.web.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Any UTF-16 code unit, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const alphabetUnit = fc.constantFrom(...ALPHABET);

describe('each twin exports what its Node module exports', () => {
  it('the same names', () => {
    expect(Object.keys(webBytes).sort()).toEqual(Object.keys(nodeBytes).sort());
    expect(Object.keys(webKeys).sort()).toEqual(Object.keys(nodeKeys).sort());
    expect(Object.keys(webFetch).sort()).toEqual(Object.keys(nodeFetch).sort());
    // Checked by tsc (pnpm typecheck): the same names and, where no platform type is involved, signatures.
    expectTypeOf<keyof typeof webKeys>().toEqualTypeOf<keyof typeof nodeKeys>();
    expectTypeOf(webBytes).toEqualTypeOf(nodeBytes);
    expectTypeOf(webFetch.fetchCapped).toEqualTypeOf(nodeFetch.fetchCapped);
    expect(nodeKeys.SYNC_SIGNATURES).toBe(true);
    expect(webKeys.SYNC_SIGNATURES).toBe(false);
  });
});

describe('bytes.web.ts decodes as Buffer does where jwt.ts relies on it', () => {
  it('base64url strings decode to the same bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: alphabetUnit, maxLength: 200 }), (segment) => {
        fc.pre(segment.length % 4 !== 1);
        expect(webBytes.base64urlBytes(segment)).toEqual(new Uint8Array(nodeBytes.base64urlBytes(segment)));
      }),
      { numRuns: 300 },
    );
  });

  it('a string with any character outside the base64url alphabet decodes to fewer bytes than promised', () => {
    const withJunk = fc
      .tuple(
        fc.string({ unit: alphabetUnit, maxLength: 40 }),
        anyUnit,
        fc.string({ unit: anyUnit, maxLength: 40 }),
      )
      .filter(([, junk]) => !ALPHABET.includes(junk))
      .map(([head, junk, tail]) => head + junk + tail);
    fc.assert(
      fc.property(withJunk, (segment) => {
        fc.pre(segment.length % 4 !== 1);
        expect(webBytes.base64urlBytes(segment).length).toBeLessThan(decodedLength(segment.length));
      }),
      { numRuns: 300 },
    );
  });

  it('UTF-8 both ways and the ASCII check agree, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: anyUnit, maxLength: 60 }),
        fc.uint8Array({ maxLength: 60 }),
        (text, bytes) => {
          expect(webBytes.isAscii(text)).toBe(nodeBytes.isAscii(text));
          expect(webBytes.utf8Bytes(text)).toEqual(new Uint8Array(nodeBytes.utf8Bytes(text)));
          expect(webBytes.utf8Text(bytes)).toBe(nodeBytes.utf8Text(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('public-key.web.ts reads keys and signatures as node:crypto does', () => {
  it('the RSA modulus length comes from n, leading zero bytes and all', () => {
    const modulus = fc
      .tuple(fc.nat({ max: 3 }), fc.uint8Array({ minLength: 1, maxLength: 520 }))
      .filter(([, bytes]) => (bytes[0] as number) !== 0)
      .map(([zeros, bytes]) => base64url(Uint8Array.from([...new Array(zeros).fill(0), ...bytes])));
    fc.assert(
      fc.property(modulus, (n) => {
        // Odd moduli only: node:crypto refuses an even one at import (web imports lazily, and refuses it then).
        const bytes = nodeBytes.base64urlBytes(n);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 1;
        const odd = base64url(bytes);
        expect(webKeys.rsaPublicKey(odd, 'AQAB').bits).toBe(nodeKeys.rsaPublicKey(odd, 'AQAB').bits);
      }),
      { numRuns: 200 },
    );
  });

  // One key per algorithm, generated once (Node 20 can hang exporting fresh keys in a loop).
  const keys = new Map(TEST_ALGS.map((alg) => [alg, generateTestKey({ alg, kid: alg })]));
  const publicKeys = (alg: TestAlg) => {
    const jwk = (keys.get(alg) as ReturnType<typeof generateTestKey>).publicJwk as Record<string, string>;
    return alg.startsWith('RS')
      ? {
          node: nodeKeys.rsaPublicKey(jwk.n as string, jwk.e as string).key,
          web: webKeys.rsaPublicKey(jwk.n as string, jwk.e as string).key,
        }
      : {
          node: nodeKeys.ecPublicKey(jwk.crv as string, jwk.x as string, jwk.y as string),
          web: webKeys.ecPublicKey(jwk.crv as string, jwk.x as string, jwk.y as string),
        };
  };
  const imported = new Map(TEST_ALGS.map((alg) => [alg, publicKeys(alg)]));

  it.each(TEST_ALGS)('%s: a signature verifies, or not, alike (raw r||s for EC)', async (alg) => {
    const spec = algorithmSpec(alg);
    const testKey = keys.get(alg);
    const pair = imported.get(alg);
    if (spec === undefined || testKey === undefined || pair === undefined) throw new Error(alg);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.option(fc.nat()), async (data, flip) => {
        const signature = sign(spec.hash, data, {
          key: testKey.privateKey,
          dsaEncoding: 'ieee-p1363',
        });
        if (flip !== null) {
          const at = flip % signature.length;
          signature[at] = (signature[at] as number) ^ (1 << (flip % 8));
        }
        const node = nodeKeys.verifySignature(spec, pair.node, data, signature);
        expect(await webKeys.verifySignature(spec, pair.web, data, signature)).toBe(node);
        expect(node).toBe(flip === null);
      }),
      { numRuns: 25 },
    );
  });

  it('the same key material is the same key, another is not', () => {
    const rs = keys.get('RS256')?.publicJwk as Record<string, string>;
    const again = webKeys.rsaPublicKey(rs.n as string, rs.e as string).key;
    for (const [label, twin] of [
      ['node', nodeKeys],
      ['web', webKeys],
    ] as const) {
      const a = (imported.get('RS256') as Record<string, unknown>)[label];
      const other = (imported.get('RS384') as Record<string, unknown>)[label];
      const ec = (imported.get('ES256') as Record<string, unknown>)[label];
      const same = label === 'web' ? again : nodeKeys.rsaPublicKey(rs.n as string, rs.e as string).key;
      const samePublicKey = twin.samePublicKey as (x: unknown, y: unknown) => boolean;
      expect(samePublicKey(a, same)).toBe(true);
      expect(samePublicKey(a, other)).toBe(false);
      expect(samePublicKey(a, ec)).toBe(false);
    }
  });

  it.each(['ES256', 'ES384', 'ES512'] as const)(
    '%s: a point is refused at import exactly when node:crypto refuses it',
    (alg) => {
      const { crv, x, y } = (keys.get(alg) as ReturnType<typeof generateTestKey>).publicJwk as Record<
        string,
        string
      >;
      const imports = (twin: typeof nodeKeys | typeof webKeys, px: string, py: string) => {
        try {
          twin.ecPublicKey(crv as string, px, py);
          return true;
        } catch {
          return false;
        }
      };
      fc.assert(
        fc.property(fc.boolean(), fc.option(fc.nat()), (inX, flip) => {
          const bytes = nodeBytes.base64urlBytes((inX ? x : y) as string);
          if (flip !== null) {
            const at = flip % bytes.length;
            bytes[at] = (bytes[at] as number) ^ (1 << (flip % 8));
          }
          const [px, py] = inX ? [base64url(bytes), y as string] : [x as string, base64url(bytes)];
          const node = imports(nodeKeys, px, py);
          expect(imports(webKeys, px, py)).toBe(node);
          // A flipped bit moves the point off the curve (or past the field's prime).
          expect(node).toBe(flip === null);
        }),
        { numRuns: 100 },
      );
      // Coordinates of the wrong size never reach Web Crypto.
      expect(imports(webKeys, (x as string).slice(4), y as string)).toBe(false);
    },
  );
});
