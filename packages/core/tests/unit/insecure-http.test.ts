// Keys and issuers come over https, or over plain http only from a loopback host (127.0.0.0/8, ::1,
// localhost), unless the caller opts in to the risk. Checked for every spelling URL parsing accepts of an
// IPv4 address, for host names and IPv6 forms, through the verifier options and the Lambda environment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/cognito.js';
import { ConfigError, createCognitoVerifier } from '../../src/index.js';
import { handlerFromEnv } from '../../src/lambda.js';
import { configError } from '../helpers/assertions.js';
import { CLIENT_ID, POOL_ID, SAMPLE_RULES } from '../helpers/fixtures.js';

const runs = { numRuns: 300 };
const RULES = JSON.stringify(SAMPLE_RULES);

/** The doors a URL can come in by, each answering whether it was accepted (or the field it was refused at). */
const doors: Record<string, (url: string, optIn: boolean) => true | string> = {
  'issuer option': (url, optIn) =>
    accepted(() =>
      createCognitoVerifier({
        userPoolId: POOL_ID,
        issuer: url,
        tokenUse: 'access',
        clientId: null,
        ...(optIn ? { allowInsecureHttp: true } : {}),
      }),
    ),
  'jwksUri option': (url, optIn) =>
    accepted(() =>
      createCognitoVerifier({
        userPoolId: POOL_ID,
        jwksUri: url,
        tokenUse: 'access',
        clientId: null,
        ...(optIn ? { allowInsecureHttp: true } : {}),
      }),
    ),
  COGAUTH_ISSUER: (url, optIn) => accepted(() => handlerFromEnv(env({ COGAUTH_ISSUER: url }, optIn))),
  COGAUTH_JWKS_URI: (url, optIn) => accepted(() => handlerFromEnv(env({ COGAUTH_JWKS_URI: url }, optIn))),
  'COGAUTH_POOLS entry': (url, optIn) =>
    accepted(() =>
      handlerFromEnv({
        COGAUTH_POOLS: JSON.stringify([
          {
            userPoolId: POOL_ID,
            issuer: url,
            tokenUse: 'access',
            clientId: CLIENT_ID,
            allowInsecureHttp: optIn,
          },
        ]),
        COGAUTH_RULES: RULES,
      }),
    ),
};

function env(extra: Record<string, string>, optIn: boolean): Record<string, string> {
  return {
    COGAUTH_USER_POOL_ID: POOL_ID,
    COGAUTH_CLIENT_IDS: CLIENT_ID,
    COGAUTH_RULES: RULES,
    ...(optIn ? { COGAUTH_ALLOW_INSECURE_HTTP: 'true' } : {}),
    ...extra,
  };
}

function accepted(create: () => unknown): true | string {
  try {
    create();
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toMatch(/not loopback .*swap in their own keys.*allowInsecureHttp/);
    return error.field;
  }
}

/** Every door refuses `url` (naming its own field) unless `loopback`; with the opt-in, every door accepts. */
function expectRule(url: string, loopback: boolean): void {
  for (const [name, door] of Object.entries(doors)) {
    const field = name.split(' ')[0]; // issuer, jwksUri, COGAUTH_ISSUER, COGAUTH_JWKS_URI, COGAUTH_POOLS
    expect(door(url, false), `${name} ${url}`).toBe(loopback ? true : field);
    expect(door(url, true), `${name} ${url}, opted in`).toBe(true);
  }
}

// IPv4 addresses, near and inside 127.0.0.0/8, in every spelling WHATWG URL parsing accepts.
const address = fc.oneof(
  fc.integer({ min: 0x7f00_0000, max: 0x7fff_ffff }),
  fc.integer({ min: 0, max: 0xffff_ffff }),
  fc.constantFrom(0x7eff_ffff, 0x8000_0000, 0, 0xffff_ffff, 0x7f00_0001),
);
const octets = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const SPELLINGS: Record<string, (n: number) => string> = {
  dotted: (n) => octets(n).join('.'),
  decimal: (n) => String(n),
  hex: (n) => `0x${n.toString(16)}`,
  octal: (n) => `0${n.toString(8)}`,
  'a.b': (n) => `${n >>> 24}.${n & 0xff_ffff}`,
  'a.b.c': (n) => `${n >>> 24}.${(n >>> 16) & 0xff}.${n & 0xffff}`,
  'hex parts': (n) =>
    octets(n)
      .map((o) => `0x${o.toString(16)}`)
      .join('.'),
  'octal parts': (n) =>
    octets(n)
      .map((o) => `0${o.toString(8)}`)
      .join('.'),
};

