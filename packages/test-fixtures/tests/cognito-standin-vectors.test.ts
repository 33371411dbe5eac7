// Known answers for the stand-in's building blocks: TOTP and HOTP against their RFCs' test vectors, base32
// against RFC 4648, the server side of SRP against the client side of amazon-cognito-identity-js (AWS's code,
// with fixed secrets), and the SRP TIMESTAMP parser against AWS's DateHelper.
// References: RFC 4226 Appendix D (HOTP), RFC 6238 Appendix B (TOTP, SHA-1), RFC 4648 §10 (base32),
// RFC 5054 / RFC 3526 §4 (the 3072-bit group), amazon-cognito-identity-js src/AuthenticationHelper.js.
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import {
  claimSignature,
  javaBytes,
  modPow,
  privateKey,
  SRP_G,
  SRP_N,
  serverPublic,
  serverSessionKey,
  verifierOf,
} from '../src/cognito-standin/srp-math.js';
import { parseSrpTimestamp } from '../src/cognito-standin/srp-timestamp.js';
import { base32Decode, base32Encode, hotp, matchTotp, totpCode } from '../src/cognito-standin/totp.js';

interface JsbnBigInteger {
  toString(radix: number): string;
}
interface Helper {
  smallAValue: JsbnBigInteger;
  largeAValue: JsbnBigInteger | undefined;
  N: JsbnBigInteger;
  k: JsbnBigInteger;
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(
    u: string,
    p: string,
    B: JsbnBigInteger,
    salt: JsbnBigInteger,
    cb: (e: unknown, key: Uint8Array) => void,
  ): void;
  generateHashDevice(groupKey: string, deviceKey: string, cb: (e: unknown) => void): void;
  getSaltDevices(): string;
  getVerifierDevices(): string;
  getRandomPassword(): string;
}
const require = createRequire(import.meta.url);
const AuthenticationHelper: new (poolName: string) => Helper =
  require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
const BigInteger: new (hex: string, radix: number) => JsbnBigInteger =
  require('amazon-cognito-identity-js/lib/BigInteger.js').default;
const DateHelper: new () => { getNowString(): string } =
  require('amazon-cognito-identity-js/lib/DateHelper.js').default;

describe('HOTP (RFC 4226 Appendix D) and TOTP (RFC 6238 Appendix B, SHA-1)', () => {
  const secret = Buffer.from('12345678901234567890');

  it('HOTP counters 0-9', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(secret, counter))).toEqual(expected);
  });

  it('TOTP at the RFC times, 8 digits', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors)
      expect(totpCode(base32Encode(secret), seconds * 1000, 8)).toBe(code);
  });

  it('accepts the step before and after (drift), nothing further, and only six digits', () => {
    const at = 1234567890 * 1000;
    const code = (offset: number) => totpCode(base32Encode(secret), at + offset * 30_000);
    expect(matchTotp(secret, code(0), at)).toBe(Math.floor(1234567890 / 30));
    expect(matchTotp(secret, code(-1), at)).toBeDefined();
    expect(matchTotp(secret, code(1), at)).toBeDefined();
    expect(matchTotp(secret, code(2), at)).toBeUndefined();
    expect(matchTotp(secret, `${code(0)}0`, at)).toBeUndefined();
    expect(matchTotp(secret, ' 12345', at)).toBeUndefined();
  });
});

describe('base32 (RFC 4648 §10, without padding)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%j <-> %s', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(text);
    expect(base32Decode(`${encoded.toLowerCase()}======`).toString()).toBe(text);
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => base32Decode('MZ1W')).toThrow(RangeError);
  });
});

