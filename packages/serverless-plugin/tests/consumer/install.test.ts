import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  attwTarball,
  type PackedPackage,
  packWorkspacePackage,
  publintInstalled,
  readZip,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, PACKAGE_DIR } from '../helpers/fixture-service.js';

// What a user installs: core and the plugin packed as tarballs, installed with npm into a service outside
// the workspace whose serverless.yml and rules.json are the README's own snippets, packaged by osls.

const run = promisify(execFile);
const OSLS_VERSION = '4.3.1'; // the version the workspace tests with (package.json devDependencies)
const CORE_DIR = join(PACKAGE_DIR, '..', 'core');
const README = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');

/** The fenced blocks of `lang` in the README, as a user would copy them. */
function readmeSnippets(lang: string): string[] {
  return [...README.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map(
    (m) => m[1] as string,
  );
}

/** The first fenced block of `lang` in the README. */
function readmeSnippet(lang: string): string {
  const [first] = readmeSnippets(lang);
  if (first === undefined) throw new Error(`README.md has no ${lang} block`);
  return first;
}

/**
 * The README's service with its Monitoring snippet added: the snippet's settings under `custom.cogauth`
 * (its comment lines left out) go after the service's own, as a user would paste them.
 */
function serviceWithMonitoring(): string {
  const monitoring = readmeSnippets('yaml').find((s) => s.includes('    monitoring:'));
  if (monitoring === undefined) throw new Error('README.md has no monitoring snippet');
  const lines = monitoring.split('\n');
  const settings = lines
    .slice(lines.indexOf('  cogauth:') + 1)
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const service = readmeSnippet('yaml');
  const anchor = service.split('\n').find((line) => line.startsWith('    rulesFile:'));
  if (anchor === undefined) throw new Error('the README service has no rulesFile line');
  return service.replace(`${anchor}\n`, `${anchor}\n${settings.join('\n')}\n`);
}

const root = mkdtempSync(join(tmpdir(), 'cogauth-plugin-consumer-'));
const serviceDir = join(root, 'service');
const outDir = join(root, 'out');
const handler = 'export const hello = async () => ({ statusCode: 200 });\nexport const connect = hello;\n';
let plugin: PackedPackage;
let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** Runs `step`, logging how long it took (the suite must stay under 2 minutes in CI). */
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  console.log(`consumer: ${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

beforeAll(async () => {
  const packed = await timed('pnpm pack', async () => [
    packWorkspacePackage(CORE_DIR, root),
    packWorkspacePackage(PACKAGE_DIR, root),
  ]);
  plugin = packed[1] as PackedPackage;
  const tarballs = packed.map((p) => p.tarball);
  mkdirSync(serviceDir);
  writeFileSync(
    join(serviceDir, 'package.json'),
    '{ "name": "my-service", "private": true, "type": "module" }\n',
  );
  writeFileSync(join(serviceDir, 'serverless.yml'), serviceWithMonitoring());
  writeFileSync(join(serviceDir, 'rules.json'), readmeSnippet('json'));
  writeFileSync(join(serviceDir, 'handler.mjs'), handler);
  const env = cleanEnv(root);
  await timed('npm install', () =>
    run(
      'npm',
      [
        'install',
        '--save-dev',
        '--save-exact',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...tarballs,
        `osls@${OSLS_VERSION}`,
      ],
      { cwd: serviceDir, env, timeout: 180_000 },
    ),
  );
  await timed('osls package', () =>
    run(
      process.execPath,
      [join('node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--package', outDir],
      {
        cwd: serviceDir,
        env,
        timeout: 150_000,
      },
    ),
  );
  template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 360_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the README’s service, with the packed tarballs installed by npm', () => {
  it('gets the authorizer function from the installed core bundle, configured from custom.cogauth', () => {
    const fn = template.Resources.CogauthAuthorizerLambdaFunction;
    expect(fn?.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Environment: {
        Variables: {
          COGAUTH_USER_POOL_ID: 'us-east-1_AbC123',
          COGAUTH_CLIENT_IDS: '1example23456789',
          COGAUTH_TOKEN_USE: 'access',
          COGAUTH_RULES_FILE: 'rules.json',
          COGAUTH_HTTP_API_RESPONSE: 'iam',
          COGAUTH_METRICS: 'emf',
          COGAUTH_METRICS_NAMESPACE: 'Cogauth',
          COGAUTH_LOG_ALLOWED_SAMPLE_RATE: '0.1',
        },
      },
    });
  });

  it('adds the README`s monitoring: five alarms on the function, notifying its topic, and a dashboard', () => {
    const fn = { Ref: 'CogauthAuthorizerLambdaFunction' };
    const alarms = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties);
    expect(alarms.map((a) => a.AlarmName)).toEqual([
      'my-service-dev-jwks-failures',
      'my-service-dev-errors',
      'my-service-dev-throttles',
      'my-service-dev-duration',
      'my-service-dev-refusals',
    ]);
    for (const a of alarms) {
      expect(a).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
        OKActions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
      });
    }
    const [jwks, errors, throttles, duration, refusals] = alarms as Record<string, unknown>[];
    expect(jwks).toMatchObject({
      Namespace: 'Cogauth',
      MetricName: 'JwksFetchFailures',
      Dimensions: [{ Name: 'Authorizer', Value: fn }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    type Query = { Expression?: string; MetricStat?: { Metric: { MetricName: string }; Period: number } };
    const math = (a: Record<string, unknown> | undefined) =>
      ((a?.Metrics ?? []) as Query[]).map(
        (q) => q.Expression ?? `${q.MetricStat?.Metric.MetricName} ${q.MetricStat?.Period}`,
      );
    expect(math(errors)).toEqual(['errors - FILL(unauthorized, 0)', 'Errors 60', 'Decisions 60']);
    expect(throttles).toMatchObject({
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: fn }],
    });
    expect(duration).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 4800 });
    // The README's refusals settings: 80 % over 15-minute periods.
    expect(refusals).toMatchObject({ Threshold: 80, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(math(refusals)).toEqual([
      'IF(total >= 20, 100 * FILL(unauthorized, 0) / total, 0)',
      'FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
      'Decisions 900',
      'Decisions 900',
      'Decisions 900',
    ]);
    const dashboards = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Dashboard',
    );
    expect(dashboards.map((d) => d.Properties.DashboardName)).toEqual(['my-service-dev-authorizer']);
  });

  it('guards the marked REST, HTTP API and WebSocket $connect events', () => {
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::ApiGateway::Authorizer')).toHaveLength(1);
    expect(types.filter((t) => t === 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(2);
    const guarded = Object.values(template.Resources).filter(
      (r) =>
        ['AWS::ApiGateway::Method', 'AWS::ApiGatewayV2::Route'].includes(r.Type) &&
        r.Properties.AuthorizationType === 'CUSTOM',
    );
    expect(guarded.map((r) => r.Properties.HttpMethod ?? r.Properties.RouteKey).sort()).toEqual([
      '$connect',
      'GET',
      'GET /hello',
    ]);
  });

  it('zips the installed core bundle and the README’s rules, and keeps the plugin out of the service zip', () => {
    const entries = readZip(join(outDir, 'cogauthAuthorizer.zip'));
    expect(entries.map((e) => e.name).sort()).toEqual(['index.mjs', 'rules.json']);
    const installedBundle = join(
      serviceDir,
      'node_modules',
      '@cogauth',
      'core',
      'dist',
      'lambda',
      'index.mjs',
    );
    expect(entries.find((e) => e.name === 'index.mjs')?.data.equals(readFileSync(installedBundle))).toBe(
      true,
    );
    expect(entries.find((e) => e.name === 'rules.json')?.data.toString('utf8')).toBe(readmeSnippet('json'));
    const service = readZip(join(outDir, 'my-service.zip')).map((e) => e.name);
    expect(service).toContain('handler.mjs');
    // Dev dependencies stay out (osls keeps npm's own node_modules/.package-lock.json only).
    const modules = service.filter((name) => name.startsWith('node_modules/'));
    expect(modules.filter((name) => name !== 'node_modules/.package-lock.json')).toEqual([]);
  });
});

