import { randomUUID, sign } from 'node:crypto';
import { generateTestKey, type TestKey } from '@cogauth/test-fixtures';
import { AlbJwtVerifier } from 'aws-jwt-verify';
import { AlbJwksCache } from 'aws-jwt-verify/alb-cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlbVerifier } from '../../src/alb.js';
import {
  ALB_ARN,
  ALB_CLIENT,
  ALB_ISSUER,
  type AlbKeyServer,
  albKey,
  albToken,
  OTHER_ARN,
  padded,
  pemOf,
  startAlbKeyServer,
} from '../helpers/alb.js';

// aws-jwt-verify 5.2.1's AlbJwtVerifier and cogauth's createAlbVerifier, side by side on one corpus: a
// token signed the way the ALB guide describes, and mutations of its header fields, signer, exp, kid,
// padding, signature and algorithm. Both get the same key for the same kid (aws-jwt-verify through a fetcher
// that reads what the 127.0.0.1 key server serves; no request leaves the machine) and must agree, except
// for the classes listed below, where cogauth differs on purpose.

type Relation =
  | 'same'
  | 'cogauth refuses, aws-jwt-verify accepts'
  | 'cogauth accepts, aws-jwt-verify refuses';

const key = albKey();
const otherEcKey = generateTestKey({ alg: 'ES256', kid: key.kid });
const rsaKey = generateTestKey({ alg: 'RS256', kid: key.kid });
let keys: AlbKeyServer;
beforeAll(async () => {
  keys = await startAlbKeyServer();
  keys.serve(key);
});
afterAll(async () => {
  await keys.close();
});

const now = () => Math.floor(Date.now() / 1000);
const unpadded = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');
const segments = (token: string) => token.split('.') as [string, string, string];

function withSignature(token: string, edit: (signature: Buffer) => Buffer | string): string {
  const [h, p, s] = segments(token);
  const edited = edit(Buffer.from(s, 'base64url'));
  return `${h}.${p}.${typeof edited === 'string' ? edited : padded(edited)}`;
}

