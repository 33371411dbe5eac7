import { randomUUID } from 'node:crypto';
import { generateTestKey } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAlbVerifier } from '../../src/alb.js';
import { albKeyEndpointOf, parseAlbArn } from '../../src/cognito/facts.js';
import { ConfigError, type VerifyError } from '../../src/index.js';
import type { AlbVerifierOptions, AlbVerifierSettings } from '../../src/types.js';
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
import { expectCode } from '../helpers/assertions.js';

const key = albKey();
let keys: AlbKeyServer;

beforeAll(async () => {
  keys = await startAlbKeyServer();
  keys.serve(key);
});
afterAll(async () => {
  await keys.close();
});
beforeEach(() => keys.reset());
afterEach(() => {
  vi.useRealTimers();
});

function verifierOf(options: Partial<AlbVerifierOptions> = {}, settings?: AlbVerifierSettings) {
  return createAlbVerifier(
    { albArn: ALB_ARN, clientId: ALB_CLIENT, issuer: ALB_ISSUER, keyEndpoint: keys.endpoint, ...options },
    settings,
  );
}
const unpadded = (json: string) => Buffer.from(json).toString('base64url');

describe('createAlbVerifier: x-amzn-oidc-data as the load balancer signs it', () => {
  it('verifies a token signed the ALB way (padded base64url, ES256) and fetches its key once', async () => {
    const verifier = verifierOf();
    const token = albToken(key, { payload: { sub: 'user-1' } });
    expect(token.split('.').some((segment) => segment.endsWith('='))).toBe(true);
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ sub: 'user-1', email: 'alice@example.com', iss: ALB_ISSUER });
    expect(Object.isFrozen(claims)).toBe(true);
    await verifier.verify(albToken(key));
    expect(keys.paths).toEqual(new Map([[`/${key.kid}`, 1]]));
    expect(verifier.tokenHeader).toBe('x-amzn-oidc-data');
  });

  it('refuses what the header says before any key is fetched: signer, client, iss, exp', async () => {
    const verifier = verifierOf();
    const past = Math.floor(Date.now() / 1000) - 1;
    await expectCode(
      () => verifier.verify(albToken(key, { header: { signer: OTHER_ARN } })),
      'ISSUER_INVALID',
    );
    await expectCode(
      () => verifier.verify(albToken(key, { header: { signer: undefined } })),
      'TOKEN_MALFORMED',
    );
    await expectCode(
      () => verifier.verify(albToken(key, { header: { client: 'someoneelse' } })),
      'AUDIENCE_INVALID',
    );
    await expectCode(
      () => verifier.verify(albToken(key, { header: { iss: 'https://evil.example' } })),
      'ISSUER_INVALID',
    );
    await expectCode(() => verifier.verify(albToken(key, { header: { exp: past } })), 'TOKEN_EXPIRED');
    await expectCode(() => verifier.verify(albToken(key, { header: { exp: undefined } })), 'CLAIM_INVALID');
    await expectCode(() => verifier.verify(albToken(key, { header: { alg: 'ES384' } })), 'ALG_NOT_ALLOWED');
    await expectCode(() => verifier.verify(albToken(key, { header: { alg: 'none' } })), 'ALG_NOT_ALLOWED');
    await expectCode(() => verifier.verify(albToken(key, { header: { crit: ['exp'] } })), 'TOKEN_MALFORMED');
    expect(keys.total()).toBe(0);
  });

  it('checks the payload after the signature: iss, exp, nbf/iat with the clock skew rule, sub', async () => {
    const verifier = verifierOf({ graceSeconds: 5 });
    const now = Math.floor(Date.now() / 1000);
    await expectCode(
      () => verifier.verify(albToken(key, { payload: { iss: 'https://evil.example' } })),
      'ISSUER_INVALID',
    );
    await expectCode(() => verifier.verify(albToken(key, { payload: { iss: undefined } })), 'ISSUER_INVALID');
    await expectCode(() => verifier.verify(albToken(key, { payload: { exp: now - 6 } })), 'TOKEN_EXPIRED');
    await verifier.verify(albToken(key, { payload: { exp: now - 2 } }));
    await expectCode(
      () => verifier.verify(albToken(key, { payload: { iat: now + 120 } })),
      'TOKEN_NOT_YET_VALID',
    );
    await verifier.verify(albToken(key, { payload: { nbf: now + 30 } }));
    await expectCode(() => verifier.verify(albToken(key, { payload: { sub: undefined } })), 'CLAIM_INVALID');
    await expectCode(
      () => verifier.verify(albToken(key, { payload: { exp: '9999999999' } })),
      'CLAIM_INVALID',
    );
  });

  it('accepts the padded encoding and nothing looser', async () => {
    const verifier = verifierOf();
    const good = albToken(key);
    const [h, p, s] = good.split('.') as [string, string, string];
    const variants = [
      // The same claims signed over unpadded segments: a standard JWT, not what a load balancer sends.
      albToken(key, { encode: unpadded, encodeSignature: (sig) => Buffer.from(sig).toString('base64url') }),
      `${h}.${p}.${s.replace(/=+$/, '')}`,
      `${h}.${p}.${s}=`,
      // Stray bits after the last byte: another string for the same signature.
      `${h}.${p}.${s.slice(0, 85)}${s[85] === 'B' ? 'C' : 'B'}==`,
      // A character of standard base64, not base64url.
      `${h}.${p}.+${s.slice(1)}`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s} `,
      `${h}.${p}.${s}.${s}`,
      `${h}.${p}`,
    ];
    for (const token of variants) await expectCode(() => verifier.verify(token), 'TOKEN_MALFORMED');
    expect(keys.total()).toBe(0);
  });

  it('refuses a flipped signature bit and a key of another curve', async () => {
    const verifier = verifierOf();
    const [h, p, s] = albToken(key).split('.') as [string, string, string];
    const signature = Buffer.from(s, 'base64url');
    signature[10] = (signature[10] as number) ^ 1;
    await expectCode(() => verifier.verify(`${h}.${p}.${padded(signature)}`), 'SIGNATURE_INVALID');
    const rsa = generateTestKey({ alg: 'RS256', kid: randomUUID() });
    keys.serve(rsa);
    await expectCode(() => verifier.verify(albToken({ ...key, kid: rsa.kid })), 'JWKS_UNAVAILABLE');
  });

  it('KID_UNKNOWN for a kid the endpoint does not know, then no fetch for new kids during the penalty window', async () => {
    const verifier = verifierOf({}, { jwksPenaltyMs: 60_000 });
    await verifier.verify(albToken(key));
    await expectCode(() => verifier.verify(albToken({ ...key, kid: randomUUID() })), 'KID_UNKNOWN');
    await expectCode(() => verifier.verify(albToken({ ...key, kid: randomUUID() })), 'KID_UNKNOWN');
    expect(keys.total()).toBe(2);
    // A key in memory stays usable.
    await verifier.verify(albToken(key));
  });

  it('bounds key downloads per 10 s whatever kids the tokens name', async () => {
    const fresh = Array.from({ length: 12 }, () => ({ ...key, kid: randomUUID() }));
    for (const k of fresh) keys.serve(k, pemOf(key));
    const verifier = verifierOf();
    const outcomes = await Promise.allSettled(fresh.map((k) => verifier.verify(albToken(k))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    for (const o of outcomes)
      if (o.status === 'rejected') expect((o.reason as VerifyError).code).toBe('JWKS_UNAVAILABLE');
    expect(keys.total()).toBe(10);
  });

  it('downloads with the JWKS rules: size cap, timeout, no redirect, a PEM only', async () => {
    const cases: [string, (res: import('node:http').ServerResponse) => void, AlbVerifierSettings?][] = [
      ['too large', (res) => res.writeHead(200).end('x'.repeat(70_000))],
      ['redirect', (res) => res.writeHead(302, { location: `${keys.endpoint}/${key.kid}` }).end()],
      ['not a PEM', (res) => res.writeHead(200).end('{"keys":[]}')],
      ['slow', () => {}, { jwksTimeoutMs: 200 }],
      ['server error', (res) => res.writeHead(500).end()],
    ];
    for (const [, respond, settings] of cases) {
      keys.override((_req, res) => respond(res));
      await expectCode(() => verifierOf({}, settings).verify(albToken(key)), 'JWKS_UNAVAILABLE');
    }
  });
});

describe('property: the kid goes into the key URL only in the ALB shape', () => {
  it('a kid that is not a UUID is refused with no request; a UUID is fetched at exactly /<kid>', async () => {
    const kid = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '../etc/passwd',
        '..%2f..%2fx',
        `${key.kid}/../x`,
        `${key.kid}?x=1`,
        `${key.kid}#`,
        ` ${key.kid}`,
        `${key.kid}\n`,
      ),
      fc.uuid().map((u) => `${u}/..`),
      fc.uuid(),
    );
    await fc.assert(
      fc.asyncProperty(kid, async (k) => {
        keys.reset();
        // A verifier per case: its download budget is not this test's question.
        const verifier = verifierOf({}, { jwksPenaltyMs: 0 });
        const token = albToken({ ...key, kid: k });
        let code: string | undefined;
        try {
          await verifier.verify(token);
        } catch (error) {
          code = (error as VerifyError).code;
        }
        if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(k)) {
          expect(code).toBe('KID_UNKNOWN');
          expect([...keys.paths.keys()]).toEqual([`/${k}`]);
        } else {
          expect(code).toBe('TOKEN_MALFORMED');
          expect(keys.total()).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('ALB facts and options', () => {
  it('derives the documented key endpoints per partition', () => {
    expect(albKeyEndpointOf('eu-west-1')).toBe('https://public-keys.auth.elb.eu-west-1.amazonaws.com');
    expect(albKeyEndpointOf('us-gov-west-1')).toBe(
      'https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1',
    );
    expect(albKeyEndpointOf('cn-north-1')).toBe('https://public-keys.auth.elb.cn-north-1.amazonaws.com.cn');
    expect(albKeyEndpointOf('eusc-de-east-1')).toBeUndefined();
    expect(parseAlbArn(ALB_ARN)).toMatchObject({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
    });
    expect(parseAlbArn(ALB_ARN.replace(':aws:', ':aws-cn:'))).toBeUndefined();
    expect(parseAlbArn(`${ALB_ARN}/x`)).toBeUndefined();
    expect(parseAlbArn(ALB_ARN.replace('/app/', '/net/'))).toBeUndefined();
  });

  it.each([
    [{}, 'options.albArn'],
    [{ albArn: ALB_ARN, albArns: [ALB_ARN] }, 'options.albArn'],
    [{ albArn: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/y' }, 'options.albArn'],
    [{ albArn: ALB_ARN, region: 'eu-west-1' }, 'options.albArn'],
    [{ albArn: ALB_ARN, clientId: undefined }, 'options.clientId'],
    [{ albArn: ALB_ARN, issuer: undefined }, 'options.issuer'],
    [{ albArn: ALB_ARN, keyEndpoint: 'http://keys.internal' }, 'options.keyEndpoint'],
    [{ albArn: ALB_ARN, graceSeconds: 301 }, 'options.graceSeconds'],
    [{ albArn: ALB_ARN, jwksUri: 'https://x' }, 'options.jwksUri'],
    [
      {
        albArn:
          'arn:aws-eusc:elasticloadbalancing:eusc-de-east-1:123456789012:loadbalancer/app/a/0123456789abcdef',
      },
      'options.keyEndpoint',
    ],
  ])('%j is refused naming %s', (options, field) => {
    let error: unknown;
    try {
      createAlbVerifier({ clientId: ALB_CLIENT, issuer: ALB_ISSUER, ...options } as AlbVerifierOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(`${field}:`)).toBe(true);
  });

  it('refuses settings that do not apply to ALB keys', () => {
    expect(() => verifierOf({}, { jwksOffline: true } as AlbVerifierSettings)).toThrow(
      /^settings\.jwksOffline: is not a known option/,
    );
  });

  it('takes several load balancers, each with its own region', async () => {
    const eu = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/eu/0123456789abcdef';
    const verifier = verifierOf({ albArn: undefined, albArns: [ALB_ARN, eu] });
    await verifier.verify(albToken(key, { header: { signer: eu } }));
    await verifier.verify(albToken(key));
  });
});
