import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, copyFixtureService, OSLS_BIN, type ServiceCopy } from '../helpers/fixture-service.js';

// `osls package` of the fixture service with `custom.cogauth.monitoring` added: the alarms and the dashboard
// as CloudFormation resources, read from the template osls writes.

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
type Template = { Resources: Record<string, Resource> };
type Query = { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: Record<string, unknown> };

const run = promisify(execFile);
const FN = 'CogauthAuthorizerLambdaFunction';
const services: ServiceCopy[] = [];
afterAll(() => {
  for (const s of services) s.remove();
});

/** The fixture with `monitoring` (YAML lines under custom.cogauth) and `extra` top-level YAML. */
function serviceWith(monitoring: string, extra = ''): ServiceCopy {
  const service = copyFixtureService('cogauth-plugin-monitoring-');
  services.push(service);
  const file = join(service.serviceDir, 'serverless.yml');
  const yml = readFileSync(file, 'utf8');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's last custom.cogauth line, a Serverless variable
  const anchor = '    rulesFile: ${param:rulesFile}\n';
  expect(yml).toContain(anchor);
  writeFileSync(file, `${yml.replace(anchor, `${anchor}${monitoring}`)}${extra}`);
  return service;
}

async function packaged(service: ServiceCopy): Promise<Template> {
  const out = join(service.root, 'out');
  await run(process.execPath, [OSLS_BIN, 'package', '--stage', 'test', '--package', out], {
    cwd: service.serviceDir,
    env: cleanEnv(service.root),
    timeout: 120_000,
  });
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
}

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** A metric query as `id: namespace metric dimension=value… stat period`, the function's Ref shown as `fn`. */
function describeQuery(q: Query): string {
  const s = q.MetricStat as
    | {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
        Period: number;
        Stat: string;
      }
    | undefined;
  if (s === undefined) return `${q.Id} = ${q.Expression}`;
  const dims = s.Metric.Dimensions.map(
    (d) => `${d.Name}=${JSON.stringify(d.Value) === JSON.stringify({ Ref: FN }) ? 'fn' : String(d.Value)}`,
  );
  return `${q.Id}: ${s.Metric.Namespace} ${s.Metric.MetricName} ${dims.join(' ')} ${s.Stat} ${s.Period}`;
}

// CloudFormation's own schema check of the templates, where cfn-lint is installed (pip; not in Debian).
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 60_000 });
if (cfnLint.status !== 0) {
  console.info(
    `cfn-lint checks skipped: cfn-lint is not on PATH (${cfnLint.error?.message ?? cfnLint.stderr.trim()}); ` +
      'install it with `pip install cfn-lint` to lint the alarms and the dashboard.',
  );
}

