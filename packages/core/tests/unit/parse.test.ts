import { base64url, cognitoAccessClaims, signWithKey } from '@cogauth/test-fixtures';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from '../../src/index.js';
import { MAX_TOKEN_LENGTH } from '../../src/verify/jwt.js';
import { expectCode } from '../helpers/assertions.js';
import { accessToken, key, localVerifier, POOL_ID } from '../helpers/fixtures.js';

/** Signs arbitrary header/payload SEGMENTS (not objects) with the trusted key, so only parsing can reject. */
function signSegments(headerSegment: string, payloadSegment: string): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${base64url(signWithKey(input, key()))}`;
}

const header = base64url(JSON.stringify({ alg: 'RS256', kid: key().kid }));

/** A payload segment whose length is 2 or 3 mod 4, so its last character carries unused bits. */
function unalignedPayload(): string {
  for (let pad = 0; ; pad++) {
    const segment = base64url(
      JSON.stringify(cognitoAccessClaims({ poolId: POOL_ID, overrides: { pad: 'x'.repeat(pad) } })),
    );
    if (segment.length % 4 === 2) return segment;
  }
}

/** Changes the unused low bits of the last character: decodes to the same bytes, but is not canonical. */
function nonCanonical(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.at(-1) as string);
  const sibling = alphabet[last ^ 1] as string;
  const mutated = segment.slice(0, -1) + sibling;
  expect(Buffer.from(mutated, 'base64url')).toEqual(Buffer.from(segment, 'base64url'));
  return mutated;
}

describe('parsing', () => {
  const verifier = localVerifier();

  it('accepts a well-formed token (baseline for the rejections below)', async () => {
    await expect(verifier.verify(accessToken())).resolves.toMatchObject({ token_use: 'access' });
    await expect(verifier.verify(signSegments(header, unalignedPayload()))).resolves.toMatchObject({
      sub: expect.any(String),
    });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { token: 'x' }],
    ['a Buffer', Buffer.from('a.b.c')],
  ])('rejects non-string input: %s', async (_name, input) => {
    await expectCode(() => verifier.verify(input as unknown as string), 'TOKEN_MALFORMED');
    await expectCode(() => verifier.verifySync(input as unknown as string), 'TOKEN_MALFORMED');
  });

  it('rejects a token over the size cap before decoding it', async () => {
    const big = accessToken(key(), { overrides: { filler: 'a'.repeat(MAX_TOKEN_LENGTH) } });
    const error = await expectCode(() => verifier.verify(big), 'TOKEN_MALFORMED', big);
    expect(error.message).toMatch(/more than the 16384 allowed/);
    // A 1 MB string of garbage is refused by length too, not by a later parse step.
    const error2 = await expectCode(() => verifier.verify('#'.repeat(1_000_000)), 'TOKEN_MALFORMED');
    expect(error2.message).toMatch(/characters, more than/);
  });

  it.each([
    ['two segments', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['four segments', (t: string) => `${t}.AAAA`],
    ['an empty signature', (t: string) => `${t.slice(0, t.lastIndexOf('.'))}.`],
    ['an empty payload', (t: string) => t.replace(/\.[^.]+\./, '..')],
    ['an empty header', (t: string) => t.slice(t.indexOf('.'))],
    ['one segment', () => 'abcdef'],
    ['the empty string', () => ''],
  ])('rejects %s', async (_name, mutate) => {
    const token = mutate(accessToken());
    await expectCode(() => verifier.verify(token), 'TOKEN_MALFORMED', token);
  });

  it('rejects standard-base64 characters even when the signature covers them', async () => {
    const payload = base64url(JSON.stringify(cognitoAccessClaims({ poolId: POOL_ID })));
    const plus = payload.includes('-') ? payload.replace('-', '+') : payload.replace('_', '/');
    const signed = signSegments(
      header,
      plus.includes('+') || plus.includes('/') ? plus : `${payload.slice(0, -2)}+/`,
    );
    await expectCode(() => verifier.verify(signed), 'TOKEN_MALFORMED', signed);
  });

  it('rejects padding and whitespace that a lenient decoder would ignore', async () => {
    const token = accessToken();
    // Buffer.from(..., 'base64url') decodes all of these to the same signature bytes.
    for (const bad of [
      `${token}=`,
      `${token}==`,
      token.replace(/\.([^.]{10})/, '. $1'),
      `${token}\n`,
      `${token.slice(0, -5)} ${token.slice(-5)}`,
    ]) {
      await expectCode(() => verifier.verify(bad), 'TOKEN_MALFORMED', bad);
    }
  });

  it('rejects every character outside the base64url alphabet, wherever a lenient decoder would skip it', async () => {
    const token = accessToken();
    const dot1 = token.indexOf('.');
    const dot2 = token.lastIndexOf('.');
    const alphabet = /[A-Za-z0-9_-]/;
    const codes = [...Array.from({ length: 0x300 }, (_, c) => c), 0x2028, 0xfeff, 0xff0b, 0x1f600];
    for (const code of codes) {
      const ch = String.fromCodePoint(code);
      if (alphabet.test(ch)) continue;
      // In the payload, in the middle of the signature, and at the very end.
      for (const at of [dot1 + 5, dot2 + 40, token.length]) {
        const bad = token.slice(0, at) + ch + token.slice(at);
        await expectCode(() => verifier.verify(bad), 'TOKEN_MALFORMED');
      }
    }
  });

  it('rejects non-canonical trailing bits in the signature (same bytes, different string)', async () => {
    const token = accessToken();
    const dot = token.lastIndexOf('.');
    const signature = token.slice(dot + 1);
    expect(signature.length % 4).not.toBe(0);
    const mutated = `${token.slice(0, dot + 1)}${nonCanonical(signature)}`;
    await expectCode(() => verifier.verify(mutated), 'TOKEN_MALFORMED', mutated);
  });

  it('rejects non-canonical trailing bits in a signed payload', async () => {
    const signed = signSegments(header, nonCanonical(unalignedPayload()));
    await expectCode(() => verifier.verify(signed), 'TOKEN_MALFORMED', signed);
  });

  it('rejects a non-canonical header segment', async () => {
    let h = header;
    for (let i = 0; h.length % 4 === 0 || h.length % 4 === 1; i++) {
      h = base64url(JSON.stringify({ alg: 'RS256', kid: key().kid, x: 'y'.repeat(i) }));
    }
    const signed = signSegments(nonCanonical(h), unalignedPayload());
    await expectCode(() => verifier.verify(signed), 'TOKEN_MALFORMED', signed);
  });

  it.each([
    ['header is an array', base64url('[1,2]'), null],
    ['header is a string', base64url('"RS256"'), null],
    ['header is null', base64url('null'), null],
    ['header is not JSON', base64url('{alg:RS256}'), null],
    ['payload is an array', null, base64url('[{"sub":"x"}]')],
    ['payload is a number', null, base64url('1700000000')],
    ['payload is not JSON', null, base64url('sub=x')],
  ])('rejects a token whose %s, even when signed', async (_name, h, p) => {
    const signed = signSegments(h ?? header, p ?? unalignedPayload());
    await expectCode(() => verifier.verify(signed), 'TOKEN_MALFORMED', signed);
  });

  it('rejects a header without kid', async () => {
    const token = accessToken(key(), {}, { kid: undefined });
    await expectCode(() => verifier.verify(token), 'TOKEN_MALFORMED', token);
  });
});

describe('decodeJwt', () => {
  it('returns header and payload without verifying', () => {
    const token = accessToken(key(), { username: 'alice' });
    const decoded = decodeJwt(token);
    expect(decoded.header).toMatchObject({ alg: 'RS256', kid: key().kid });
    expect(decoded.payload).toMatchObject({ username: 'alice', token_use: 'access' });
  });

  it('applies the same strict structure rules', async () => {
    const token = accessToken();
    await expectCode(() => decodeJwt(`${token}=`), 'TOKEN_MALFORMED');
    await expectCode(() => decodeJwt(token.split('.').slice(0, 2).join('.')), 'TOKEN_MALFORMED');
    await expectCode(() => decodeJwt(12 as unknown as string), 'TOKEN_MALFORMED');
    // Unlike verification, decoding does not judge the algorithm.
    expect(decodeJwt(accessToken(key(), {}, { alg: 'none' })).header.alg).toBe('none');
  });
});
