import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthorizer, type MetricDatum } from '../../src/index.js';
import { emfDocuments, emfProblems } from '../helpers/emf.js';
import { accessToken, localVerifier, SAMPLE_RULES, tokenEvent } from '../helpers/fixtures.js';

// Both Powertools utilities write to process.stdout (and stderr) through a Console of their own (so that Lambda's
// console does not wrap their lines): what they print is read there.
let stdout: string[] = [];
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => stdout.push(String(chunk)) > 0);
  // Logger writes warnings to stderr.
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => stdout.push(String(chunk)) > 0);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const lines = () =>
  stdout
    .join('')
    .split('\n')
    .filter((l) => l !== '');

/** The README's sink: each metric as one Powertools Metrics document. */
function powertoolsSink(namespace: string, serviceName: string) {
  return ({ name, unit, values, dimensions, timestamp }: MetricDatum) => {
    const one = new Metrics({ namespace, serviceName });
    one.addDimensions(dimensions);
    one.setTimestamp(timestamp);
    for (const value of values) one.addMetric(name, unit, value);
    one.publishStoredMetrics();
  };
}

describe('a function that already uses Powertools for AWS Lambda', () => {
  it('sends decisions through Powertools Logger (the logger option), refusals with their reason, no token', async () => {
    const logger = new Logger({ serviceName: 'authorizer' });
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: SAMPLE_RULES,
      logger: (entry) =>
        entry.decision === 'Allow'
          ? logger.info(entry.msg, { ...entry })
          : logger.warn(entry.msg, { ...entry }),
    });
    const token = accessToken();
    await handler(tokenEvent(`Bearer ${token}`));
    await expect(handler(tokenEvent('Bearer not.a.jwt'))).rejects.toThrow('Unauthorized');
    const logged = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 'INFO',
      service: 'authorizer',
      message: 'cogauth authorizer decision',
      decision: 'Allow',
      reason: 'ALLOWED',
    });
    expect(logged[1]).toMatchObject({ level: 'WARN', decision: 'Unauthorized', reason: 'TOKEN_MALFORMED' });
    expect(stdout.join('')).not.toContain(token);
  });

  it('sends metrics through Powertools Metrics (a sink): valid EMF, the same counts and dimensions plus its service', async () => {
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: SAMPLE_RULES,
      metrics: { flushSeconds: 0, authorizer: 'orders-auth', sink: powertoolsSink('Shop', 'authorizer') },
    });
    await handler(tokenEvent(`Bearer ${accessToken()}`));
    await expect(handler(tokenEvent(''))).rejects.toThrow('Unauthorized');
    for (const line of lines()) expect(emfProblems(line), line).toEqual([]);
    const docs = emfDocuments(lines().join('\n'));
    const decisions = docs.filter((d) => 'Decisions' in d);
    expect(decisions.map((d) => [d.Outcome ?? d.Reason, d.Decisions])).toEqual(
      expect.arrayContaining([
        ['Allow', 1],
        ['ALLOWED', 1],
        ['Unauthorized', 1],
        ['TOKEN_MISSING', 1],
      ]),
    );
    for (const d of docs) {
      expect(d).toMatchObject({ Authorizer: 'orders-auth', service: 'authorizer' });
      expect(JSON.stringify(d._aws)).toContain('"Namespace":"Shop"');
    }
    expect(docs.some((d) => typeof d.DecisionLatency === 'number')).toBe(true);
  });
});
