import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Jwks } from '@cogauth/core';
import { generateTestKey, jwksOf } from '@cogauth/test-fixtures';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../../src/config.js';
import { environmentOf } from '../../src/environment.js';
import { httpApiAuthorizer, rewriteEvents } from '../../src/events.js';
import { validateWithCore } from '../../src/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'cogauth-plugin-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'rules.json'), JSON.stringify([{ route: 'GET /a' }]));
writeFileSync(join(dir, 'bad-rules.json'), JSON.stringify([{ route: 'GET /a' }, { route: 'FETCH /b' }]));
writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwksOf(generateTestKey({ kid: 'k1' }))));
const privateJwk = generateTestKey({ kid: 'k2' }).privateKey.export({ format: 'jwk' });
writeFileSync(join(dir, 'empty-rules.json'), '[]');
// Well-formed JSON that only core's key import refuses (an RSA modulus far below 2048 bits).
writeFileSync(
  join(dir, 'weak-jwks.json'),
  JSON.stringify({ keys: [{ kty: 'RSA', kid: 'w', n: 'AQAB', e: 'AQAB' }] }),
);
writeFileSync(join(dir, 'private-jwks.json'), JSON.stringify({ keys: [{ ...privateJwk, kid: 'k2' }] }));

// A rules package linked into the service as pnpm links workspace packages (node_modules/<name> -> elsewhere),
// and a file inside the service whose name starts with two dots.
const elsewhere = mkdtempSync(join(tmpdir(), 'cogauth-plugin-elsewhere-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));
writeFileSync(join(elsewhere, 'rules.json'), JSON.stringify([{ route: 'GET /shared' }]));
writeFileSync(join(elsewhere, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
symlinkSync(elsewhere, join(dir, 'linked-package'));
writeFileSync(join(dir, '..rules.json'), JSON.stringify([{ route: 'GET /a' }]));

const good = { userPoolId: 'us-east-1_AbC123', clientIds: 'client-1', rulesFile: 'rules.json' };

/** `n` public routes, `GET /r<i>`. */
function manyRoutes(n: number) {
  return Array.from({ length: n }, (_, i) => ({ route: `GET /r${i}` }));
}

/** Reads and validates like the plugin does at package time and at offline start (without the JWKS fetch). */
function check(config: Record<string, unknown>) {
  const settings = readSettings(config, dir);
  const jwks = settings.jwksFile ? (readJson(settings.jwksFile.path) as Jwks) : undefined;
  const files = [{ name: 'rules.json', data: Buffer.from(JSON.stringify(settings.rules)) }];
  if (jwks !== undefined) files.push({ name: 'jwks.json', data: Buffer.from(JSON.stringify(jwks)) });
  validateWithCore(settings, jwks, true, files);
  validateWithCore(settings, jwks, false, files);
  return { settings, rules: settings.rules };
}
function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('custom.cogauth: each bad setting stops the command, naming the field', () => {
  it.each([
    ['no block at all', undefined, 'custom.cogauth: is missing'],
    [
      'an empty pool id (issue 10 item 5.1)',
      { ...good, userPoolId: '' },
      'custom.cogauth.userPoolId: is required',
    ],
    [
      'a malformed pool id',
      { ...good, userPoolId: 'not-a-pool' },
      'custom.cogauth.userPoolId: must look like',
    ],
    ['no client ids', { ...good, clientIds: '' }, 'custom.cogauth.clientIds: is required'],
    ['* with client ids', { ...good, clientIds: ['*', 'x'] }, 'custom.cogauth.clientIds: * cannot'],
    ['a bad token use', { ...good, tokenUse: 'refresh' }, 'custom.cogauth.tokenUse: must be one of'],
    ['a bad issuer', { ...good, issuer: 'ftp://x' }, 'custom.cogauth.issuer: must be an https://'],
    [
      'a bad JWKS URI',
      { ...good, jwksUri: 'http://u:p@h/' },
      'custom.cogauth.jwksUri: must not contain credentials',
    ],
    ['a grace over 300 s', { ...good, graceSeconds: 301 }, 'custom.cogauth.graceSeconds: must be an integer'],
    ['a TTL over 3600 s', { ...good, resultTtlSeconds: 7200 }, 'custom.cogauth.resultTtlSeconds: must be'],
    [
      'both rules and rulesFile',
      { ...good, rules: [{ route: 'GET /a' }] },
      'custom.cogauth.rules: set exactly one',
    ],
    ['neither rules nor rulesFile', { ...good, rulesFile: '' }, 'custom.cogauth.rules: set exactly one'],
    [
      'a bad inline rule',
      {
        ...good,
        rulesFile: undefined,
        rules: [{ route: 'GET /a' }, { route: 'GET /b' }, { route: 'GET b' }],
      },
      'custom.cogauth.rules[2].route',
    ],
    [
      'a bad rule in the file',
      { ...good, rulesFile: 'bad-rules.json' },
      'custom.cogauth.rulesFile (bad-rules.json) rules[1].route',
    ],
    [
      'an empty rules file',
      { ...good, rulesFile: 'empty-rules.json' },
      'custom.cogauth.rulesFile (empty-rules.json): is empty',
    ],
    [
      'a JWKS file core cannot use',
      { ...good, jwksFile: 'weak-jwks.json' },
      'custom.cogauth.jwksFile.keys[0]: is not a usable key',
    ],
    [
      'a bad issuer beside references (placeholders stand in for them)',
      { ...good, userPoolId: { Ref: 'Pool' }, clientIds: [{ Ref: 'C1' }, 'c2'], issuer: 'ftp://x' },
      'custom.cogauth.issuer: must be an https://',
    ],
    [
      'a missing rules file',
      { ...good, rulesFile: 'nope.json' },
      'custom.cogauth.rulesFile: cannot read nope.json',
    ],
    [
      'a rules file outside the service',
      { ...good, rulesFile: '../../etc/passwd' },
      'custom.cogauth.rulesFile: must be a file inside',
    ],
    ['an unknown setting', { ...good, userpoolid: 'x' }, 'custom.cogauth.userpoolid: is not a known setting'],
    [
      'pools mixed with userPoolId',
      { ...good, pools: [{}] },
      'custom.cogauth.userPoolId: cannot be combined',
    ],
    [
      'a bad pool in pools',
      {
        rulesFile: 'rules.json',
        pools: [{ userPoolId: 'us-east-1_A', clientId: null, tokenUse: 'access', jwksUri: 'x' }],
      },
      'custom.cogauth.pools[0].jwksUri',
    ],
    [
      'httpApiCache off with iam',
      { ...good, httpApiCache: 'off' },
      'custom.cogauth.httpApiCache: applies only',
    ],
    [
      'a bad HTTP API response',
      { ...good, httpApiResponse: 'both' },
      'custom.cogauth.httpApiResponse: must be one of',
    ],
    ['a bad answer mode', { ...good, answerMode: 'some' }, 'custom.cogauth.answerMode: must be one of'],
    [
      'inline rules whose answer could pass API Gateway’s 8 KB',
      { ...good, rulesFile: '', rules: manyRoutes(120) },
      'custom.cogauth.rules: the largest IAM answer a caller can get could reach',
    ],
    [
      'jwksFile and fetchJwks',
      { ...good, jwksFile: 'jwks.json', fetchJwks: true },
      'custom.cogauth.jwksFile: set either',
    ],
    [
      'fetchJwks with a reference pool id',
      { ...good, userPoolId: { Ref: 'UserPool' }, fetchJwks: true },
      'custom.cogauth.fetchJwks: needs a literal userPoolId',
    ],
  ])('%s', (_label, config, message) => {
    expect(() => check(config as Record<string, unknown>)).toThrow(message);
  });

  it('checks only what the function gets: COGAUTH_* variables of the packaging shell hide nothing', () => {
    vi.stubEnv('COGAUTH_RULES', '[{"route":"GET /a"}]');
    vi.stubEnv('COGAUTH_RULES_FILE', '');
    vi.stubEnv('COGAUTH_POOLS', '[{"userPoolId":"us-east-1_Ab1","clientId":null,"tokenUse":null}]');
    try {
      expect(() => check({ ...good, rulesFile: 'bad-rules.json' })).toThrow(
        'custom.cogauth.rulesFile (bad-rules.json) rules[1].route',
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses a JWKS file holding a private key', async () => {
    const { publicJwks } = await import('../../src/jwks.js');
    expect(() =>
      publicJwks(readJson(join(dir, 'private-jwks.json')), ['custom', 'cogauth', 'jwksFile']),
    ).toThrow('custom.cogauth.jwksFile.keys[0]: holds private key material ("d")');
  });
});

describe('custom.cogauth: what a good configuration becomes', () => {
  it('accepts a file whose name starts with two dots: it is inside the service', () => {
    expect(check({ ...good, rulesFile: '..rules.json' }).rules).toEqual([{ route: 'GET /a' }]);
  });

  it('reads a rules file through a linked package (pnpm workspaces); a linked file must still be rules', () => {
    expect(check({ ...good, rulesFile: 'linked-package/rules.json' }).rules).toEqual([
      { route: 'GET /shared' },
    ]);
    expect(() => check({ ...good, rulesFile: 'linked-package/passwd' })).toThrow(
      'custom.cogauth.rulesFile: linked-package/passwd is not valid JSON',
    );
  });

  it('accepts inline rules without a rulesFile (issue 10 item 5.2) and ships them as rules.json', () => {
    const { settings, rules } = check({
      ...good,
      rulesFile: '',
      rules: [{ route: 'GET /a', groups: ['x'] }],
    });
    expect(rules).toEqual([{ route: 'GET /a', groups: ['x'] }]);
    expect(environmentOf(settings, undefined, true)).toEqual({
      COGAUTH_USER_POOL_ID: 'us-east-1_AbC123',
      COGAUTH_CLIENT_IDS: 'client-1',
      COGAUTH_TOKEN_USE: 'access',
      COGAUTH_RULES_FILE: 'rules.json',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
    });
    expect(environmentOf(settings, undefined, false).COGAUTH_RULES).toBe(JSON.stringify(rules));
  });

  it('passes CloudFormation references through to the environment, validated with placeholders', () => {
    const { settings } = check({
      ...good,
      userPoolId: { Ref: 'Pool' },
      clientIds: [{ Ref: 'C1' }, 'literal'],
    });
    const env = environmentOf(settings, undefined, true);
    expect(env.COGAUTH_USER_POOL_ID).toEqual({ Ref: 'Pool' });
    expect(env.COGAUTH_CLIENT_IDS).toEqual({ 'Fn::Join': [',', [{ Ref: 'C1' }, 'literal']] });
  });

  it('wires the marked events per API kind, cache-safe', () => {
    const { settings } = check({ ...good, resultTtlSeconds: 60 });
    const service = {
      provider: {},
      functions: {
        f: {
          events: [
            { http: { method: 'get', path: 'a', authorizer: 'cogauth' } },
            { httpApi: { method: 'GET', path: '/a', authorizer: 'cogauth' } },
            { websocket: { route: '$connect', authorizer: 'cogauth' } },
            { http: { method: 'get', path: 'open' } },
          ],
        },
      },
    };
    expect(rewriteEvents(service, settings)).toEqual({ http: 1, httpApi: 1, websocket: 1 });
    const events = service.functions.f.events as unknown as Record<string, Record<string, unknown>>[];
    expect(events[0]?.http?.authorizer).toEqual({
      name: 'cogauthAuthorizer',
      type: 'token',
      identitySource: 'method.request.header.Authorization',
      resultTtlInSeconds: 60,
    });
    expect(events[1]?.httpApi?.authorizer).toEqual({ name: 'cogauth' });
    expect(events[2]?.websocket?.authorizer).toEqual({
      name: 'cogauthAuthorizer',
      identitySource: ['route.request.header.Authorization'],
    });
    expect(events[3]?.http?.authorizer).toBeUndefined();
    expect(service.provider).toEqual({ httpApi: { authorizers: { cogauth: httpApiAuthorizer(settings) } } });
    expect(httpApiAuthorizer(settings)).toMatchObject({
      enableSimpleResponses: false,
      identitySource: ['$request.header.Authorization'],
      resultTtlInSeconds: 60,
    });
  });

  it('keys a simple HTTP API answer by route, or turns the cache off (TTL 0) when told', () => {
    const simple = check({ ...good, httpApiResponse: 'simple' }).settings;
    expect(httpApiAuthorizer(simple)).toMatchObject({
      enableSimpleResponses: true,
      identitySource: ['$request.header.Authorization', '$context.routeKey'],
      resultTtlInSeconds: 300,
    });
    const off = check({ ...good, httpApiResponse: 'simple', httpApiCache: 'off' }).settings;
    expect(httpApiAuthorizer(off)).toMatchObject({
      identitySource: ['$request.header.Authorization'],
      resultTtlInSeconds: 0,
    });
    expect(environmentOf(off, undefined, true).COGAUTH_HTTP_API_CACHE).toBe('off');
  });

  it('answerMode per-request: REST uncached, HTTP API keyed by route key (or uncached when told)', () => {
    const { settings } = check({ ...good, answerMode: 'per-request', resultTtlSeconds: 60 });
    const service = {
      provider: {},
      functions: { f: { events: [{ http: { method: 'get', path: 'a', authorizer: 'cogauth' } }] } },
    };
    rewriteEvents(service, settings);
    const [rest] = service.functions.f.events as unknown as Record<string, Record<string, unknown>>[];
    expect(rest?.http?.authorizer).toMatchObject({ type: 'token', resultTtlInSeconds: 0 });
    expect(httpApiAuthorizer(settings)).toMatchObject({
      enableSimpleResponses: false,
      identitySource: ['$request.header.Authorization', '$context.routeKey'],
      resultTtlInSeconds: 60,
    });
    expect(environmentOf(settings, undefined, true).COGAUTH_ANSWER_MODE).toBe('per-request');
    const off = check({ ...good, answerMode: 'per-request', httpApiCache: 'off' }).settings;
    expect(httpApiAuthorizer(off)).toMatchObject({
      identitySource: ['$request.header.Authorization'],
      resultTtlInSeconds: 0,
    });
    // A rule set too large for one answer per token is packaged per request.
    expect(() =>
      check({ ...good, rulesFile: '', rules: manyRoutes(120), answerMode: 'per-request' }),
    ).not.toThrow();
  });

  it('refuses authorizer: cogauth on a WebSocket route other than $connect', () => {
    const { settings } = check(good);
    const service = {
      provider: {},
      functions: { f: { events: [{ websocket: { route: 'send', authorizer: 'cogauth' } }] } },
    };
    expect(() => rewriteEvents(service, settings)).toThrow('functions.f.events[0].websocket.authorizer');
  });
});
