import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDeviceKey } from '../../src/cognito-api.js';
import { CliError } from '../../src/errors.js';
import { groupedSecret, isBase32Secret, otpauthUri } from '../../src/sign-in/otpauth.js';
import { StdinLines } from '../../src/sign-in/stdin-lines.js';
import { CHALLENGE_HANDLERS, handlerFor } from '../../src/sign-in/table.js';

// The parts of the sign-in that need no server: the challenge table, the otpauth:// URI, stdin lines and
// the shapes of what Cognito sends that the CLI stores or matches.

describe('the challenge table', () => {
  // ChallengeNameType in the API reference (InitiateAuth / RespondToAuthChallenge responses).
  const CHALLENGE_NAME_TYPE = [
    'SMS_MFA',
    'EMAIL_OTP',
    'SOFTWARE_TOKEN_MFA',
    'SELECT_MFA_TYPE',
    'MFA_SETUP',
    'PASSWORD_VERIFIER',
    'CUSTOM_CHALLENGE',
    'SELECT_CHALLENGE',
    'DEVICE_SRP_AUTH',
    'DEVICE_PASSWORD_VERIFIER',
    'ADMIN_NO_SRP_AUTH',
    'NEW_PASSWORD_REQUIRED',
    'SMS_OTP',
    'PASSWORD',
    'WEB_AUTHN',
    'PASSWORD_SRP',
  ];

  it('answers every challenge Cognito names but ADMIN_NO_SRP_AUTH, which AdminInitiateAuth alone gets', () => {
    expect(Object.keys(CHALLENGE_HANDLERS).sort()).toEqual(
      CHALLENGE_NAME_TYPE.filter((c) => c !== 'ADMIN_NO_SRP_AUTH').sort(),
    );
    expect(() => handlerFor('ADMIN_NO_SRP_AUTH')).toThrow(
      /^Cognito asked for the ADMIN_NO_SRP_AUTH challenge, which cogauth does not answer \(it belongs to AdminInitiateAuth, for servers\)/,
    );
  });

  it('refuses any other name in one line, inherited object keys included', () => {
    for (const name of ['FUTURE_CHALLENGE', 'constructor', '__proto__', 'toString', undefined]) {
      let error: unknown;
      try {
        handlerFor(name);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).message).toMatch(
        new RegExp(`^Cognito asked for the ${name ?? 'unnamed'} challenge, which cogauth does not answer`),
      );
      expect((error as CliError).message).not.toContain('\n');
    }
  });
});

describe('the otpauth:// URI of a new authenticator', () => {
  it('issuer and account percent-encoded, the secret and Cognito TOTP parameters in the query', () => {
    const uri = otpauthUri('us-east-1_Pool1', 'alice@example.com', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(uri).toBe(
      'otpauth://totp/us-east-1_Pool1:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' +
        '&issuer=us-east-1_Pool1',
    );
    const parsed = new URL(otpauthUri('Pool: a/b', 'a:b?c#d', 'JBSWY3DPEHPK3PXP'));
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.hash).toBe('');
    expect(parsed.host).toBe('totp');
    expect(decodeURIComponent(parsed.pathname)).toBe('/Pool: a/b:a:b?c#d');
    expect(parsed.searchParams.get('issuer')).toBe('Pool: a/b');
  });

  it('only a base32 SecretCode is shown; grouped by four for typing', () => {
    expect(isBase32Secret('JBSWY3DPEHPK3PXP')).toBe(true);
    expect(isBase32Secret('JBSWY3DPEHPK3PX1')).toBe(false);
    expect(isBase32Secret('jbswy3dpehpk3pxp')).toBe(false);
    expect(isBase32Secret('JBSWY3DP\u001b[2J3PXP')).toBe(false);
    expect(isBase32Secret('SHORT')).toBe(false);
    expect(groupedSecret('JBSWY3DPEHPK3PXPJB==')).toBe('JBSW Y3DP EHPK 3PXP JB');
  });
});

describe('stdin lines (--codes-stdin)', () => {
  it('lines split across chunks, CRLF, a last line without newline, then the end', async () => {
    const input = new PassThrough();
    const lines = new StdinLines(input);
    input.write('pass');
    input.write('word\r\n123');
    const first = lines.next();
    expect(await first).toBe('password');
    input.write('456\nlast');
    expect(await lines.next()).toBe('123456');
    input.end();
    expect(await lines.next()).toBe('last');
    expect(await lines.next()).toBeUndefined();
  });

  it('reads nothing beyond the line it needs while paused, and refuses a line over 64 KiB', async () => {
    const input = new PassThrough();
    const lines = new StdinLines(input);
    input.write('one\ntwo\n');
    expect(await lines.next()).toBe('one');
    expect(input.isPaused()).toBe(true);
    expect(await lines.next()).toBe('two');
    input.write('x'.repeat(70 * 1024));
    await expect(lines.next()).rejects.toThrow(/longer than 64 KiB/);
  });
});

describe('what the CLI keeps from Cognito answers', () => {
  const REFERENCE = /^[\w-]+_[0-9a-f-]+$/; // DeviceKey's pattern in the API reference

  it('a device key is stored only in Cognito shape: <region>_<uuid>, at most 55 characters', () => {
    expect(isDeviceKey('us-east-1_0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    for (const bad of [
      '',
      '_abc',
      'us-east-1_',
      'us-east-1_XYZ',
      '../x_ab',
      'a_b\n',
      `us_${'a'.repeat(60)}`,
    ]) {
      expect(isDeviceKey(bad), JSON.stringify(bad)).toBe(false);
    }
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'f', '0', '-', '_', 'Z', '/', '.', ' '), maxLength: 70 }),
        (key) => {
          expect(isDeviceKey(key)).toBe(key.length <= 55 && REFERENCE.test(key));
        },
      ),
      { numRuns: 400 },
    );
  });
});