describe('the @cogauth/serverless-plugin tarball', () => {
  it('holds the licence, the README and the compiled dist/ with its types, nothing else', () => {
    const modules = [
      'alarms',
      'cfn-value',
      'config',
      'dashboard',
      'environment',
      'events',
      'index',
      'jwks',
      'monitoring',
      'monitoring-settings',
      'plugin',
      'schema',
      'serverless-types',
      'validate',
      'websocket-permission',
      'zip',
    ];
    expect(plugin.files).toEqual(
      [
        'LICENSE',
        'README.md',
        'package.json',
        ...modules.flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`]),
      ].sort(),
    );
    const manifest = JSON.parse(
      readFileSync(join(serviceDir, 'node_modules/@cogauth/serverless-plugin/package.json'), 'utf8'),
    );
    // workspace:^ became a caret range on the packed version; npm took core from its tarball.
    expect(manifest.dependencies).toEqual({ '@cogauth/core': `^${manifest.version}` });
  });

  it('publint finds nothing', async () => {
    expect(await publintInstalled(join(serviceDir, 'node_modules/@cogauth/serverless-plugin'))).toEqual([]);
  });

  it('are-the-types-wrong: no problem but the explained one', () => {
    // The plugin is ESM only: osls require()s it (Node >= 20.19) or falls back to import(). A CommonJS
    // consumer resolved the node16 way gets ESM; only a user extending the plugin in TypeScript meets it.
    expect(attwTarball(plugin.tarball).map((f) => f.message)).toEqual(['CJSResolvesToESM . node16-cjs']);
  });
});