describe("server-side SRP equals amazon-cognito-identity-js's client side", () => {
  const a = BigInt(`0x${'a3f1c2d4e5b60718293a4b5c6d7e8f90'.repeat(2)}`);
  const b = BigInt(`0x${'5eed5eed0123456789abcdef'.repeat(3)}`);
  const salt = 0x8f2d6a1c9b3e4f5061728394a5b6c7d8n;

  function clientWithA(group: string): Helper {
    const helper = new AuthenticationHelper(group);
    helper.smallAValue = new BigInteger(a.toString(16), 16);
    helper.largeAValue = undefined;
    helper.getLargeAValue(() => {});
    return helper;
  }

  function clientKey(helper: Helper, id: string, password: string, B: bigint, saltValue: bigint): Buffer {
    let key: Uint8Array | undefined;
    helper.getPasswordAuthenticationKey(
      id,
      password,
      new BigInteger(B.toString(16), 16),
      new BigInteger(saltValue.toString(16), 16),
      (e, k) => {
        if (e) throw e;
        key = k;
      },
    );
    return Buffer.from(key ?? []);
  }

  it('uses the same group and k', () => {
    const helper = new AuthenticationHelper('Pool');
    expect(SRP_N.toString(16)).toBe(helper.N.toString(16));
    expect(SRP_G).toBe(2n);
    expect(SRP_N.toString(2)).toHaveLength(3072);
  });

  it('derives the same session key for a user (group = pool name, id = username)', () => {
    const helper = clientWithA('AbC123xyz');
    const verifier = verifierOf(privateKey('AbC123xyz', 'alice', 'Corr3ct horse!', salt));
    const B = serverPublic(verifier, b);
    const A = BigInt(`0x${helper.largeAValue?.toString(16)}`);
    expect(A).toBe(modPow(SRP_G, a, SRP_N));
    const server = serverSessionKey(A, B, b, verifier);
    expect(server).toHaveLength(16);
    expect(clientKey(helper, 'alice', 'Corr3ct horse!', B, salt).equals(server)).toBe(true);
    expect(clientKey(clientWithA('AbC123xyz'), 'alice', 'wrong', B, salt).equals(server)).toBe(false);
  });

  it('derives the same key for a device from the verifier the library sends in ConfirmDevice', () => {
    const generator = new AuthenticationHelper('AbC123xyz');
    generator.generateHashDevice('-GroupKey9', 'us-east-1_device-key', (e) => {
      if (e) throw e;
    });
    // ConfirmDevice carries base64 of these hex strings; the stand-in reads them as numbers.
    const deviceSalt = BigInt(`0x${generator.getSaltDevices()}`);
    const deviceVerifier = BigInt(`0x${generator.getVerifierDevices()}`);
    expect(deviceVerifier).toBe(
      verifierOf(privateKey('-GroupKey9', 'us-east-1_device-key', generator.getRandomPassword(), deviceSalt)),
    );
    const helper = clientWithA('-GroupKey9');
    const B = serverPublic(deviceVerifier, b);
    const server = serverSessionKey(BigInt(`0x${helper.largeAValue?.toString(16)}`), B, b, deviceVerifier);
    expect(
      clientKey(helper, 'us-east-1_device-key', generator.getRandomPassword(), B, deviceSalt).equals(server),
    ).toBe(true);
  });

  it('pads like Java BigInteger.toByteArray() and signs pool name | id | secret block | timestamp', () => {
    expect(javaBytes(0x7fn).toString('hex')).toBe('7f');
    expect(javaBytes(0x80n).toString('hex')).toBe('0080');
    expect(javaBytes(0n).toString('hex')).toBe('00');
    const key = Buffer.alloc(16, 7);
    const signature = claimSignature(
      key,
      'Pool',
      'alice',
      Buffer.from('block'),
      'Tue Nov 4 09:03:07 UTC 2025',
    );
    const { createHmac } = require('node:crypto') as typeof import('node:crypto');
    expect(
      signature.equals(
        createHmac('sha256', key).update('Poolaliceblock').update('Tue Nov 4 09:03:07 UTC 2025').digest(),
      ),
    ).toBe(true);
  });
});

describe('SRP TIMESTAMP parsing', () => {
  it("reads what AWS's DateHelper writes, at any date", () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const when of [
        Date.UTC(2025, 10, 4, 9, 3, 7),
        Date.UTC(2026, 0, 31, 23, 5, 9),
        Date.UTC(2024, 1, 29, 0, 0, 0),
      ]) {
        vi.setSystemTime(when);
        expect(parseSrpTimestamp(new DateHelper().getNowString())).toBe(when);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    'Wed Nov 4 09:03:07 UTC 2025',
    'Tue Nov 4 09:03:07 GMT 2025',
    'Tue Nov 4 9:03:07 UTC 2025',
    'Tue Nov 31 09:03:07 UTC 2025',
    'Tue Nov 4 24:03:07 UTC 2025',
    'Tue Nov  4 09:03:07 UTC 2025',
    '2025-11-04T09:03:07Z',
    `Tue Nov 4 09:03:07 UTC 2025${' '.repeat(40)}`,
    '',
  ])('refuses %j', (text) => {
    expect(parseSrpTimestamp(text)).toBeUndefined();
  });
});
