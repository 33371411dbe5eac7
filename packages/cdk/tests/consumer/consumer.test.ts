/**
 * What a user installs: `pnpm pack` @cogauth/core and @cogauth/cdk, `npm install` the tarballs into a CDK
 * app outside the workspace that defines its own REST and HTTP APIs, `cdk synth` offline with no AWS
 * credentials, then run the synthesized authorizer asset on real-shaped events with tokens whose keys a JWKS
 * server on 127.0.0.1 serves. The same install is linted (publint, are-the-types-wrong) and the README's
 * TypeScript snippets are type-checked against it in each module resolution mode.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  attwTarball,
  type ConsumerProject,
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  type PackedPackage,
  packAndInstall,
  publintInstalled,
  signJwt,
  startJwksServer,
  type TypeScriptCompiler,
  typeScriptCompilers,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CORE_DIR = join(PACKAGE_DIR, '..', 'core');
const CEDAR_DIR = join(PACKAGE_DIR, '..', 'cedar');
const POLICIES = `@id("everyone-reads")
permit (principal, action == MyApi::Action::"get /messages", resource);
@id("own-message")
permit (principal, action == MyApi::Action::"get /messages/{id}", resource)
when { context.pathParameters.id == context.token.username };
`;
const APP_FILES = fileURLToPath(new URL('./app', import.meta.url));
const README = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
const POOL = 'us-east-1_Consumer1';
const CLIENT = 'consumerclient1';
const DEV = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).devDependencies as Record<
  string,
  string
>;

type Resource = { Type: string; Properties?: Record<string, unknown> };
let consumer: ConsumerProject;
let cdk: PackedPackage;
let dir: string;
let resources: [string, Resource][];
let assetDir: string;
let env: Record<string, string>;
let jwks: JwksServer | undefined;
let cedarResources: [string, Resource][];
let cedarAssetDir: string;
let cedarEnv: Record<string, string>;

/** The environment of a machine with no AWS credentials or configuration, and no workspace variables. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(AWS_|CDK_|COGAUTH_|npm_|PNPM_)/i.test(k)) base[k] = v;
  const nowhere = join(dir, 'no-aws');
  return {
    ...base,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

beforeAll(async () => {
  // aws-cdk-lib at the floor of the peer range (^2.276.0): what the range promises is what is tested.
  consumer = packAndInstall({
    packages: [CORE_DIR, CEDAR_DIR, PACKAGE_DIR],
    dependencies: [
      `aws-cdk-lib@${DEV['aws-cdk-lib']}`,
      `constructs@${DEV.constructs}`,
      `aws-cdk@${DEV['aws-cdk']}`,
      '@types/node@20.19.25',
    ],
    packageJson: { type: 'module' },
    prefix: 'cogauth-cdk-consumer-',
  });
  cdk = consumer.packed.find((p) => p.name === '@cogauth/cdk') as PackedPackage;
  dir = consumer.dir;
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.mjs' }));
  for (const f of ['app.mjs', 'run-bundle.mjs']) copyFileSync(join(APP_FILES, f), join(dir, f));
  writeFileSync(join(dir, 'policies.cedar'), POLICIES);
  await run(process.execPath, [join(dir, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--no-notices', '-q'], {
    cwd: dir,
    timeout: 120_000,
    env: cleanEnv({ CDK_DISABLE_VERSION_CHECK: '1' }),
  });
  const template = JSON.parse(readFileSync(join(dir, 'cdk.out', 'ConsumerStack.template.json'), 'utf8'));
  resources = Object.entries(template.Resources as Record<string, Resource>);
  const fn = resources.find(([, r]) => r.Type === 'AWS::Lambda::Function')?.[1].Properties ?? {};
  assetDir = join(dir, 'cdk.out', `asset.${(fn.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);
  env = (fn.Environment as { Variables: Record<string, string> }).Variables;
  const cedar = JSON.parse(readFileSync(join(dir, 'cdk.out', 'CedarStack.template.json'), 'utf8'));
  cedarResources = Object.entries(cedar.Resources as Record<string, Resource>);
  const cedarFn = cedarResources.find(([, r]) => r.Type === 'AWS::Lambda::Function')?.[1].Properties ?? {};
  const key = (cedarFn.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
  cedarAssetDir = join(dir, 'cdk.out', `asset.${key}`);
  cedarEnv = (cedarFn.Environment as { Variables: Record<string, string> }).Variables;
}, 300_000);

afterAll(async () => {
  await jwks?.close();
  consumer?.cleanup();
});

const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

describe('a CDK app that installed the packed tarballs', () => {
  it('synthesizes offline: the bundle function, a TOKEN authorizer and an IAM-policy HTTP authorizer', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(1);
    expect(fns[0]?.[1].Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
    expect(env).toMatchObject({
      COGAUTH_USER_POOL_ID: POOL,
      COGAUTH_CLIENT_IDS: CLIENT,
      COGAUTH_TOKEN_USE: 'access',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
      COGAUTH_METRICS: 'emf',
      COGAUTH_METRICS_NAMESPACE: 'Cogauth',
    });
    const [[restAuthId, restAuth]] = ofType('AWS::ApiGateway::Authorizer') as [[string, Resource]];
    expect(restAuth.Properties).toMatchObject({ Type: 'TOKEN', AuthorizerResultTtlInSeconds: 300 });
    const [[httpAuthId, httpAuth]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(httpAuth.Properties).toMatchObject({
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
      IdentitySource: ['$request.header.Authorization'],
    });
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties ?? {});
    expect(methods).toHaveLength(2);
    for (const m of methods)
      expect(m).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: restAuthId } });
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties ?? {});
    expect(routes).toHaveLength(2);
    for (const r of routes)
      expect(r).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: httpAuthId } });
  });

  it('adds the five monitoring alarms on the function, notifying the app`s topic, and a dashboard', () => {
    const [[fnId]] = ofType('AWS::Lambda::Function') as [[string, Resource]];
    const [[topicId]] = ofType('AWS::SNS::Topic') as [[string, Resource]];
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    expect(alarms.map((a) => a.AlarmName)).toEqual([
      'consumer-jwks-failures',
      'consumer-errors',
      'consumer-throttles',
      'consumer-duration',
      'consumer-refusals',
    ]);
    for (const a of alarms) {
      expect(a).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    }
    const [jwks, errors, throttles, duration, refusals] = alarms as Record<string, unknown>[];
    expect(jwks).toMatchObject({
      Namespace: 'Cogauth',
      MetricName: 'JwksFetchFailures',
      Dimensions: [{ Name: 'Authorizer', Value: { Ref: fnId } }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    type Query = {
      Expression?: string;
      ReturnData?: boolean;
      MetricStat?: { Metric: { MetricName: string } };
    };
    const math = (a: Record<string, unknown> | undefined) =>
      ((a?.Metrics ?? []) as Query[]).map((q) => q.Expression ?? q.MetricStat?.Metric.MetricName);
    expect(math(errors)).toEqual(['errors - FILL(unauthorized, 0)', 'Errors', 'Decisions']);
    expect(throttles).toMatchObject({ MetricName: 'Throttles', Threshold: 1, Period: 60 });
    expect(duration).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 8000 });
    expect(refusals).toMatchObject({ Threshold: 50, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(math(refusals)?.[0]).toBe('IF(total >= 20, 100 * FILL(unauthorized, 0) / total, 0)');
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    expect(dashboard.Properties?.DashboardName).toBe('consumer-authorizer');
    expect(JSON.stringify(dashboard.Properties?.DashboardBody)).toContain('Decisions by reason');
  });

  it('stages exactly the installed @cogauth/core bundle as the asset', () => {
    expect(readdirSync(assetDir)).toEqual(['index.mjs']);
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(sha(join(assetDir, 'index.mjs'))).toBe(
      sha(join(dir, 'node_modules/@cogauth/core/dist/lambda/index.mjs')),
    );
  });

  it('answers REST TOKEN and HTTP API 2.0 events as the rules say, with keys from a JWKS server', async () => {
    const key = generateTestKey({ alg: 'RS256' });
    const server = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
    jwks = server;
    const token = (groups?: string[], signer = key) =>
      `Bearer ${signJwt(cognitoAccessClaims({ issuer: server.issuer, clientId: CLIENT, ...(groups ? { groups } : {}) }), signer)}`;
    const reader = token();
    const writer = token(['writers']);
    const forged = token(['writers'], generateTestKey({ alg: 'RS256', kid: key.kid }));
    const arn = (method: string) =>
      `arn:aws:execute-api:us-east-1:123456789012:abc123/prod/${method}/messages`;
    const v2 = (header: string, method: string) => ({
      version: '2.0',
      type: 'REQUEST',
      routeKey: `${method} /messages`,
      routeArn: `arn:aws:execute-api:us-east-1:123456789012:abc123/$default/${method}/messages`,
      identitySource: [header],
      headers: { authorization: header },
    });
    const events = [
      { type: 'TOKEN', authorizationToken: reader, methodArn: arn('GET') },
      { type: 'TOKEN', authorizationToken: reader, methodArn: arn('POST') },
      { type: 'TOKEN', authorizationToken: forged, methodArn: arn('GET') },
      v2(writer, 'POST'),
      v2(reader, 'POST'),
    ];
    writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
    // The deployed environment; only the issuer points at the local server instead of Cognito.
    const { stdout } = await run(
      process.execPath,
      [join(dir, 'run-bundle.mjs'), join(assetDir, 'index.mjs'), join(dir, 'events.json')],
      {
        cwd: assetDir,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          COGAUTH_ISSUER: server.issuer,
          LAMBDA_TASK_ROOT: assetDir,
        },
      },
    );
    const results = JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1)) as {
      result?: { policyDocument: { Statement: { Effect: string; Resource: string[] }[] } };
      error?: string;
    }[];
    const effects = (i: number) =>
      (results[i]?.result?.policyDocument.Statement ?? []).map((s) => `${s.Effect} ${s.Resource.join(' ')}`);
    expect(effects(0)).toEqual([`Allow ${arn('GET')}`]);
    expect(effects(1)).toEqual([`Allow ${arn('GET')}`, `Deny ${arn('POST')}`]);
    expect(results[2]).toEqual({ error: 'Unauthorized' });
    const v2Arn = (m: string) => `arn:aws:execute-api:us-east-1:123456789012:abc123/$default/${m}/messages`;
    expect(effects(3)).toEqual([`Allow ${v2Arn('GET')} ${v2Arn('POST')}`]);
    expect(effects(4)).toEqual([`Allow ${v2Arn('GET')}`, `Deny ${v2Arn('POST')}`]);
    expect(server.jwksRequestCount()).toBeGreaterThan(0);
    // No token reaches the log lines.
    expect(stdout).not.toContain(reader.slice(7));
  });
});

describe("the bundle's metrics and the alarms that watch them", () => {
  it("writes EMF in the alarms' namespace, with Authorizer = AWS_LAMBDA_FUNCTION_NAME and their dimension sets", async () => {
    const key = generateTestKey({ alg: 'RS256' });
    const server = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
    try {
      const reader = `Bearer ${signJwt(cognitoAccessClaims({ issuer: server.issuer, clientId: CLIENT }), key)}`;
      const arn = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/messages';
      const events = [
        { type: 'TOKEN', authorizationToken: reader, methodArn: arn },
        { type: 'TOKEN', authorizationToken: 'Bearer not-a-token', methodArn: arn },
      ];
      writeFileSync(join(dir, 'metrics-events.json'), JSON.stringify(events));
      // The deployed environment as synthesized (COGAUTH_METRICS=emf and the namespace come from the
      // monitoring prop), the name Lambda gives the function, and a flush per decision so both are seen.
      const { stdout } = await run(
        process.execPath,
        [join(dir, 'run-bundle.mjs'), join(assetDir, 'index.mjs'), join(dir, 'metrics-events.json')],
        {
          cwd: assetDir,
          timeout: 60_000,
          env: {
            PATH: process.env.PATH ?? '',
            ...env,
            COGAUTH_ISSUER: server.issuer,
            LAMBDA_TASK_ROOT: assetDir,
            AWS_LAMBDA_FUNCTION_NAME: 'consumer-authorizer-fn',
            COGAUTH_METRICS_FLUSH_SECONDS: '0',
          },
        },
      );
      type Directive = {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      };
      const docs = stdout
        .split('\n')
        .filter((l) => l.startsWith('{"_aws"'))
        .map(
          (l) =>
            JSON.parse(l) as Record<string, unknown> & {
              _aws: { Timestamp: number; CloudWatchMetrics: Directive[] };
            },
        );
      // The JWKS download (before the first decision) is written as it ends, in its own document.
      expect(docs.find((d) => d.JwksFetches !== undefined)).toMatchObject({
        JwksFetches: 1,
        JwksFetchFailures: 0,
      });
      const decided = docs.filter((d) => d.Decisions !== undefined);
      expect(decided.map((d) => [d.Outcome, d.Reason, d.Decisions])).toEqual([
        ['Allow', 'ALLOWED', 1],
        ['Unauthorized', 'TOKEN_MALFORMED', 1],
      ]);

      // What the alarms select: their namespace, and the Authorizer dimension bound to the function (a
      // Ref, the function's name once deployed: Lambda's AWS_LAMBDA_FUNCTION_NAME).
      const [[fnId]] = ofType('AWS::Lambda::Function') as [[string, Resource]];
      type Stat = {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
      };
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
      const selected: Stat['Metric'][] = alarms.flatMap((a) => [
        ...(a.MetricName === undefined ? [] : [a as unknown as Stat['Metric']]),
        ...((a.Metrics ?? []) as { MetricStat?: Stat }[]).flatMap((q) =>
          q.MetricStat ? [q.MetricStat.Metric] : [],
        ),
      ]);
      const ours = selected.filter((m) => m.Namespace !== 'AWS/Lambda');
      expect(new Set(ours.map((m) => m.MetricName))).toEqual(new Set(['Decisions', 'JwksFetchFailures']));
      for (const m of ours) {
        const names = m.Dimensions.map((d) => d.Name);
        expect(m.Dimensions.find((d) => d.Name === 'Authorizer')?.Value).toEqual({ Ref: fnId });
        // Some document carries this metric in exactly this dimension set, in the same namespace.
        const carried = docs.some((d) =>
          d._aws.CloudWatchMetrics.some(
            (dir) =>
              dir.Namespace === m.Namespace &&
              dir.Metrics.some((x) => x.Name === m.MetricName) &&
              dir.Dimensions.some((set) => JSON.stringify(set) === JSON.stringify(names)),
          ),
        );
        if (m.MetricName === 'Decisions') expect(carried, JSON.stringify(names)).toBe(true);
        else expect(m.Dimensions.map((d) => d.Name)).toEqual(['Authorizer']);
      }
      for (const d of docs) {
        expect(d.Authorizer).toBe('consumer-authorizer-fn');
        for (const dir of d._aws.CloudWatchMetrics) expect(dir.Namespace).toBe(env.COGAUTH_METRICS_NAMESPACE);
        // Each document lands in the minute of its decision.
        expect(Math.abs(d._aws.Timestamp - Date.now())).toBeLessThan(120_000);
      }
    } finally {
      await server.close();
    }
  });
});

describe('a Cedar policy file, with @cogauth/cedar installed from its tarball', () => {
  const cedarOfType = (type: string) => cedarResources.filter(([, r]) => r.Type === type);

  it('synthesizes a function of the Cedar bundle, its engine and the policies, with the cache off', () => {
    expect(readdirSync(cedarAssetDir).sort()).toEqual(['cedar_wasm_bg.wasm', 'index.mjs', 'policies.cedar']);
    const installed = join(dir, 'node_modules/@cogauth/cedar/dist/lambda');
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    for (const f of ['index.mjs', 'cedar_wasm_bg.wasm'])
      expect(sha(join(cedarAssetDir, f))).toBe(sha(join(installed, f)));
    expect(readFileSync(join(cedarAssetDir, 'policies.cedar'), 'utf8')).toBe(POLICIES);
    expect(cedarEnv).toMatchObject({
      COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar',
      COGAUTH_REST_API_CACHE: 'off',
      COGAUTH_HTTP_API_CACHE: 'off',
    });
    expect(cedarEnv.COGAUTH_RULES).toBeUndefined();
    // The per-request policy reads the path only: a TOKEN authorizer, cached for no one.
    const [[, authorizer]] = cedarOfType('AWS::ApiGateway::Authorizer') as [[string, Resource]];
    expect(authorizer.Properties).toMatchObject({ Type: 'TOKEN', AuthorizerResultTtlInSeconds: 0 });
  });

  it('the staged function answers as the policies say: a route for all, a message for its owner only', async () => {
    const key = generateTestKey({ alg: 'RS256' });
    const server = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
    try {
      const claims = cognitoAccessClaims({ issuer: server.issuer, clientId: CLIENT, username: 'alice' });
      const alice = `Bearer ${signJwt(claims, key)}`;
      const forged = `Bearer ${signJwt(claims, generateTestKey({ alg: 'RS256', kid: key.kid }))}`;
      const arn = (resource: string) => `arn:aws:execute-api:us-east-1:123456789012:abc123/prod/${resource}`;
      const events = ['GET/messages', 'GET/messages/alice', 'GET/messages/bob'].map((r) => ({
        type: 'TOKEN',
        authorizationToken: alice,
        methodArn: arn(r),
      }));
      events.push({ type: 'TOKEN', authorizationToken: forged, methodArn: arn('GET/messages') });
      writeFileSync(join(dir, 'cedar-events.json'), JSON.stringify(events));
      const { stdout } = await run(
        process.execPath,
        [join(dir, 'run-bundle.mjs'), join(cedarAssetDir, 'index.mjs'), join(dir, 'cedar-events.json')],
        {
          cwd: cedarAssetDir,
          // The engine's WebAssembly compiles at cold start: seconds on a loaded machine.
          timeout: 120_000,
          env: {
            PATH: process.env.PATH ?? '',
            ...cedarEnv,
            COGAUTH_ISSUER: server.issuer,
            LAMBDA_TASK_ROOT: cedarAssetDir,
          },
        },
      );
      const results = JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1)) as {
        result?: { policyDocument: { Statement: { Effect: string; Resource: string[] }[] } };
        error?: string;
      }[];
      const effects = (i: number) =>
        (results[i]?.result?.policyDocument.Statement ?? []).map(
          (s) => `${s.Effect} ${s.Resource.join(' ')}`,
        );
      expect(effects(0)).toEqual([`Allow ${arn('GET/messages')}`]);
      expect(effects(1)).toEqual([`Allow ${arn('GET/messages')} ${arn('GET/messages/alice')}`]);
      expect(effects(2)).toEqual([`Allow ${arn('GET/messages')}`, `Deny ${arn('GET/messages/bob')}`]);
      expect(results[3]).toEqual({ error: 'Unauthorized' });
    } finally {
      await server.close();
    }
  });
});

describe('the @cogauth/cdk tarball', () => {
  it('holds the licence, the README and the compiled dist/ with its types, nothing else', () => {
    const modules = [
      'authorizer-metrics',
      'bundle',
      'cedar',
      'cogauth-authorizer',
      'core-check',
      'dashboard',
      'environment',
      'http-api',
      'index',
      'jwks',
      'monitoring',
      'monitoring-props',
      'monitoring-settings',
      'nag',
      'own-logs-function',
      'pools',
      'props',
      'settings',
    ];
    expect(cdk.files).toEqual(
      [
        'LICENSE',
        'README.md',
        ...modules.flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`]),
        'package.json',
      ].sort(),
    );
    const manifest = JSON.parse(
      readFileSync(join(consumer.packageDir('@cogauth/cdk'), 'package.json'), 'utf8'),
    );
    // workspace:^ became a caret range on the packed version; npm took core from its tarball.
    expect(manifest.dependencies).toEqual({ '@cogauth/core': `^${manifest.version}` });
    // Apps that use rules need not install @cogauth/cedar (4 MB of WebAssembly).
    expect(manifest.peerDependenciesMeta['@cogauth/cedar']).toEqual({ optional: true });
  });

  it('publint finds nothing', async () => {
    expect(await publintInstalled(consumer.packageDir('@cogauth/cdk'))).toEqual([]);
  });

  it('are-the-types-wrong: no problem but the explained one', () => {
    // @cogauth/cdk is ESM only. A CommonJS consumer resolved the node16 way gets ESM: TypeScript's
    // `module: node16` refuses that import, while `nodenext` (TypeScript >= 5.8, what `cdk init` sets up) and
    // Node >= 20.19 (`require(esm)`) take it; both are proven below.
    expect(attwTarball(cdk.tarball).map((f) => f.message)).toEqual(['CJSResolvesToESM . node16-cjs']);
  });

  it('loads with require() from a CommonJS app (Node >= 20.19: require(esm))', () => {
    const r = consumer.run(process.execPath, [
      '-e',
      "const { CogauthAuthorizer, CogauthJwks } = require('@cogauth/cdk'); console.log(typeof CogauthAuthorizer, typeof CogauthJwks.fromFile)",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('function function');
  });
});

describe('type-checking the README snippets against the installed packages', () => {
  const snippets = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
  const base = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2022'],
    types: ['node'],
  };
  const modes = [
    { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' }, ext: ['mts'] },
    // .cts: a CommonJS app file, as in the TypeScript app `cdk init` creates (no "type": "module").
    {
      name: 'nodenext',
      options: { module: 'nodenext', moduleResolution: 'nodenext' },
      ext: ['mts', 'cts'],
    },
    { name: 'bundler', options: { module: 'preserve', moduleResolution: 'bundler' }, ext: ['ts'] },
  ];
  beforeAll(() => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    for (const mode of modes) {
      const sub = join(dir, `types-${mode.name}`);
      mkdirSync(sub);
      for (const [i, code] of snippets.entries())
        for (const ext of mode.ext) writeFileSync(join(sub, `snippet-${i}.${ext}`), code);
      writeFileSync(
        join(dir, `tsconfig.${mode.name}.json`),
        JSON.stringify({ compilerOptions: { ...base, ...mode.options }, include: [`types-${mode.name}`] }),
      );
    }
  });

  // TypeScript 7 (native), what `cdk init` installs, with skipLibCheck: false: our .d.ts files are checked too.
  const ts7 = typeScriptCompilers().find((c) => c.version.startsWith('7.')) as TypeScriptCompiler;
  for (const mode of modes) {
    it(`TypeScript ${ts7.version}, moduleResolution ${mode.name} (${mode.ext.join(', ')})`, () => {
      const r = consumer.run(process.execPath, [...ts7.command, '-p', `tsconfig.${mode.name}.json`]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
