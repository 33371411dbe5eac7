import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIssuer } from '../../src/cognito/facts.js';
import { createCognitoVerifier, VerifyError } from '../../src/index.js';
import { accessToken, CLIENT_ID, key } from '../helpers/fixtures.js';
import { countConnections } from '../helpers/sockets.js';

describe('parseIssuer: Cognito issuers exactly as Cognito writes them', () => {
  it.each([
    ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', 'original', 'aws'],
    ['https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', 'updated', 'aws'],
    ['https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123', 'original', 'aws-cn'],
    ['https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbC123', 'original', 'aws-us-gov'],
    ['https://cognito-idp.eusc-de-east-1.amazonaws.eu/eusc-de-east-1_AbC123', 'original', 'aws-eusc'],
  ])('%s', (iss, format, partition) => {
    expect(parseIssuer(iss)).toMatchObject({ issuer: iss, format, partition });
  });

  it.each([
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/',
    'https://cognito-idp.eu-west-1.amazonaws.com:443/eu-west-1_AbC123',
    'https://Cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    'http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    'https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123',
    'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_AbC123',
    'https://cognito-idp.eu-west-1.amazonaws.com/x/eu-west-1_AbC123',
    'https://u@cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    'https://cognito-idp.eu-west-1.amazonaws.com.evil.example/eu-west-1_AbC123',
    'https://evil.example/https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123?x',
    'https://cognito-idp.eu-west-1.amazonaws.com//eu-west-1_AbC123',
    'https://cognito-idp.local.amazonaws.com/local_AbC123',
    'https://cognito-idp.us-isob-east-1.sc2s.sgov.gov/us-isob-east-1_AbC123',
  ])('refuses %s', (iss) => {
    expect(parseIssuer(iss)).toBeUndefined();
  });
});

// The one pool the property test allows, in a region of the allow-list.
const POOL = 'eu-west-1_AbCdEf123';
const ALLOWED = [
  `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
  `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
];

/** Edits an allowed issuer the ways an attacker might: a character inserted, removed or replaced. */
const mutatedIssuer = fc
  .record({
    base: fc.constantFrom(...ALLOWED),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        kind: fc.constantFrom('insert', 'delete', 'replace'),
        char: fc.constantFrom(
          ...'/:.@?#%-_ AaEe19\\'.split(''),
          '\u0000',
          '\u00e9',
          '\uff0e',
          '.evil.example',
          ':8443',
          '/..',
          'us-east-1',
          '.cn',
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ base, edits }) => {
    let s = base;
    for (const e of edits) {
      const at = e.at % (s.length + 1);
      if (e.kind === 'insert') s = s.slice(0, at) + e.char + s.slice(at);
      else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + 1);
      else s = s.slice(0, at) + e.char + s.slice(at + 1);
    }
    return s;
  });

describe('property: a token naming anything but an allowed issuer is refused with no connection', () => {
  let sockets: ReturnType<typeof countConnections>;
  beforeAll(() => {
    sockets = countConnections();
  });
  afterAll(() => sockets.restore());

  it('holds for generated edits of the allowed issuers', async () => {
    const verifier = createCognitoVerifier({
      allowPools: [
        { regions: ['eu-west-1', 'us-east-1'], userPoolIds: [POOL], tokenUse: 'access', clientId: CLIENT_ID },
      ],
    });
    await fc.assert(
      fc.asyncProperty(mutatedIssuer, async (iss) => {
        // An edit that lands on an allowed issuer would download the real JWKS: not this test's question.
        fc.pre(!ALLOWED.includes(iss));
        const token = accessToken(key('ES256'), { issuer: iss, sub: randomUUID() });
        let code: string | undefined;
        try {
          await verifier.verify(token);
        } catch (error) {
          code = error instanceof VerifyError ? error.code : String(error);
        }
        expect(code).toBe('ISSUER_INVALID');
        expect(sockets.count()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
