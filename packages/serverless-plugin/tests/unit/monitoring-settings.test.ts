import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cogauth/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config.js';
import { environmentOf } from '../../src/environment.js';
import { ALARM_DEFAULTS } from '../../src/monitoring-settings.js';
import { validateWithCore } from '../../src/validate.js';
import { configError } from '../helpers/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'cogauth-plugin-monitoring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'rules.json'), JSON.stringify([{ route: 'GET /a' }]));
const good = { userPoolId: 'us-east-1_AbC123', clientIds: 'client-1', rulesFile: 'rules.json' };

/** Reads and validates `custom.cogauth` like the plugin at package time; returns the function's environment. */
function packagedEnv(extra: Record<string, unknown>) {
  const settings = readSettings({ ...good, ...extra }, dir);
  validateWithCore(settings, undefined, true, [
    { name: 'rules.json', data: Buffer.from('[{"route":"GET /a"}]') },
  ]);
  return { settings, env: environmentOf(settings, undefined, true) };
}

/** Where a ConfigError points, as text (`custom.cogauth.monitoring.namespace`), whether its path has one segment or several. */
const placeOf = (err: ConfigError) => err.message.slice(0, err.message.length - err.detail.length - 2);
const fieldOf = (extra: Record<string, unknown>) => placeOf(configError(() => packagedEnv(extra)));

describe('custom.cogauth.monitoring', () => {
  it.each([undefined, null, '', false, 'false'])('%j: no monitoring, no metrics variable', (monitoring) => {
    const { settings, env } = packagedEnv(monitoring === undefined ? {} : { monitoring });
    expect(settings.monitoring).toBeUndefined();
    expect(Object.keys(env).filter((k) => k.startsWith('COGAUTH_METRICS'))).toEqual([]);
  });

  it.each([true, 'true', {}])(
    '%j: every alarm with its defaults, a dashboard, namespace Cogauth',
    (monitoring) => {
      const { settings, env } = packagedEnv({ monitoring });
      expect(settings.monitoring).toEqual({
        namespace: 'Cogauth',
        routeDimension: false,
        alarmTopic: undefined,
        namePrefix: undefined,
        dashboard: true,
        alarms: Object.fromEntries(
          Object.entries(ALARM_DEFAULTS).map(([name, { unit: _unit, ...a }]) => [name, a]),
        ),
      });
      expect(env).toMatchObject({ COGAUTH_METRICS: 'emf', COGAUTH_METRICS_NAMESPACE: 'Cogauth' });
      expect(env.COGAUTH_METRICS_ROUTE_DIMENSION).toBeUndefined();
    },
  );

  it('takes numbers and flags written as text (what param and env variables give)', () => {
    const { settings, env } = packagedEnv({
      monitoring: {
        routeDimension: 'true',
        dashboard: 'false',
        alarms: {
          refusals: { threshold: '75.5', minimumDecisions: '100', periodSeconds: '600' },
          errors: 'false',
        },
      },
      logAllowedSampleRate: '0.25',
      logLevel: 'refusals',
    });
    expect(settings.monitoring?.alarms.refusals).toMatchObject({
      threshold: 75.5,
      minimumDecisions: 100,
      periodSeconds: 600,
    });
    expect(settings.monitoring?.alarms.errors).toBeUndefined();
    expect(settings.monitoring?.dashboard).toBe(false);
    expect(env).toMatchObject({
      COGAUTH_METRICS_ROUTE_DIMENSION: 'true',
      COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '0.25',
      COGAUTH_LOG_LEVEL: 'refusals',
    });
  });

  it('takes a topic ARN or a CloudFormation reference', () => {
    const arn = 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts.fifo';
    expect(packagedEnv({ monitoring: { alarmTopic: arn } }).settings.monitoring?.alarmTopic).toBe(arn);
    const ref = { Ref: 'AlarmTopic' };
    expect(packagedEnv({ monitoring: { alarmTopic: ref } }).settings.monitoring?.alarmTopic).toEqual(ref);
  });
});

