import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, type DecisionLog } from '../../src/index.js';
import { handlerFromEnv, readEnvironment, writeEnvironment } from '../../src/lambda.js';
import { sampledLog } from '../../src/observability/log-policy.js';
import {
  accessToken,
  CLIENT_ID,
  jwksOf,
  key,
  POOL_ID,
  SAMPLE_RULES,
  tokenEvent,
} from '../helpers/fixtures.js';

afterEach(() => vi.restoreAllMocks());

const base = writeEnvironment({
  verifier: { userPoolId: POOL_ID, clientId: [CLIENT_ID], tokenUse: 'access', jwks: jwksOf(key()) },
  rules: SAMPLE_RULES,
});

function refusal(env: Record<string, string>): ConfigError {
  try {
    readEnvironment({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('the metrics, log and tracing variables', () => {
  it('are off by default and read back as the options they were written from', () => {
    expect(readEnvironment(base)).toMatchObject({ logLevel: 'all', logAllowedSampleRate: 1, tracing: 'off' });
    expect(readEnvironment(base).metrics).toBeUndefined();
    const env = writeEnvironment({
      verifier: { userPoolId: POOL_ID, clientId: [CLIENT_ID], tokenUse: 'access' },
      rules: SAMPLE_RULES,
      metrics: { namespace: 'Shop/Auth', routeDimension: true, flushSeconds: 5 },
      logLevel: 'refusals',
      logAllowedSampleRate: 1e-7,
      tracing: 'otel',
    });
    expect(env).toMatchObject({
      COGAUTH_METRICS: 'emf',
      COGAUTH_METRICS_NAMESPACE: 'Shop/Auth',
      COGAUTH_METRICS_ROUTE_DIMENSION: 'true',
      COGAUTH_METRICS_FLUSH_SECONDS: '5',
      COGAUTH_LOG_LEVEL: 'refusals',
      COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '0.0000001',
      COGAUTH_TRACING: 'otel',
    });
    const read = readEnvironment({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'fn-1' });
    expect(read.metrics).toEqual({
      namespace: 'Shop/Auth',
      authorizer: 'fn-1',
      routeDimension: true,
      flushSeconds: 5,
    });
    expect(read).toMatchObject({ logLevel: 'refusals', logAllowedSampleRate: 1e-7, tracing: 'otel' });
    // Metrics on always write the namespace: the alarms watch it, the function must not fall back.
    expect(
      writeEnvironment({
        verifier: { userPoolId: POOL_ID, clientId: null, tokenUse: null },
        rules: SAMPLE_RULES,
        metrics: {},
      }).COGAUTH_METRICS_NAMESPACE,
    ).toBe('Cogauth');
  });

  const bad: [Record<string, string>, string[], string][] = [
    [{ COGAUTH_METRICS: 'prometheus' }, ['COGAUTH_METRICS'], 'must be off or emf'],
    [
      { COGAUTH_METRICS: 'emf', COGAUTH_METRICS_NAMESPACE: 'AWS/Lambda' },
      ['COGAUTH_METRICS_NAMESPACE'],
      'AWS/',
    ],
    [{ COGAUTH_METRICS_NAMESPACE: 'a b' }, ['COGAUTH_METRICS_NAMESPACE'], 'CloudWatch namespace'],
    [
      { COGAUTH_METRICS_ROUTE_DIMENSION: 'yes' },
      ['COGAUTH_METRICS_ROUTE_DIMENSION'],
      'must be false or true',
    ],
    [{ COGAUTH_METRICS_FLUSH_SECONDS: '61' }, ['COGAUTH_METRICS_FLUSH_SECONDS'], 'from 0 to 60'],
    [{ COGAUTH_LOG_LEVEL: 'debug' }, ['COGAUTH_LOG_LEVEL'], 'must be all or refusals'],
    [{ COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '1.5' }, ['COGAUTH_LOG_ALLOWED_SAMPLE_RATE'], 'from 0 to 1'],
    [{ COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '-0.1' }, ['COGAUTH_LOG_ALLOWED_SAMPLE_RATE'], 'from 0 to 1'],
    [{ COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '1e-7' }, ['COGAUTH_LOG_ALLOWED_SAMPLE_RATE'], 'from 0 to 1'],
    [{ COGAUTH_TRACING: 'xray' }, ['COGAUTH_TRACING'], 'must be off or otel'],
  ];
  it.each(bad)('refuses %j at cold start, naming the variable', (env, path, detail) => {
    const err = refusal(env);
    expect(err.path).toEqual(path);
    expect(err.detail).toContain(detail);
  });

  it('a namespace is accepted exactly when CloudWatch would accept it (property)', () => {
    const reference = (s: string) =>
      s.length >= 1 &&
      s.length <= 255 &&
      /^[0-9A-Za-z.\-_/#:]*$/.test(s) &&
      !s.startsWith(':') &&
      !s.startsWith('AWS/');
    const chars = fc.constantFrom(...'aZ09.-_/#: $*AWS'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: chars, maxLength: 260 }),
          fc.string({ maxLength: 20 }),
          fc.constant('x'.repeat(256)),
        ),
        (ns) => {
          const env = { ...base, COGAUTH_METRICS: 'emf', COGAUTH_METRICS_NAMESPACE: ns };
          // Blank is unset (the default namespace), as for every variable.
          if (ns.trim() === '') return;
          let accepted = true;
          try {
            readEnvironment(env);
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
            expect((err as ConfigError).field).toBe('COGAUTH_METRICS_NAMESPACE');
            accepted = false;
          }
          expect(accepted).toBe(reference(ns.trim()));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a sample rate written from any number from 0 to 1 reads back as that number; any other is refused (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(-0), fc.double({ min: 0, max: 1, noNaN: true }), fc.double()),
        (rate) => {
          const env = writeEnvironment({
            verifier: { userPoolId: POOL_ID, clientId: null, tokenUse: null },
            rules: SAMPLE_RULES,
            logAllowedSampleRate: rate,
          });
          if (rate >= 0 && rate <= 1) {
            // -0 is a rate of 0 (the option accepts it) and is written as 0.
            expect(readEnvironment(env).logAllowedSampleRate).toBe(rate === 0 ? 0 : rate);
          } else {
            expect(() => readEnvironment(env)).toThrow(/COGAUTH_LOG_ALLOWED_SAMPLE_RATE/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('log level and sampling of allowed decisions', () => {
  const entry = (decision: DecisionLog['decision']): DecisionLog => ({
    msg: 'cogauth authorizer decision',
    decision,
    reason: decision === 'Allow' ? 'ALLOWED' : 'TOKEN_MISSING',
    latencyMs: 0.1,
  });

  it('logs the share of allowed decisions the rate says, every refusal, and none allowed at level refusals', () => {
    const seen: DecisionLog[] = [];
    let i = 0;
    const steps = () => (i++ % 10) / 10; // 0, 0.1, … 0.9: exactly a tenth below each step of 0.1
    const log = sampledLog((e) => seen.push(e), 'all', 0.3, steps);
    for (let n = 0; n < 100; n++) log(entry('Allow'));
    for (let n = 0; n < 7; n++) log(entry('Unauthorized'));
    log(entry('Deny'));
    expect(seen.filter((e) => e.decision === 'Allow')).toHaveLength(30);
    expect(seen.filter((e) => e.decision !== 'Allow')).toHaveLength(8);
    const quiet: DecisionLog[] = [];
    const refusalsOnly = sampledLog((e) => quiet.push(e), 'refusals', 1);
    refusalsOnly(entry('Allow'));
    refusalsOnly(entry('Deny'));
    expect(quiet.map((e) => e.decision)).toEqual(['Deny']);
    const keep = () => {};
    expect(sampledLog(keep, 'all', 1)).toBe(keep);
  });

  it('the bundle settings: COGAUTH_LOG_ALLOWED_SAMPLE_RATE=0 logs refusals only, metrics still count every decision', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => lines.push(String(line)));
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => writes.push(String(chunk)) > 0);
    const handler = handlerFromEnv({
      ...base,
      COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '0',
      COGAUTH_METRICS: 'emf',
      COGAUTH_METRICS_FLUSH_SECONDS: '0',
    });
    await handler(tokenEvent(`Bearer ${accessToken()}`));
    await expect(handler(tokenEvent('Bearer x'))).rejects.toThrow('Unauthorized');
    expect(lines.map((l) => JSON.parse(l).decision)).toEqual(['Unauthorized']);
    const outcomes = writes
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).Outcome);
    expect(outcomes).toEqual(['Allow', 'Unauthorized']);
  });
});
