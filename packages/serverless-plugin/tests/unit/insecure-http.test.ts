// Plain http:// issuers and JWKS URLs: accepted only for loopback hosts unless `allowInsecureHttp: true`,
// refused at package time naming the setting, and never fetched from by `fetchJwks`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestKey, type JwksServer, jwksOf, startJwksServer } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../../src/config.js';
import { environmentOf } from '../../src/environment.js';
import { CogauthServerlessPlugin } from '../../src/plugin.js';
import type { Serverless } from '../../src/serverless-types.js';
import { validateWithCore } from '../../src/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'cogauth-plugin-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'rules.json'), JSON.stringify([{ route: 'GET /a' }]));
const POOL = 'us-east-1_AbC123';
const good = { userPoolId: POOL, clientIds: 'client-1', rulesFile: 'rules.json' };
const RISK = 'which is not loopback (127.0.0.0/8, ::1, localhost): anyone on the network path could swap in';

/** What the plugin does at package time and at offline start, short of the JWKS fetch. */
function check(config: Record<string, unknown>): Record<string, unknown> {
  const settings = readSettings(config, dir);
  const files = [{ name: 'rules.json', data: Buffer.from(JSON.stringify(settings.rules)) }];
  validateWithCore(settings, undefined, true, files);
  validateWithCore(settings, undefined, false, files);
  return environmentOf(settings, undefined, true);
}

describe('custom.cogauth: issuer and jwksUri over plain http', () => {
  const remote = ['http://10.0.0.5/pool', 'http://cognito-idp.us-east-1.amazonaws.com/p', 'http://0x7e.1/p'];
  const local = [
    'http://127.0.0.1:9229/p',
    'http://127.1:9229/p',
    'http://localhost:9229/p',
    'http://[::1]/p',
  ];

  it.each(remote)('%s is refused for issuer and jwksUri, naming the setting and the risk', (url) => {
    expect(() => check({ ...good, issuer: url })).toThrow(`custom.cogauth.issuer: is plain http:// to`);
    expect(() => check({ ...good, issuer: url })).toThrow(RISK);
    expect(() => check({ ...good, jwksUri: url })).toThrow(`custom.cogauth.jwksUri: is plain http:// to`);
  });

  it.each(remote)('%s is accepted with allowInsecureHttp: true, which reaches the function', (url) => {
    const env = check({ ...good, issuer: url, jwksUri: url, allowInsecureHttp: true });
    expect(env).toMatchObject({
      COGAUTH_ISSUER: url,
      COGAUTH_JWKS_URI: url,
      COGAUTH_ALLOW_INSECURE_HTTP: 'true',
    });
  });

  it.each(local)('%s (loopback: cognito-local, tests) needs no opt-in', (url) => {
    const env = check({ ...good, issuer: url, jwksUri: url });
    expect(env.COGAUTH_ALLOW_INSECURE_HTTP).toBeUndefined();
  });

  it('each pool of pools opts in on its own; the opt-in is true or false and not beside pools', () => {
    const pool = { userPoolId: POOL, clientId: null, tokenUse: 'access', issuer: 'http://10.0.0.5/p' };
    expect(() => check({ rulesFile: 'rules.json', pools: [pool] })).toThrow(
      'custom.cogauth.pools[0].issuer: is plain http:// to 10.0.0.5',
    );
    expect(() =>
      check({ rulesFile: 'rules.json', pools: [{ ...pool, allowInsecureHttp: true }] }),
    ).not.toThrow();
    expect(() => check({ rulesFile: 'rules.json', pools: [pool], allowInsecureHttp: true })).toThrow(
      'custom.cogauth.allowInsecureHttp: cannot be combined with pools',
    );
    // As ${env:COGAUTH_ALLOW_INSECURE_HTTP, ''} gives it: a string.
    expect(check({ ...good, issuer: 'http://10.0.0.5/p', allowInsecureHttp: 'true' })).toMatchObject({
      COGAUTH_ALLOW_INSECURE_HTTP: 'true',
    });
    expect(() => check({ ...good, issuer: 'http://10.0.0.5/p', allowInsecureHttp: 'false' })).toThrow(RISK);
    expect(() => check({ ...good, allowInsecureHttp: 'yes' })).toThrow(
      'custom.cogauth.allowInsecureHttp: must be true or false',
    );
  });
});

describe('fetchJwks reads only from a URL the authorizer would accept', () => {
  let server: JwksServer;
  beforeAll(async () => {
    server = await startJwksServer({ poolId: POOL, jwks: jwksOf(generateTestKey({ kid: 'k1' })) });
  });
  afterAll(async () => {
    await server.close();
    vi.restoreAllMocks();
  });

  function plugin(cogauth: Record<string, unknown>) {
    const service = {
      service: 'svc',
      provider: { runtime: 'nodejs22.x' },
      custom: { cogauth },
      functions: {},
    };
    const serverless = {
      serviceDir: dir,
      config: { servicePath: dir },
      service,
      classes: { Error },
      getProvider: () => ({ getStage: () => 'test' }),
    } as unknown as Serverless;
    const instance = new CogauthServerlessPlugin(
      serverless,
      {},
      { log: { info: () => {}, warning: () => {} } },
    );
    return { service, package: () => (instance.hooks['before:package:initialize'] as () => Promise<void>)() };
  }

  it('a plain-http jwksUri on another host is refused before any request is made', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch');
    await expect(
      plugin({ ...good, jwksUri: 'http://192.0.2.1/jwks.json', fetchJwks: true }).package(),
    ).rejects.toThrow('cogauth: custom.cogauth.jwksUri: is plain http:// to 192.0.2.1');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a loopback JWKS server is fetched from and embedded', async () => {
    const { service, package: pack } = plugin({ ...good, jwksUri: server.jwksUrl, fetchJwks: true });
    await pack();
    expect(server.jwksRequestCount()).toBe(1);
    const fn = (service.functions as Record<string, { environment: Record<string, unknown> }>)
      .cogauthAuthorizer;
    expect(fn?.environment.COGAUTH_JWKS_FILE).toBe('jwks.json');
  });
});
