import { randomUUID } from 'node:crypto';
import { jwksOf } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAlbVerifier } from '../../src/alb.js';
import {
  type AuthorizerPolicyResult,
  createAuthorizer,
  createCognitoVerifier,
  type DecisionLog,
} from '../../src/index.js';
import { handlerFromEnv, readVerifierEnvironment, writeEnvironment } from '../../src/lambda.js';
import { configError, evaluatePolicy } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key, PREFIX, SAMPLE_RULES, tokenEvent } from '../helpers/fixtures.js';
import { type PoolServer, startPoolServer } from '../helpers/pool-server.js';

let pools: PoolServer;
beforeAll(async () => {
  pools = await startPoolServer(jwksOf(key('ES256')));
});
afterAll(async () => {
  await pools.close();
});
beforeEach(() => pools.reset());
afterEach(() => {
  vi.restoreAllMocks();
});

const tokenOf = (poolId: string, groups?: string[]) =>
  accessToken(key('ES256'), { issuer: pools.issuerOf(poolId), sub: randomUUID(), groups });

function env(entries: unknown[], more: Record<string, string> = {}) {
  return {
    COGAUTH_POOL_ALLOWLIST: JSON.stringify(entries),
    COGAUTH_RULES: JSON.stringify(SAMPLE_RULES),
    ...more,
  };
}
const tenants = (extra: Record<string, unknown> = {}) => ({
  endpoint: pools.endpoint,
  tokenUse: 'access',
  clientId: [CLIENT_ID],
  ...extra,
});

/** The decision log lines of one call. */
async function decide(handler: ReturnType<typeof handlerFromEnv>, token: string) {
  const lines: DecisionLog[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(JSON.parse(line)));
  let result: AuthorizerPolicyResult | Error;
  try {
    result = (await handler(tokenEvent(`Bearer ${token}`))) as AuthorizerPolicyResult;
  } catch (error) {
    result = error as Error;
  }
  vi.restoreAllMocks();
  return { result, log: lines[0] as DecisionLog };
}

describe('COGAUTH_POOL_ALLOWLIST: the Lambda entry with pools chosen at run time', () => {
  it('answers for any pool the allow-list covers, and refuses another with no download', async () => {
    const handler = handlerFromEnv(env([tenants()]));
    for (const poolId of ['local_tenant1', 'local_tenant2']) {
      const { result } = await decide(handler, tokenOf(poolId));
      expect(evaluatePolicy(result as AuthorizerPolicyResult, `${PREFIX}GET/messages`)).toBe('Allow');
    }
    expect(pools.total()).toBe(2);
    const stranger = accessToken(key('ES256'), {
      issuer: `http://127.0.0.1:${pools.server.port + 1}/local_x`,
    });
    const { result, log } = await decide(handler, stranger);
    expect((result as Error).message).toBe('Unauthorized');
    expect(log.reason).toBe('ISSUER_INVALID');
    expect(pools.total()).toBe(2);
  });

  it('applies each entry its own checks, so requirements can depend on the pool (tenant)', async () => {
    const handler = handlerFromEnv(
      env([
        tenants({ userPoolIds: ['local_strict'], groups: ['admin'] }),
        tenants({ userPoolIds: ['local_open'] }),
      ]),
    );
    expect((await decide(handler, tokenOf('local_strict'))).log.reason).toBe('GROUP_NOT_ALLOWED');
    expect((await decide(handler, tokenOf('local_strict', ['admin']))).log.reason).toBe('ALLOWED');
    expect((await decide(handler, tokenOf('local_open'))).log.reason).toBe('ALLOWED');
    expect((await decide(handler, tokenOf('local_neither'))).log.reason).toBe('ISSUER_INVALID');
  });

  it('keeps COGAUTH_MAX_POOLS pools in memory', async () => {
    const handler = handlerFromEnv(env([tenants()], { COGAUTH_MAX_POOLS: '1' }));
    for (const poolId of ['local_m1', 'local_m2', 'local_m1']) await decide(handler, tokenOf(poolId));
    expect(pools.fetches('local_m1')).toBe(2);
  });

  it.each([
    [{ COGAUTH_POOL_ALLOWLIST: '[' }, /^COGAUTH_POOL_ALLOWLIST: is not valid JSON/],
    [{ COGAUTH_POOL_ALLOWLIST: '{}' }, /^COGAUTH_POOL_ALLOWLIST: must be a non-empty array/],
    [
      { COGAUTH_POOL_ALLOWLIST: '[{"regions":["eu-west-1"],"tokenUse":"access"}]' },
      /^COGAUTH_POOL_ALLOWLIST\[0\]\.clientId: /,
    ],
    [
      { COGAUTH_POOL_ALLOWLIST: '[{"regions":["eu-west-1"],"tokenUse":"access","clientId":null}]' },
      /^COGAUTH_POOL_ALLOWLIST\[0\]\.anyAccount: must be true/,
    ],
    [
      {
        COGAUTH_POOL_ALLOWLIST:
          '[{"regions":["eu-west-1"],"tokenUse":"access","clientId":"c","graceSeconds":301}]',
      },
      /^COGAUTH_POOL_ALLOWLIST\[0\]\.graceSeconds: must be an integer from 0 to 300$/,
    ],
    [
      {
        COGAUTH_POOL_ALLOWLIST:
          '[{"regions":["eu-west-1"],"tokenUse":"access","clientId":"c","jwksUri":"https://x"}]',
      },
      /^COGAUTH_POOL_ALLOWLIST\[0\]\.jwksUri: is not a known option$/,
    ],
    [{ COGAUTH_POOLS: '[]' }, /^COGAUTH_POOLS: cannot be combined with COGAUTH_POOL_ALLOWLIST/],
    [
      { COGAUTH_USER_POOL_ID: 'eu-west-1_A' },
      /^COGAUTH_USER_POOL_ID: cannot be combined with COGAUTH_POOL_ALLOWLIST/,
    ],
    [{ COGAUTH_ALLOW_INSECURE_HTTP: 'true' }, /^COGAUTH_ALLOW_INSECURE_HTTP: cannot be combined/],
    [{ COGAUTH_MAX_POOLS: '0' }, /^COGAUTH_MAX_POOLS: must be an integer from 1 to 10000$/],
    [{ COGAUTH_MAX_POOL_FETCHES: 'lots' }, /^COGAUTH_MAX_POOL_FETCHES: must be an integer from 1 to 10000$/],
  ])('%j is refused naming the variable', (vars, message) => {
    const base = env([{ regions: ['eu-west-1'], tokenUse: 'access', clientId: CLIENT_ID }]);
    const error = configError(() => handlerFromEnv({ ...base, ...vars }));
    expect(error.message).toMatch(message);
  });

  it('refuses COGAUTH_MAX_POOLS without an allow-list', () => {
    const error = configError(() =>
      handlerFromEnv({
        COGAUTH_USER_POOL_ID: 'eu-west-1_AbC',
        COGAUTH_CLIENT_IDS: CLIENT_ID,
        COGAUTH_RULES: JSON.stringify(SAMPLE_RULES),
        COGAUTH_MAX_POOLS: '10',
      }),
    );
    expect(error.message).toBe('COGAUTH_MAX_POOLS: applies only with COGAUTH_POOL_ALLOWLIST');
  });
});

