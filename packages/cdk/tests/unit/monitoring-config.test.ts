import { ConfigError } from '@cogauth/core';
import { writeEnvironment } from '@cogauth/core/lambda';
import { Duration } from 'aws-cdk-lib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWithCore } from '../../src/core-check.js';
import { environmentWith } from '../../src/environment.js';
import { DEFAULT_METRICS_NAMESPACE } from '../../src/monitoring-settings.js';
import type { CogauthAuthorizerProps } from '../../src/props.js';
import { settingsOf } from '../../src/settings.js';
import { authorizerStack, configError } from './support.js';

/** The props checked as the synth checks them (settingsOf, then core's readEnvironment), without a synth. */
function checked(props: Partial<CogauthAuthorizerProps>): Record<string, string> {
  const s = settingsOf({
    userPoolId: 'us-east-1_AbC123',
    clientIds: ['client1'],
    rules: [{ route: 'GET /x' }],
    ...props,
  } as CogauthAuthorizerProps);
  checkWithCore(s);
  return environmentWith(s, (t) => t.value);
}

/** What the synth says about `props`: the field of its ConfigError. */
const fieldOf = (props: Record<string, unknown>) => configError(() => authorizerStack(props)).field;

describe('bad monitoring and log props fail the synth, naming the prop', () => {
  it.each([
    ['a namespace AWS reserves', { monitoring: { namespace: 'AWS/Lambda' } }, 'monitoring.namespace'],
    ['a namespace starting with :', { monitoring: { namespace: ':x' } }, 'monitoring.namespace'],
    ['an empty namespace', { monitoring: { namespace: '' } }, 'monitoring.namespace'],
    ['a namespace with a space', { monitoring: { namespace: 'my app' } }, 'monitoring.namespace'],
    ['a 256-character namespace', { monitoring: { namespace: 'n'.repeat(256) } }, 'monitoring.namespace'],
    ['a route dimension "yes"', { monitoring: { routeDimension: 'yes' } }, 'monitoring.routeDimension'],
    ['an unknown monitoring option', { monitoring: { topic: 'x' } }, 'monitoring.topic'],
    [
      'a topic ARN string',
      { monitoring: { alarmTopic: 'arn:aws:sns:us-east-1:1:t' } },
      'monitoring.alarmTopic',
    ],
    ['a prefix with a space', { monitoring: { namePrefix: 'my app' } }, 'monitoring.namePrefix'],
    ['an unknown alarm', { monitoring: { alarms: { latency: {} } } }, 'monitoring.alarms.latency'],
    [
      'an unknown alarm option',
      { monitoring: { alarms: { errors: { minimumDecisions: 3 } } } },
      'monitoring.alarms.errors.minimumDecisions',
    ],
    [
      'a percentage over 100',
      { monitoring: { alarms: { duration: { threshold: 120 } } } },
      'monitoring.alarms.duration.threshold',
    ],
    [
      'a share of 0',
      { monitoring: { alarms: { refusals: { threshold: 0 } } } },
      'monitoring.alarms.refusals.threshold',
    ],
    [
      'a count of 0',
      { monitoring: { alarms: { throttles: { threshold: 0 } } } },
      'monitoring.alarms.throttles.threshold',
    ],
    [
      'a 90-second period',
      { monitoring: { alarms: { errors: { period: Duration.seconds(90) } } } },
      'monitoring.alarms.errors.period',
    ],
    [
      'a 30-second (high-resolution) period',
      { monitoring: { alarms: { errors: { period: Duration.seconds(30) } } } },
      'monitoring.alarms.errors.period',
    ],
    [
      'more than a day of one-minute periods',
      { monitoring: { alarms: { jwksFailures: { evaluationPeriods: 1441 } } } },
      'monitoring.alarms.jwksFailures.evaluationPeriods',
    ],
    [
      '25 hour-long periods (CloudWatch allows a week)',
      { monitoring: { alarms: { jwksFailures: { period: Duration.hours(2), evaluationPeriods: 85 } } } },
      'monitoring.alarms.jwksFailures.evaluationPeriods',
    ],
    [
      'more datapoints than periods',
      { monitoring: { alarms: { refusals: { evaluationPeriods: 2, datapointsToAlarm: 3 } } } },
      'monitoring.alarms.refusals.datapointsToAlarm',
    ],
    [
      'a fractional minimum',
      { monitoring: { alarms: { refusals: { minimumDecisions: 2.5 } } } },
      'monitoring.alarms.refusals.minimumDecisions',
    ],
    ['an unknown log level', { logLevel: 'debug' }, 'logLevel'],
    ['a sample rate over 1', { logAllowedSampleRate: 1.5 }, 'logAllowedSampleRate'],
    ['a negative sample rate', { logAllowedSampleRate: -0.1 }, 'logAllowedSampleRate'],
    ['a sample rate as text', { logAllowedSampleRate: '0.5' }, 'logAllowedSampleRate'],
  ])('%s', (_label, props, field) => {
    expect(fieldOf(props)).toBe(field);
  });

  it('accepts the limits: a week of hourly periods, 100 %, a rate of 0 and 1', () => {
    expect(() =>
      authorizerStack({
        monitoring: {
          alarms: {
            jwksFailures: { period: Duration.hours(1), evaluationPeriods: 168 },
            refusals: { threshold: 100, minimumDecisions: 1 },
          },
        },
        logAllowedSampleRate: 0,
      }),
    ).not.toThrow();
    expect(() => authorizerStack({ logAllowedSampleRate: 1, logLevel: 'all' })).not.toThrow();
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
  it("the default namespace is the one core's environment module writes", () => {
    const env = writeEnvironment({
      verifier: { userPoolId: 'us-east-1_A', clientId: null, tokenUse: null },
      rules: [{ route: 'GET /x' }],
      metrics: {},
    });
    expect(env.COGAUTH_METRICS_NAMESPACE).toBe(DEFAULT_METRICS_NAMESPACE);
  });

  const namespaceLike = fc.oneof(
    fc.string({ unit: fc.constantFrom(...ALLOWED, ' ', '"', "'", 'é', '\n', '$'), maxLength: 260 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('AWS/', 'AWS/x', 'aws/x', ':', 'x'.repeat(255), 'x'.repeat(256)),
  );

  it('a namespace is taken exactly when CloudWatch would take it, else refused naming the prop', () => {
    fc.assert(
      fc.property(namespaceLike, (namespace) => {
        let taken: string | undefined;
        try {
          taken = checked({ monitoring: { namespace } }).COGAUTH_METRICS_NAMESPACE;
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).field).toBe('monitoring.namespace');
        }
        expect(taken === namespace).toBe(isNamespace(namespace));
      }),
      { numRuns: 400 },
    );
  });

  it('a sample rate from 0 to 1 is written as a plain decimal that reads back the same; others are refused', () => {
    const rate = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1e-6, noNaN: true }),
      fc.double(),
      fc.constantFrom(-0, 1e-7, 5e-324, 1 + Number.EPSILON, Number.NaN, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(rate, (value) => {
        const valid = value >= 0 && value <= 1;
        let env: Record<string, string> | undefined;
        try {
          env = checked({ logAllowedSampleRate: value });
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).field).toBe('logAllowedSampleRate');
        }
        expect(env !== undefined).toBe(valid);
        if (env === undefined) return;
        const text = env.COGAUTH_LOG_ALLOWED_SAMPLE_RATE as string;
        expect(text).toMatch(/^(0|1)(\.\d+)?$/);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
      { numRuns: 400 },
    );
  });
});