describe('plain http is accepted only from loopback hosts, whatever the spelling', () => {
  it('IPv4: loopback exactly when the address is in 127.0.0.0/8', () => {
    fc.assert(
      fc.property(address, fc.constantFrom(...Object.keys(SPELLINGS)), (n, spelling) => {
        const host = (SPELLINGS[spelling] as (n: number) => string)(n);
        expectRule(`http://${host}:9229/${POOL_ID}`, n >>> 24 === 127);
      }),
      runs,
    );
  });

  it('host names: only localhost itself (no subdomain, no trailing dot, no look-alike)', () => {
    const tricky = fc.constantFrom(
      'localhost',
      'LocalHost',
      'localhost.',
      'foo.localhost',
      'localhost.evil.example',
      'localhost4',
      'evillocalhost',
      '127.0.0.1.nip.io',
      'cognito-idp.us-east-1.amazonaws.com',
      'l\u043ecalhost', // a Cyrillic o
    );
    fc.assert(
      fc.property(fc.oneof(tricky, fc.domain()), (host) => {
        expectRule(`http://${host}/${POOL_ID}`, host.toLowerCase() === 'localhost');
      }),
      runs,
    );
  });

  it('IPv6: ::1 in any spelling; mapped, compatible and other addresses are not loopback', () => {
    for (const host of ['[::1]', '[0:0:0:0:0:0:0:1]', '[0::1]', '[0000::0001]', '[::0:1]'])
      expectRule(`http://${host}:9229/${POOL_ID}`, true);
    for (const host of ['[::2]', '[::ffff:127.0.0.1]', '[::127.0.0.1]', '[fe80::1]', '[::]', '[1::1]'])
      expectRule(`http://${host}:9229/${POOL_ID}`, false);
  });

  it('https is accepted on any host without the opt-in', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.domain(),
          address.map((n) => octets(n).join('.')),
        ),
        (host) => {
          for (const [name, door] of Object.entries(doors))
            expect(door(`https://${host}/${POOL_ID}`, false), name).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('isLoopbackHost reads WHATWG hostnames: what URL parsing made of the host', () => {
    expect(isLoopbackHost(new URL('http://0x7f.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://[0:0::1]/').hostname)).toBe(true);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.')).toBe(false);
    expect(isLoopbackHost('')).toBe(false);
  });
});

describe('the cases of the issue, and the opt-in', () => {
  it('jwksUri http://evil.example, COGAUTH_JWKS_URI http://cognito-idp…, COGAUTH_ISSUER http://10.0.0.5', () => {
    const options = { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID } as const;
    const err = configError(() =>
      createCognitoVerifier({ ...options, jwksUri: 'http://evil.example/jwks.json' }),
    );
    expect(err.message).toBe(
      'jwksUri: is plain http:// to evil.example, which is not loopback (127.0.0.0/8, ::1, localhost): ' +
        'anyone on the network path could swap in their own keys. Use https://, or accept that risk with ' +
        'allowInsecureHttp: true (COGAUTH_ALLOW_INSECURE_HTTP=true)',
    );
    const cognito = `http://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}/.well-known/jwks.json`;
    expect(configError(() => handlerFromEnv(env({ COGAUTH_JWKS_URI: cognito }, false))).field).toBe(
      'COGAUTH_JWKS_URI',
    );
    expect(
      configError(() => handlerFromEnv(env({ COGAUTH_ISSUER: 'http://10.0.0.5/pool' }, false))).field,
    ).toBe('COGAUTH_ISSUER');
    expect(() => handlerFromEnv(env({ COGAUTH_ISSUER: 'http://10.0.0.5/pool' }, true))).not.toThrow();
  });

  it('an http issuer without a jwksUri would derive an http JWKS URL: refused at the issuer', () => {
    const err = configError(() =>
      createCognitoVerifier({ issuer: `http://10.0.0.5/${POOL_ID}`, tokenUse: 'access', clientId: null }),
    );
    expect(err.field).toBe('issuer');
  });

  it('the opt-in must be a boolean, and COGAUTH_POOLS takes it per pool, not from the variable', () => {
    const options = { userPoolId: POOL_ID, tokenUse: 'access', clientId: null } as const;
    expect(
      configError(() => createCognitoVerifier({ ...options, allowInsecureHttp: 'yes' as never })).field,
    ).toBe('allowInsecureHttp');
    expect(configError(() => handlerFromEnv(env({ COGAUTH_ALLOW_INSECURE_HTTP: 'yes' }, false))).field).toBe(
      'COGAUTH_ALLOW_INSECURE_HTTP',
    );
    const pools = JSON.stringify([{ ...options, issuer: 'http://10.0.0.5/pool', allowInsecureHttp: true }]);
    expect(() => handlerFromEnv({ COGAUTH_POOLS: pools, COGAUTH_RULES: RULES })).not.toThrow();
    expect(
      configError(() =>
        handlerFromEnv({ COGAUTH_POOLS: pools, COGAUTH_RULES: RULES, COGAUTH_ALLOW_INSECURE_HTTP: 'true' }),
      ).field,
    ).toBe('COGAUTH_ALLOW_INSECURE_HTTP');
  });
});