describe('bad monitoring and log settings stop the command, naming the setting', () => {
  const M = 'custom.cogauth.monitoring';
  it.each([
    ['monitoring as a number', { monitoring: 3 }, M],
    ['monitoring as a list', { monitoring: [] }, M],
    ['an unknown monitoring setting', { monitoring: { topic: 'x' } }, `${M}.topic`],
    ['a namespace AWS reserves', { monitoring: { namespace: 'AWS/Lambda' } }, `${M}.namespace`],
    ['a namespace with a space', { monitoring: { namespace: 'my app' } }, `${M}.namespace`],
    ['a route dimension "yes"', { monitoring: { routeDimension: 'yes' } }, `${M}.routeDimension`],
    ['a topic name, not an ARN', { monitoring: { alarmTopic: 'alerts' } }, `${M}.alarmTopic`],
    [
      'a queue ARN',
      { monitoring: { alarmTopic: 'arn:aws:sqs:us-east-1:123456789012:q' } },
      `${M}.alarmTopic`,
    ],
    ['a prefix with a space', { monitoring: { namePrefix: 'my app' } }, `${M}.namePrefix`],
    ['a dashboard "maybe"', { monitoring: { dashboard: 'maybe' } }, `${M}.dashboard`],
    ['an unknown alarm', { monitoring: { alarms: { latency: {} } } }, `${M}.alarms.latency`],
    ['alarm settings as text', { monitoring: { alarms: { errors: 'on' } } }, `${M}.alarms.errors`],
    [
      'a minimum on a count alarm',
      { monitoring: { alarms: { errors: { minimumDecisions: 3 } } } },
      `${M}.alarms.errors.minimumDecisions`,
    ],
    [
      'a duration share over 100',
      { monitoring: { alarms: { duration: { threshold: 120 } } } },
      `${M}.alarms.duration.threshold`,
    ],
    [
      'a count of 0',
      { monitoring: { alarms: { throttles: { threshold: 0 } } } },
      `${M}.alarms.throttles.threshold`,
    ],
    [
      'a threshold "high"',
      { monitoring: { alarms: { throttles: { threshold: 'high' } } } },
      `${M}.alarms.throttles.threshold`,
    ],
    [
      'a 90 s period',
      { monitoring: { alarms: { errors: { periodSeconds: 90 } } } },
      `${M}.alarms.errors.periodSeconds`,
    ],
    [
      'a 10 s period',
      { monitoring: { alarms: { errors: { periodSeconds: 10 } } } },
      `${M}.alarms.errors.periodSeconds`,
    ],
    [
      'more than a day of minutes',
      { monitoring: { alarms: { jwksFailures: { evaluationPeriods: 1441 } } } },
      `${M}.alarms.jwksFailures.evaluationPeriods`,
    ],
    [
      'more datapoints than periods',
      { monitoring: { alarms: { refusals: { evaluationPeriods: 2, datapointsToAlarm: 3 } } } },
      `${M}.alarms.refusals.datapointsToAlarm`,
    ],
    ['an unknown log level', { logLevel: 'debug' }, 'custom.cogauth.logLevel'],
    ['a sample rate over 1', { logAllowedSampleRate: 1.5 }, 'custom.cogauth.logAllowedSampleRate'],
    ['a sample rate "half"', { logAllowedSampleRate: 'half' }, 'custom.cogauth.logAllowedSampleRate'],
    ['a negative sample rate', { logAllowedSampleRate: -0.5 }, 'custom.cogauth.logAllowedSampleRate'],
  ])('%s', (_label, extra, field) => {
    expect(fieldOf(extra)).toBe(field);
  });
});

// CloudWatch's namespace grammar, restated as the spec words it: every character from the allowed set.
const ALLOWED = new Set('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_/#:');
const isNamespace = (s: string) =>
  s.length >= 1 &&
  s.length <= 255 &&
  [...s].every((c) => ALLOWED.has(c)) &&
  !s.startsWith(':') &&
  !s.startsWith('AWS/');

describe('properties', () => {
  it('a namespace is taken exactly when CloudWatch would take it, else refused naming the setting', () => {
    const namespaceLike = fc.oneof(
      fc.string({
        unit: fc.constantFrom(...ALLOWED, ' ', '"', '$', '{', 'é', '\n'),
        minLength: 1,
        maxLength: 260,
      }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
      fc.constantFrom('AWS/', 'AWS/x', 'aws/x', ':', 'x'.repeat(255), 'x'.repeat(256)),
    );
    fc.assert(
      fc.property(namespaceLike, (namespace) => {
        let env: Record<string, unknown> | undefined;
        try {
          env = packagedEnv({ monitoring: { namespace } }).env;
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect(placeOf(err as ConfigError)).toBe('custom.cogauth.monitoring.namespace');
        }
        expect(env?.COGAUTH_METRICS_NAMESPACE === namespace).toBe(isNamespace(namespace));
      }),
      { numRuns: 300 },
    );
  });

  it('a sample rate (number or text) from 0 to 1 is written as a decimal that reads back; others are refused', () => {
    const rate = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1e-6, noNaN: true }),
      fc.double(),
      fc.double({ min: 0, max: 1, noNaN: true }).map(String),
      fc.constantFrom('1.0', '0.', '.5', '1e-3', '-0', ' 0.5', '0x1', 1 + Number.EPSILON, Number.NaN),
    );
    fc.assert(
      fc.property(rate, (value) => {
        const number =
          typeof value === 'string' && /^\d{1,9}(?:\.\d{1,17})?$/.test(value) ? Number(value) : value;
        const valid = typeof number === 'number' && number >= 0 && number <= 1;
        let env: Record<string, unknown> | undefined;
        try {
          env = packagedEnv({ logAllowedSampleRate: value }).env;
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect(placeOf(err as ConfigError)).toBe('custom.cogauth.logAllowedSampleRate');
        }
        expect(env !== undefined).toBe(valid);
        if (env === undefined) return;
        const text = env.COGAUTH_LOG_ALLOWED_SAMPLE_RATE as string;
        expect(text).toMatch(/^[01](\.\d+)?$/);
        expect(Number(text)).toBe(Object.is(number, -0) ? 0 : number);
      }),
      { numRuns: 300 },
    );
  });
});