/** cfn-lint's errors (warnings pass: osls' templates carry W3005) for the template of `service`. */
function lintErrors(service: ServiceCopy): string {
  const lint = spawnSync(
    'cfn-lint',
    ['--non-zero-exit-code', 'error', join(service.root, 'out', 'cloudformation-template-update-stack.json')],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return lint.status === 0 ? '' : `${lint.stdout}${lint.stderr}`;
}

const WHEN = { ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' };

describe('osls package with monitoring: defaults, a topic by reference, log settings', () => {
  let t: Template;
  let service: ServiceCopy;
  beforeAll(async () => {
    service = serviceWith(
      '    logLevel: refusals\n    logAllowedSampleRate: 0.1\n    monitoring:\n      alarmTopic: { Ref: AlarmTopic }\n',
      'resources:\n  Resources:\n    AlarmTopic:\n      Type: AWS::SNS::Topic\n',
    );
    t = await packaged(service);
  }, 150_000);

  const alarm = (name: string) => t.Resources[`CogauthAuthorizer${name}Alarm`]?.Properties ?? {};

  it.skipIf(cfnLint.status !== 0)('passes cfn-lint with no errors', () => {
    expect(lintErrors(service)).toBe('');
  });

  it('turns EMF metrics on and passes the log settings to the authorizer', () => {
    const fn = t.Resources[FN] as Resource;
    expect(fn.Properties.FunctionName).toBe('cogauth-plugin-fixture-test-cogauthAuthorizer');
    expect((fn.Properties.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
      COGAUTH_METRICS: 'emf',
      COGAUTH_METRICS_NAMESPACE: 'Cogauth',
      COGAUTH_LOG_LEVEL: 'refusals',
      COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '0.1',
    });
  });

  it('adds five alarms, notifying the topic on ALARM and OK, named by CloudFormation', () => {
    expect(ofType(t, 'AWS::CloudWatch::Alarm').map(([id]) => id)).toEqual([
      'CogauthAuthorizerJwksFailuresAlarm',
      'CogauthAuthorizerErrorsAlarm',
      'CogauthAuthorizerThrottlesAlarm',
      'CogauthAuthorizerDurationAlarm',
      'CogauthAuthorizerRefusalsAlarm',
    ]);
    for (const [, a] of ofType(t, 'AWS::CloudWatch::Alarm')) {
      expect(a.Properties).toMatchObject({
        ...WHEN,
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
      });
      expect(a.Properties.AlarmName).toBeUndefined();
    }
  });

  it('JWKS failures: Sum ≥ 1 in 3 of 5 minutes, dimension Authorizer = the function (its Ref is its name)', () => {
    expect(alarm('JwksFailures')).toMatchObject({
      Namespace: 'Cogauth',
      MetricName: 'JwksFetchFailures',
      Dimensions: [{ Name: 'Authorizer', Value: { Ref: FN } }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('errors: Lambda Errors minus 401 answers ≥ 1 in 3 of 5 minutes', () => {
    const errors = alarm('Errors');
    expect(errors).toMatchObject({ Threshold: 1, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    expect(errors.MetricName).toBeUndefined();
    expect((errors.Metrics as Query[]).map(describeQuery)).toEqual([
      'errorsBeyond401 = errors - FILL(unauthorized, 0)',
      'errors: AWS/Lambda Errors FunctionName=fn Sum 60',
      'unauthorized: Cogauth Decisions Authorizer=fn Outcome=Unauthorized Sum 60',
    ]);
  });

  it('throttles: Sum ≥ 1; duration: p99 ≥ 80 % of the 6 s timeout osls gave the function', () => {
    expect(alarm('Throttles')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: FN } }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    expect((t.Resources[FN] as Resource).Properties.Timeout).toBe(6);
    expect(alarm('Duration')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: FN } }],
      ExtendedStatistic: 'p99',
      Threshold: 4800,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('refusals: 401 share ≥ 50 % of at least 20 decisions in 2 of 3 five-minute periods', () => {
    const refusals = alarm('Refusals');
    expect(refusals).toMatchObject({ Threshold: 50, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect((refusals.Metrics as Query[]).map(describeQuery)).toEqual([
      'refusalShare = IF(total >= 20, 100 * FILL(unauthorized, 0) / total, 0)',
      'total = FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
      'allow: Cogauth Decisions Authorizer=fn Outcome=Allow Sum 300',
      'deny: Cogauth Decisions Authorizer=fn Outcome=Deny Sum 300',
      'unauthorized: Cogauth Decisions Authorizer=fn Outcome=Unauthorized Sum 300',
    ]);
    expect((refusals.Metrics as Query[]).map((q) => q.ReturnData)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('adds a dashboard whose Fn::Sub names only the function, the region and the alarms', () => {
    const [[, dashboard]] = ofType(t, 'AWS::CloudWatch::Dashboard') as [[string, Resource]];
    expect(dashboard.Properties.DashboardName).toBeUndefined();
    const [body, vars] = (
      dashboard.Properties.DashboardBody as { 'Fn::Sub': [string, Record<string, unknown>] }
    )['Fn::Sub'];
    expect(vars).toEqual({ Fn: { Ref: FN } });
    const used = new Set([...body.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]));
    const alarmArns = ofType(t, 'AWS::CloudWatch::Alarm').map(([id]) => `${id}.Arn`);
    expect([...used].sort()).toEqual(['AWS::Region', 'Fn', ...alarmArns].sort());
    const widgets = JSON.parse(body).widgets as {
      type: string;
      properties: { title: string; metrics?: unknown[][] };
    }[];
    expect(widgets.map((w) => w.properties.title)).toEqual([
      'Decisions by outcome',
      'Decisions by reason',
      '401 answers, % of decisions',
      'Latency (ms)',
      'JWKS fetches',
      'Result cache hits',
      'Lambda',
      'cogauth alarms',
    ]);
    const named = widgets.flatMap((w) =>
      (w.properties.metrics ?? []).filter((m) => typeof m[0] === 'string'),
    );
    const cogauthMetrics = new Set(
      named.filter((m) => m[0] === 'Cogauth').map((m) => `${m[1]} ${m[2]}=${m[3]}`),
    );
    expect([...cogauthMetrics].sort()).toEqual(
      [
        'Decisions',
        'DecisionLatency',
        'JwksFetches',
        'JwksFetchFailures',
        'JwksFetchLatency',
        'ResultCacheHits',
      ]
        .map((m) => `${m} Authorizer=\${Fn}`)
        .sort(),
    );
  });
});

describe('osls package with monitoring settings', () => {
  let t: Template;
  let service: ServiceCopy;
  beforeAll(async () => {
    service = serviceWith(
      [
        '    monitoring:',
        '      namespace: Acme/Auth',
        '      routeDimension: "true"',
        '      namePrefix: orders-test',
        '      alarmTopic: arn:aws:sns:us-east-1:123456789012:alerts',
        '      dashboard: false',
        '      alarms:',
        '        throttles: false',
        '        duration: { threshold: 50 }',
        '        refusals: { threshold: "90", minimumDecisions: 500, periodSeconds: 900 }',
        '',
      ].join('\n'),
    );
    const file = join(service.serviceDir, 'serverless.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('  region: us-east-1\n', '  region: us-east-1\n  timeout: 20\n'),
    );
    t = await packaged(service);
  }, 150_000);

  it.skipIf(cfnLint.status !== 0)('passes cfn-lint with no errors', () => {
    expect(lintErrors(service)).toBe('');
  });

  it('names the alarms after the prefix, leaves out throttles and the dashboard, uses the namespace', () => {
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.map((a) => a.AlarmName)).toEqual([
      'orders-test-jwks-failures',
      'orders-test-errors',
      'orders-test-duration',
      'orders-test-refusals',
    ]);
    for (const a of alarms) expect(a.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:alerts']);
    expect(ofType(t, 'AWS::CloudWatch::Dashboard')).toEqual([]);
    expect(t.Resources.CogauthAuthorizerJwksFailuresAlarm?.Properties.Namespace).toBe('Acme/Auth');
    expect(
      ((t.Resources[FN] as Resource).Properties.Environment as { Variables: Record<string, string> })
        .Variables,
    ).toMatchObject({
      COGAUTH_METRICS_NAMESPACE: 'Acme/Auth',
      COGAUTH_METRICS_ROUTE_DIMENSION: 'true',
    });
  });

  it('takes the duration threshold from the function timeout, the refusal settings as given', () => {
    expect(t.Resources.CogauthAuthorizerDurationAlarm?.Properties.Threshold).toBe(10_000);
    const refusals = t.Resources.CogauthAuthorizerRefusalsAlarm?.Properties ?? {};
    expect(refusals.Threshold).toBe(90);
    expect((refusals.Metrics as Query[]).map(describeQuery).slice(0, 3)).toEqual([
      'refusalShare = IF(total >= 500, 100 * FILL(unauthorized, 0) / total, 0)',
      'total = FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
      'allow: Acme/Auth Decisions Authorizer=fn Outcome=Allow Sum 900',
    ]);
  });
});

describe('osls package refuses', () => {
  it('to overwrite a resource of the service that has an alarm`s logical id', async () => {
    const service = serviceWith(
      '    monitoring: true\n',
      'resources:\n  Resources:\n    CogauthAuthorizerErrorsAlarm:\n      Type: AWS::SNS::Topic\n',
    );
    const failure = await packaged(service).then(
      () => '',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    expect(failure).toContain(
      'cogauth: custom.cogauth.monitoring: the template already holds a resource CogauthAuthorizerErrorsAlarm',
    );
  }, 150_000);

  it('a namespace CloudWatch would refuse, naming the setting', async () => {
    const service = serviceWith('    monitoring:\n      namespace: AWS/Lambda\n');
    const failure = await packaged(service).then(
      () => '',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    expect(failure).toContain('cogauth: custom.cogauth.monitoring.namespace: must not start with AWS/');
  }, 150_000);
});