function flipped(bit: number) {
  return (signature: Buffer) => {
    const copy = Buffer.from(signature);
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
    return copy;
  };
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The last character of a 64-byte signature with its 4 unused bits set: the same bytes, another string. */
function strayBits(last: string): string {
  return B64URL[(B64URL.indexOf(last) & 0b110000) | 0b0001] as string;
}

/** The base token re-signed by another key, with alg `alg`. */
function resigned(k: TestKey, alg: string): string {
  const [h, p] = segments(albToken(key));
  const header = padded(JSON.stringify({ ...JSON.parse(Buffer.from(h, 'base64url').toString()), alg }));
  const input = `${header}.${p}`;
  const sig = k.alg.startsWith('ES')
    ? sign('sha256', Buffer.from(input), { key: k.privateKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(input), k.privateKey);
  return `${input}.${padded(sig)}`;
}

/** A base token whose signature segment holds `-` or `_`, so its standard base64 spelling differs. */
function urlSafe(): string {
  for (;;) {
    const token = albToken(key);
    if (/[-_]/.test(segments(token)[2])) return token;
  }
}

function corpus(): [string, string, Relation][] {
  const t = (header?: Record<string, unknown>, payload?: Record<string, unknown>) =>
    albToken(key, { header, payload });
  const good = t();
  const [h, p, s] = segments(good);
  const stricter = 'cogauth refuses, aws-jwt-verify accepts';
  return [
    ['as the ALB signs it', good, 'same'],
    ['another signer', t({ signer: OTHER_ARN }), 'same'],
    ['no signer', t({ signer: undefined }), 'same'],
    ['signer in upper case', t({ signer: ALB_ARN.toUpperCase() }), 'same'],
    ['another client', t({ client: 'another-client' }), 'same'],
    ['no client', t({ client: undefined }), 'same'],
    ['a typ of its own', t({ typ: 'at+jwt' }), 'same'],
    ['no typ', t({ typ: undefined }), 'same'],
    ['an extra header field', t({ extra: 1 }), 'same'],
    ['another kid', t({ kid: randomUUID() }), 'same'],
    ['a kid with a path', t({ kid: `../${key.kid}` }), 'same'],
    ['a kid with a query', t({ kid: `${key.kid}?x` }), 'same'],
    ['no kid', t({ kid: undefined }), 'same'],
    ['alg ES384', t({ alg: 'ES384' }), 'same'],
    ['alg RS256', t({ alg: 'RS256' }), 'same'],
    ['alg none', t({ alg: 'none' }), 'same'],
    ['alg HS256', t({ alg: 'HS256' }), 'same'],
    ['no alg', t({ alg: undefined }), 'same'],
    ['payload exp passed', t({}, { exp: now() - 5 }), 'same'],
    ['no payload exp', t({}, { exp: undefined }), 'same'],
    ['payload iss of another issuer', t({}, { iss: 'https://evil.example' }), 'same'],
    ['no payload iss', t({}, { iss: undefined }), 'same'],
    ['nbf 2 minutes ahead', t({}, { nbf: now() + 120 }), 'same'],
    ['padding taken off the header segment', `${h.replace(/=+$/, '')}.${p}.${s}`, 'same'],
    ['one more = on the payload segment', `${h}.${p}=.${s}`, 'same'],
    ['signature in standard base64', withSignature(urlSafe(), (sig) => sig.toString('base64')), 'same'],
    ['a space after the token', `${good} `, 'same'],
    ['four segments', `${good}.${s}`, 'same'],
    ['signature bit 0 flipped', withSignature(good, flipped(0)), 'same'],
    ['signature bit 300 flipped', withSignature(good, flipped(300)), 'same'],
    ['signature bit 511 flipped', withSignature(good, flipped(511)), 'same'],
    ['signature truncated', withSignature(good, (sig) => sig.subarray(0, 63)), 'same'],
    ['empty signature', `${h}.${p}.`, 'same'],
    ['signed by another P-256 key', resigned(otherEcKey, 'ES256'), 'same'],
    ['alg swapped to RS256 and signed by an RSA key', resigned(rsaKey, 'RS256'), 'same'],
    // cogauth is stricter: what a load balancer signs, it checks; what it never sends, it refuses.
    ['header iss of another issuer', t({ iss: 'https://evil.example' }), stricter],
    ['no header iss', t({ iss: undefined }), stricter],
    ['no header exp', t({ exp: undefined }), stricter],
    ['header exp passed, payload exp not', t({ exp: now() - 5 }), stricter],
    ['header exp as a string', t({ exp: String(now() + 60) }), stricter],
    ['a crit header', t({ crit: ['exp'] }), stricter],
    ['no sub', t({}, { sub: undefined }), stricter],
    ['iat 2 minutes ahead', t({}, { iat: now() + 120 }), stricter],
    [
      'signed over unpadded segments (a standard JWT)',
      albToken(key, { encode: unpadded, encodeSignature: unpadded }),
      stricter,
    ],
    ['signature without its padding', `${h}.${p}.${s.replace(/=+$/, '')}`, stricter],
    [
      'stray bits after the signature',
      `${h}.${p}.${s.slice(0, 85)}${strayBits(s[85] as string)}==`,
      stricter,
    ],
    // cogauth's clock-skew rule, the same as for Cognito tokens: nbf and iat may lie up to 60 s ahead.
    ['nbf 30 s ahead', t({}, { nbf: now() + 30 }), 'cogauth accepts, aws-jwt-verify refuses'],
  ];
}

async function accepts(verify: () => Promise<unknown>): Promise<boolean> {
  try {
    await verify();
    return true;
  } catch {
    return false;
  }
}

describe('side by side with aws-jwt-verify AlbJwtVerifier on a mutation corpus', () => {
  it('gives the same accept/refuse, except for the classes cogauth handles differently on purpose', async () => {
    const cogauth = createAlbVerifier({
      albArn: ALB_ARN,
      clientId: ALB_CLIENT,
      issuer: ALB_ISSUER,
      keyEndpoint: keys.endpoint,
    });
    const served = pemOf(key);
    const fetcher = {
      // The PEM the local key server serves for this kid; anything else does not exist.
      fetch: async (uri: string) => {
        if (uri !== `https://public-keys.auth.elb.us-east-1.amazonaws.com/${key.kid}`) throw new Error('404');
        return new TextEncoder().encode(served).buffer;
      },
    };
    const aws = AlbJwtVerifier.create(
      { albArn: ALB_ARN, clientId: ALB_CLIENT, issuer: ALB_ISSUER },
      { jwksCache: new AlbJwksCache({ fetcher }) },
    );
    const rows: string[] = [];
    for (const [name, token, relation] of corpus()) {
      const ours = await accepts(() => cogauth.verify(token));
      const theirs = await accepts(() => aws.verify(token));
      const seen: Relation =
        ours === theirs
          ? 'same'
          : ours
            ? 'cogauth accepts, aws-jwt-verify refuses'
            : 'cogauth refuses, aws-jwt-verify accepts';
      rows.push(`${name}: ${seen}${seen === 'same' ? (ours ? ' (both accept)' : ' (both refuse)') : ''}`);
      expect.soft(seen, name).toBe(relation);
    }
    console.log(rows.join('\n'));
    // The token as signed and four harmless variants (typ, an extra field, no payload exp) pass both.
    expect(rows.filter((r) => r.includes('both accept'))).toHaveLength(5);
  });
});