describe('the COGAUTH_* contract in both directions', () => {
  it('writes allowPools and its settings, and reads them back as the Lambda does', async () => {
    const entries = [tenants()];
    const env = writeEnvironment({
      verifier: { allowPools: entries as never },
      verifierSettings: { maxPools: 7, maxPoolFetches: 9 },
      rules: SAMPLE_RULES,
    });
    expect(env).toMatchObject({
      COGAUTH_POOL_ALLOWLIST: JSON.stringify(entries),
      COGAUTH_MAX_POOLS: '7',
      COGAUTH_MAX_POOL_FETCHES: '9',
    });
    const read = readVerifierEnvironment(env);
    expect(read.options).toEqual({ allowPools: entries });
    expect(read.settings).toMatchObject({ maxPools: 7, maxPoolFetches: 9 });
    // What a tool (the CLI's verify) makes of it: the same verifier.
    const verifier = createCognitoVerifier(read.options, read.settings);
    expect((await verifier.verify(tokenOf('local_cli'))).iss).toBe(pools.issuerOf('local_cli'));
  });

  it('refuses to write a resolver function or a customCheck', () => {
    expect(
      configError(() =>
        writeEnvironment({ verifier: { resolvePool: () => undefined } as never, rules: SAMPLE_RULES }),
      ).message,
    ).toMatch(/^verifier\.resolvePool: cannot be written/);
    const withCheck = { allowPools: [tenants({ customCheck: () => {} })] };
    expect(
      configError(() => writeEnvironment({ verifier: withCheck as never, rules: SAMPLE_RULES })).message,
    ).toMatch(/^verifier\.allowPools\[0\]\.customCheck: cannot be written/);
  });

  it('createAuthorizer refuses an ALB verifier: API Gateway passes Authorization, not x-amzn-oidc-data', () => {
    const alb = createAlbVerifier({
      albArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/0123456789abcdef',
      clientId: null,
      issuer: null,
    });
    expect(configError(() => createAuthorizer({ verifier: alb, rules: SAMPLE_RULES })).message).toMatch(
      /^verifier: is an ALB verifier/,
    );
  });
});
