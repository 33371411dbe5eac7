import type { CognitoClaimsOptions } from '@cogauth/test-fixtures';
import { describe, expect, it } from 'vitest';
import type { CognitoVerifier } from '../../src/index.js';
import { VerifyError } from '../../src/index.js';
import { decide, parseRules } from '../../src/rules.js';
import { accessToken, key, localVerifier, SAMPLE_RULES } from '../helpers/fixtures.js';

const access = (opts: CognitoClaimsOptions = {}): string => accessToken(key(), opts);
const verifier = (): CognitoVerifier => localVerifier();

const rules = parseRules(SAMPLE_RULES);
const get = { kind: 'http', method: 'GET', path: '/messages' } as const;
const post = { kind: 'http', method: 'POST', path: '/messages' } as const;

describe('decide', () => {
  it('answers 401 with the reason when there are no claims, never the error message', () => {
    expect(decide(get, { bearer: 'TOKEN_MISSING' }, rules)).toEqual({
      status: 401,
      effect: 'Unauthorized',
      reason: 'TOKEN_MISSING',
    });
    expect(decide(get, { error: new VerifyError('TOKEN_EXPIRED', 'expired') }, rules).reason).toBe(
      'TOKEN_EXPIRED',
    );
    const foreign = decide(get, { error: new TypeError('Bearer eyJsecret') }, rules);
    expect(foreign).toEqual({
      status: 401,
      effect: 'Unauthorized',
      reason: 'VERIFIER_ERROR',
      error: 'TypeError',
    });
    expect(decide(get, { claims: null }, rules).reason).toBe('CLAIM_INVALID');
    expect(decide(get, { claims: { sub: '' } }, rules).reason).toBe('CLAIM_INVALID');
  });

  it('answers 200 or 403 for a verified caller, with the permitted rules and a fresh context', async () => {
    const claims = await verifier().verify(access({ groups: ['readers'] }));
    const ok = decide(get, { claims }, rules);
    const no = decide(post, { claims }, rules);
    expect([ok.status, ok.reason, no.status, no.reason]).toEqual([
      200,
      'ALLOWED',
      403,
      'ROUTE_NOT_PERMITTED',
    ]);
    if (ok.status === 401 || no.status === 401) throw new Error('unreachable');
    expect(ok.permitted.map((r) => r.route)).toEqual(['GET /messages', 'GET /me']);
    expect(no.permitted).toBe(ok.permitted);
    expect(ok.context).not.toBe(no.context);
    expect(ok.context).toEqual(no.context);
    expect(ok.principal).toBe(claims.sub);
  });

  it('refuses an answer cached for a route key that covers other decisions', async () => {
    const claims = await verifier().verify(access({ groups: ['admin'] }));
    const cached = { ...get, cachedByRouteKey: '$default' };
    expect(decide(cached, { claims }, rules).reason).toBe('ROUTE_NOT_CACHEABLE');
    expect(decide({ ...get, cachedByRouteKey: 'GET /messages' }, { claims }, rules).status).toBe(200);
  });
});
