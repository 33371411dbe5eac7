import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startJwksServer } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AuthorizerHandler,
  ConfigError,
  createAuthorizer,
  createCognitoVerifier,
  type MetricDatum,
  type MetricsOptions,
  VERIFY_ERROR_CODES,
} from '../../src/index.js';
import { writeEnvironment } from '../../src/lambda.js';
import { DecisionMetrics } from '../../src/observability/decision-metrics.js';
import { readMetricsOptions } from '../../src/observability/metrics-options.js';
import type { DecisionLog } from '../../src/pipeline/decision-log.js';
import { emfDocuments, emfProblems } from '../helpers/emf.js';
import {
  accessToken,
  CLIENT_ID,
  jwksOf,
  key,
  localVerifier,
  POOL_ID,
  requestEvent,
  SAMPLE_RULES,
  tokenEvent,
} from '../helpers/fixtures.js';
import { OWN_REASONS } from '../helpers/reasons.js';

let stdout: string[] = [];
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Every EMF line written so far, each checked against the specification's rules. */
function emitted(): Record<string, unknown>[] {
  const lines = stdout
    .join('')
    .split('\n')
    .filter((l) => l !== '');
  for (const line of lines) expect(emfProblems(line), line).toEqual([]);
  return emfDocuments(lines.join('\n'));
}

/** The sum of `metric` over documents whose dimension `name` has `value`. */
function total(docs: Record<string, unknown>[], metric: string, where: Record<string, string> = {}): number {
  return docs
    .filter((d) => metric in d && Object.entries(where).every(([k, v]) => d[k] === v))
    .reduce((sum, d) => sum + (d[metric] as number), 0);
}

function authorizer(metrics: MetricsOptions = { flushSeconds: 0 }): AuthorizerHandler {
  return createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES, metrics });
}

const refused = (p: Promise<unknown>) => expect(p).rejects.toThrow(/^Unauthorized$/);

describe('metrics as CloudWatch EMF on stdout', () => {
  it('counts every decision by outcome and by reason, in documents that follow the EMF specification', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'orders-authorizer');
    const handler = authorizer();
    await handler(tokenEvent(`Bearer ${accessToken()}`));
    await handler(tokenEvent(`Bearer ${accessToken()}`, 'DELETE/messages/1'));
    await refused(handler(tokenEvent('Bearer not-a-jwt')));
    await refused(handler(tokenEvent('')));
    const docs = emitted();
    expect(docs).toHaveLength(4);
    for (const doc of docs) {
      expect(doc.Authorizer).toBe('orders-authorizer');
      const directives = (doc._aws as { CloudWatchMetrics: Record<string, unknown>[] }).CloudWatchMetrics;
      const decisions = directives.find((d) => JSON.stringify(d.Metrics).includes('"Decisions"'));
      // Exactly the dimension sets the deploy packages' alarms select.
      expect(decisions?.Dimensions).toEqual([
        ['Authorizer', 'Outcome'],
        ['Authorizer', 'Reason'],
      ]);
      expect(decisions?.Namespace).toBe('Cogauth');
    }
    expect(total(docs, 'Decisions', { Outcome: 'Allow', Reason: 'ALLOWED' })).toBe(1);
    expect(total(docs, 'Decisions', { Outcome: 'Deny', Reason: 'ROUTE_NOT_PERMITTED' })).toBe(1);
    expect(total(docs, 'Decisions', { Outcome: 'Unauthorized', Reason: 'TOKEN_MALFORMED' })).toBe(1);
    expect(total(docs, 'Decisions', { Outcome: 'Unauthorized', Reason: 'TOKEN_MISSING' })).toBe(1);
    expect(docs.every((d) => typeof d.DecisionLatency === 'number')).toBe(true);
  });

  it('holds decisions under load and writes them together, at most once per flushSeconds', async () => {
    vi.useFakeTimers({ now: 60_000 * 29_000_000 + 1_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const handler = authorizer({ flushSeconds: 30, namespace: 'Shop/Auth' });
      for (let i = 0; i < 31; i++) await handler(tokenEvent(`Bearer ${accessToken()}`));
      // The first decision after a quiet spell is written at once; the 30 after it wait for the flush.
      expect(total(emitted(), 'Decisions')).toBe(1);
      stdout = [];
      vi.advanceTimersByTime(29_000);
      expect(stdout).toEqual([]);
      vi.advanceTimersByTime(1_000);
    } finally {
      vi.useRealTimers();
    }
    const docs = emitted();
    expect(total(docs, 'Decisions', { Outcome: 'Allow', Reason: 'ALLOWED' })).toBe(30);
    expect(docs.every((d) => JSON.stringify(d._aws).includes('"Shop/Auth"'))).toBe(true);
    // One outcome and reason: 30 decisions, one log line of metrics.
    expect(docs).toHaveLength(1);
    expect(docs[0]?.DecisionLatency).toHaveLength(30);
  });

  it('counts result-cache hits and the JWKS downloads, failures and latency of a JWKS served on 127.0.0.1', async () => {
    const server = await startJwksServer({ jwks: jwksOf(key()), poolId: POOL_ID });
    try {
      const verifier = createCognitoVerifier(
        { userPoolId: POOL_ID, issuer: server.issuer, tokenUse: 'access', clientId: CLIENT_ID },
        { jwksPenaltyMs: 0 },
      );
      const handler = createAuthorizer({ verifier, rules: SAMPLE_RULES, metrics: { flushSeconds: 0 } });
      const token = accessToken(key(), { issuer: server.issuer });
      await handler(tokenEvent(`Bearer ${token}`));
      await handler(tokenEvent(`Bearer ${token}`));
      server.setResponder((_req, res) => {
        res.statusCode = 500;
        res.end();
      });
      verifier.dropJwks();
      await refused(handler(tokenEvent(`Bearer ${accessToken(key(), { issuer: server.issuer, sub: 'x' })}`)));
      const docs = emitted();
      expect(total(docs, 'JwksFetches')).toBe(2);
      expect(total(docs, 'JwksFetchFailures')).toBe(1);
      expect(docs.some((d) => typeof d.JwksFetchLatency === 'number')).toBe(true);
      expect(total(docs, 'ResultCacheHits')).toBe(1);
      expect(total(docs, 'Decisions', { Reason: 'JWKS_UNAVAILABLE', Outcome: 'Unauthorized' })).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('stamps each document in the minute of its decisions: a batch is written when the minute turns', () => {
    const written: string[][] = [];
    const config = readMetricsOptions({ flushSeconds: 60 });
    if (config === undefined) throw new Error('metrics are on');
    const metrics = new DecisionMetrics(config, [], (lines) => written.push([...lines]));
    const entry: DecisionLog = {
      msg: 'cogauth authorizer decision',
      decision: 'Allow',
      reason: 'ALLOWED',
      latencyMs: 1,
    };
    const minute = 60_000 * 29_000_000;
    metrics.decision(entry, undefined, minute + 1_000); // quiet: written at once
    metrics.decision(entry, undefined, minute + 2_000); // held
    metrics.decision(entry, undefined, minute + 59_000); // held
    expect(written).toHaveLength(1);
    metrics.decision(entry, undefined, minute + 61_000); // a new minute: the held two go first
    expect(written).toHaveLength(2);
    const held = JSON.parse(written[1]?.[0] as string) as { _aws: { Timestamp: number }; Decisions: number };
    expect(held.Decisions).toBe(2);
    expect(Math.floor(held._aws.Timestamp / 60_000)).toBe(Math.floor((minute + 2_000) / 60_000));
    metrics.flush(minute + 62_000);
    expect(JSON.parse(written[2]?.[0] as string).Decisions).toBe(1);
    metrics.flush(minute + 63_000); // nothing held: nothing written
    expect(written).toHaveLength(3);
  });

  it('keeps at most 100 latency values per document, a sample of all of them', () => {
    const written: string[] = [];
    const config = readMetricsOptions({ flushSeconds: 60 });
    if (config === undefined) throw new Error('metrics are on');
    const metrics = new DecisionMetrics(config, [], (lines) => written.push(...lines));
    const now = 60_000 * 29_000_000;
    metrics.flush(now);
    for (let i = 0; i < 1000; i++)
      metrics.decision(
        { msg: 'cogauth authorizer decision', decision: 'Allow', reason: 'ALLOWED', latencyMs: i },
        undefined,
        now + 1,
      );
    metrics.flush(now + 2);
    expect(written).toHaveLength(1);
    expect(emfProblems(written[0] as string)).toEqual([]);
    const doc = JSON.parse(written[0] as string) as { Decisions: number; DecisionLatency: number[] };
    expect(doc.Decisions).toBe(1000);
    expect(doc.DecisionLatency).toHaveLength(100);
    expect(new Set(doc.DecisionLatency).size).toBe(100);
  });

  it('hands the same metrics to a sink instead of stdout, counts summed per dimension', async () => {
    const data: MetricDatum[] = [];
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: SAMPLE_RULES,
      metrics: { flushSeconds: 60, authorizer: 'my-auth', sink: (d) => data.push(d) },
    });
    vi.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      await handler(tokenEvent(`Bearer ${accessToken()}`));
      await handler(tokenEvent(`Bearer ${accessToken()}`));
      await refused(handler(tokenEvent('Bearer x')));
      vi.advanceTimersByTime(61_000);
    } finally {
      vi.useRealTimers();
    }
    expect(stdout.join('')).toBe('');
    const sum = (where: Record<string, string>) =>
      data
        .filter((d) => d.name === 'Decisions' && JSON.stringify(d.dimensions) === JSON.stringify(where))
        .reduce((s, d) => s + (d.values[0] as number), 0);
    expect(sum({ Authorizer: 'my-auth', Outcome: 'Allow' })).toBe(2);
    expect(sum({ Authorizer: 'my-auth', Reason: 'ALLOWED' })).toBe(2);
    expect(sum({ Authorizer: 'my-auth', Outcome: 'Unauthorized' })).toBe(1);
    expect(data.find((d) => d.name === 'DecisionLatency')?.unit).toBe('Milliseconds');
  });

  it('a throwing sink changes no decision', async () => {
    const handler = authorizer({
      flushSeconds: 0,
      sink: () => {
        throw new Error('sink down');
      },
    });
    const result = await handler(tokenEvent(`Bearer ${accessToken()}`));
    expect(result.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('counts an answer refused for its size (401 ANSWER_TOO_LARGE) like any other reason, on its route', async () => {
    const pad = { length: 0 };
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: SAMPLE_RULES,
      metrics: { flushSeconds: 0, routeDimension: true },
      context: () => ({ pad: 'x'.repeat(pad.length) }),
    });
    await handler(tokenEvent(`Bearer ${accessToken()}`));
    pad.length = 8192;
    await refused(handler(tokenEvent(`Bearer ${accessToken()}`)));
    const docs = emitted();
    const where = { Outcome: 'Unauthorized', Reason: 'ANSWER_TOO_LARGE' };
    expect(total(docs, 'Decisions', where)).toBe(1);
    expect(total(docs, 'Decisions', { Outcome: 'Unauthorized', Route: 'GET /messages' })).toBe(1);
    expect(total(docs, 'Decisions', { Outcome: 'Allow', Reason: 'ALLOWED' })).toBe(1);
  });
});

describe('dimensions hold no caller data', () => {
  const REASONS = new Set<string>([...VERIFY_ERROR_CODES, ...Object.keys(OWN_REASONS)]);
  const ROUTES = new Set([...SAMPLE_RULES.map((r) => r.route), '(none)']);
  const segment = fc.stringMatching(/^[A-Za-z0-9._~{}*%-]{1,12}$/);

  it('Route is only ever a rule route or (none), Reason a fixed code, whatever the path, sub or jti (property)', async () => {
    const handler = authorizer({ flushSeconds: 0, routeDimension: true });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        fc.array(fc.oneof(segment, fc.constantFrom('messages', 'me')), { maxLength: 4 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.boolean(),
        async (method, segments, sub, valid) => {
          stdout = [];
          const route = `${method}/${segments.join('/')}`;
          const token = valid ? accessToken(key(), { sub, overrides: { jti: sub } }) : `${sub}.x.y`;
          await handler(requestEvent({ Authorization: `Bearer ${token}` }, route)).catch(() => undefined);
          for (const doc of emitted()) {
            expect(ROUTES.has(doc.Route as string), String(doc.Route)).toBe(true);
            expect(REASONS.has(doc.Reason as string), String(doc.Reason)).toBe(true);
            expect(['Allow', 'Deny', 'Unauthorized']).toContain(doc.Outcome);
            const values = Object.entries(doc).filter(([k]) => k !== '_aws');
            for (const [, v] of values)
              if (typeof v === 'string') expect(v).not.toContain(sub.length > 3 ? sub : '\u0000');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('Route names the route API Gateway selects: the most specific rule', async () => {
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: [
        { route: 'GET /x/{id}' },
        { route: 'GET /x/me' },
        { route: 'ANY /x/{proxy+}', groups: ['admin'] },
      ],
      metrics: { flushSeconds: 0, routeDimension: true },
    });
    const token = `Bearer ${accessToken()}`;
    await handler(tokenEvent(token, 'GET/x/me'));
    await handler(tokenEvent(token, 'GET/x/1'));
    await handler(tokenEvent(token, 'GET/x/1/2'));
    await handler(tokenEvent(token, 'GET/elsewhere'));
    const routes = emitted().map((d) => [d.Route, d.Outcome]);
    expect(routes).toEqual([
      ['GET /x/me', 'Allow'],
      ['GET /x/{id}', 'Allow'],
      ['ANY /x/{proxy+}', 'Deny'],
      ['(none)', 'Deny'],
    ]);
  });
});

describe('metrics options', () => {
  const bad: [unknown, string][] = [
    [{ namespace: 'AWS/Lambda' }, 'metrics.namespace: must not start with AWS/'],
    [{ namespace: ':x' }, 'metrics.namespace: must be a CloudWatch namespace'],
    [{ namespace: 'has space' }, 'metrics.namespace: must be a CloudWatch namespace'],
    [{ namespace: 'x'.repeat(256) }, 'metrics.namespace: must be a CloudWatch namespace'],
    [{ flushSeconds: 61 }, 'metrics.flushSeconds: must be an integer from 0 to 60'],
    [{ flushSeconds: 1.5 }, 'metrics.flushSeconds'],
    [{ routeDimension: 'yes' }, 'metrics.routeDimension: must be true or false'],
    [{ authorizer: ' padded' }, 'metrics.authorizer'],
    [{ sink: 'stdout' }, 'metrics.sink: must be a function'],
    [{ sink: () => {}, namespace: 'X' }, 'metrics.namespace: is for EMF on stdout'],
    [{ dimensions: ['sub'] }, 'metrics.dimensions: is not a metrics option'],
    ['emf', 'metrics: must be an object'],
  ];
  it.each(bad)('refuses %j at creation, naming the option', (metrics, message) => {
    expect(() =>
      createAuthorizer({
        verifier: localVerifier(),
        rules: SAMPLE_RULES,
        metrics: metrics as MetricsOptions,
      }),
    ).toThrow(ConfigError);
    expect(() =>
      createAuthorizer({
        verifier: localVerifier(),
        rules: SAMPLE_RULES,
        metrics: metrics as MetricsOptions,
      }),
    ).toThrow(message);
  });

  it('no metrics option: nothing is written to stdout', async () => {
    const handler = createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES });
    await handler(tokenEvent(`Bearer ${accessToken()}`));
    expect(stdout.join('')).toBe('');
  });
});

describe('the deployable bundle with COGAUTH_METRICS=emf', () => {
  it('writes valid EMF on stdout, with the function name as Authorizer, apart from its decision log lines', () => {
    const bundle = join(import.meta.dirname, '../../dist/lambda/index.mjs');
    const env = writeEnvironment({
      verifier: { userPoolId: POOL_ID, clientId: [CLIENT_ID], tokenUse: 'access', jwks: jwksOf(key()) },
      rules: SAMPLE_RULES,
      metrics: { namespace: 'Shop/Auth' },
    });
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const arn = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/messages';
      await handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.TOKEN, methodArn: arn });
      await handler({ type: 'TOKEN', authorizationToken: 'Bearer nope', methodArn: arn }).catch(() => {});`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...env, TOKEN: accessToken(), AWS_LAMBDA_FUNCTION_NAME: 'shop-auth' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n').filter((l) => l.startsWith('{"_aws"'));
    // The first decision is written at once; the second waits for its flush, at exit of this process never.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(emfProblems(line)).toEqual([]);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      Authorizer: 'shop-auth',
      Outcome: 'Allow',
      Decisions: 1,
    });
    expect(result.stdout).toContain('"msg":"cogauth authorizer decision"');
  });
});
