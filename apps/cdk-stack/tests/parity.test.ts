/**
 * The CDK app and the Serverless app must configure the authorizer identically. The Serverless side
 * is what `osls package` produces (its CloudFormation template and Lambda zips), not serverless.yml
 * as written; the CDK side is this app's synthesized template and staged assets.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_RULES_FILE } from '@cogauth/sample';
import { readZip, SLS_ENV } from '@cogauth/test-fixtures';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../lib/app.js';
import {
  authorizerBundleDir,
  type CfnResource,
  type CfnTemplate,
  logicalIdOf,
  onlyResourceOfType,
  propsOf,
  removeOutdirs,
  resourcesOfType,
  restRoutes,
  tempOutdir,
} from './support/synth.js';
import { accessToken, signingKey } from './support/tokens.js';

const RUNNER = fileURLToPath(new URL('./support/run-authorizer.mjs', import.meta.url));
const require = createRequire(import.meta.url);

/** The Serverless app, a dev dependency of this one: only this test reads it, to compare the two flavours. */
function serverlessAppDir(): string {
  return dirname(require.resolve('@cogauth/serverless-authorizer/package.json'));
}
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

interface Flavour {
  template: CfnTemplate;
  authorizer: Record<string, unknown>;
  env: Record<string, unknown>;
  /** Files of the authorizer's deployment package, by path inside it. */
  authorizerFiles: Map<string, Buffer>;
  backendFiles: Map<string, Buffer>;
  /** Where the package is unpacked on disk (the Lambda task root). */
  taskRoot: string;
}

let sls: Flavour;
let cdk: Flavour;

function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|CDK_|COGAUTH_)/.test(k)) env[k] = v;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

function unpack(files: Map<string, Buffer>, dir: string): void {
  for (const [name, data] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
}

/** The logical id of the function the REST authorizer invokes (its URI holds `Fn::GetAtt [<function>, Arn]`). */
function authorizerFunctionId(template: CfnTemplate): string {
  const [, authorizer] = onlyResourceOfType(template, 'AWS::ApiGateway::Authorizer');
  const id = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(
    JSON.stringify(authorizer.Properties?.AuthorizerUri),
  )?.[1];
  if (id === undefined) throw new Error('the REST authorizer URI names no function');
  return id;
}

function authorizerFunction(template: CfnTemplate): Record<string, unknown> {
  return propsOf(template, authorizerFunctionId(template));
}

type MetricQuery = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: Record<string, unknown>; Period: number; Stat: string };
};

/**
 * Each alarm as the flavours can agree on it: what it watches, when it fires, what it says. The function's
 * Ref reads `fn`; the id of the expression an alarm watches is each generator's own, so it is left out.
 */
function alarmsOf(template: CfnTemplate): unknown[] {
  const fn = JSON.stringify({ Ref: authorizerFunctionId(template) });
  const named = (value: unknown) => JSON.parse(JSON.stringify(value).split(fn).join('"fn"'));
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm')
    .map(([, a]) => {
      const p = a.Properties ?? {};
      const queries = p.Metrics as MetricQuery[] | undefined;
      const watched =
        queries === undefined
          ? pick(p, ['Namespace', 'MetricName', 'Dimensions', 'Statistic', 'ExtendedStatistic', 'Period'])
          : queries.map((q) => (q.ReturnData === false ? q : { Expression: q.Expression, ReturnData: true }));
      const when = pick(p, [
        'Threshold',
        'ComparisonOperator',
        'EvaluationPeriods',
        'DatapointsToAlarm',
        'TreatMissingData',
        'AlarmDescription',
        'AlarmActions',
      ]);
      return named({ watched, ...when });
    })
    .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

const POOL = 'us-east-1_CogauthParity';
const CLIENT = 'cogauthparityclient';

/**
 * A copy of the Serverless app (node_modules linked): osls and the plugin stage zips in
 * `<service>/.serverless/`, which the app's own e2e (serverless offline) reads at the same time.
 */
function copyOfServerlessApp(): string {
  const appDir = serverlessAppDir();
  const dir = join(tempOutdir(), 'service');
  const skip = new Set(['node_modules', '.serverless', '.serverless-offline', '.local.env', 'jwks.json']);
  cpSync(appDir, dir, {
    recursive: true,
    filter: (src) => !skip.has(relative(appDir, src).split('/')[0] ?? ''),
  });
  symlinkSync(join(appDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function packageServerless(): Flavour {
  const appDir = serverlessAppDir();
  if (!existsSync(join(appDir, 'dist', 'backend', 'index.mjs'))) {
    throw new Error(
      'apps/serverless-authorizer/dist is missing: run `pnpm --filter @cogauth/serverless-authorizer build`',
    );
  }
  const out = tempOutdir();
  // The deployer names the pool and client (packaging without them is refused, as the authorizer would).
  // Monitoring on in both flavours, so their alarms are compared too.
  const params = [`--param=userPoolId=${POOL}`, `--param=clientIds=${CLIENT}`, '--param=monitoring=true'];
  const run = spawnSync(
    process.execPath,
    [join(appDir, 'node_modules/osls/bin/serverless.js'), 'package', '--package', out, ...params],
    {
      cwd: copyOfServerlessApp(),
      encoding: 'utf8',
      timeout: 120_000,
      env: offlineEnv(SLS_ENV),
    },
  );
  if (run.status !== 0) throw new Error(`osls package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  const authorizer = authorizerFunction(template);
  const zipOf = (name: string) =>
    new Map(
      readZip(join(out, `${name}.zip`))
        .filter((e) => !e.name.endsWith('/'))
        .map((e) => [e.name, e.data]),
    );
  const authorizerFiles = zipOf('cogauthAuthorizer');
  const taskRoot = join(out, 'authorizer-unpacked');
  unpack(authorizerFiles, taskRoot);
  return {
    template,
    authorizer,
    env: (authorizer.Environment as { Variables: Record<string, unknown> }).Variables,
    authorizerFiles,
    backendFiles: zipOf('listMessages'),
    taskRoot,
  };
}

function synthCdk(): Flavour {
  const outdir = tempOutdir();
  const { stack } = buildApp({ outdir, context: { monitoring: 'true' } });
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const assetDir = (fn: Record<string, unknown>): string => {
    const key = (fn.Code as { S3Key: string }).S3Key;
    return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  };
  const filesOf = (dir: string) =>
    new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
  const authorizer = authorizerFunction(template);
  const backend = resourcesOfType(template, 'AWS::Lambda::Function').find(
    ([, f]) => f.Properties?.Handler === 'index.listMessages',
  ) as [string, CfnResource];
  return {
    template,
    authorizer,
    env: (authorizer.Environment as { Variables: Record<string, unknown> }).Variables,
    authorizerFiles: filesOf(assetDir(authorizer)),
    backendFiles: filesOf(assetDir(backend[1].Properties ?? {})),
    taskRoot: assetDir(authorizer),
  };
}

beforeAll(() => {
  sls = packageServerless();
  cdk = synthCdk();
}, 180_000);
afterAll(removeOutdirs);

/** `index.handler` -> the file `index.mjs` and the export `handler`. */
function handlerFile(handler: unknown): { file: string; exportName: string } {
  const match = /^(.+)\.([A-Za-z_$][\w$]*)$/.exec(String(handler));
  if (!match) throw new Error(`bad handler ${String(handler)}`);
  return { file: `${match[1]}.mjs`, exportName: match[2] as string };
}

describe('the same authorizer in both flavours', () => {
  it('ships the same bundle bytes, the ones @cogauth/core built', () => {
    const core = sha256(readFileSync(join(authorizerBundleDir(), 'index.mjs')));
    const slsHandler = handlerFile(sls.authorizer.Handler);
    const cdkHandler = handlerFile(cdk.authorizer.Handler);
    expect(slsHandler).toEqual({ file: 'index.mjs', exportName: 'handler' });
    expect(cdkHandler).toEqual({ file: 'index.mjs', exportName: 'handler' });
    const slsBundle = sls.authorizerFiles.get(slsHandler.file);
    const cdkBundle = cdk.authorizerFiles.get(cdkHandler.file);
    expect(slsBundle && sha256(slsBundle)).toBe(core);
    expect(cdkBundle && sha256(cdkBundle)).toBe(core);
    // The CDK asset is the bundle directory as it is: nothing added, nothing re-bundled.
    expect([...cdk.authorizerFiles.keys()]).toEqual(['index.mjs']);
    // The plugin's zip: the bundle and the rules, nothing else.
    expect([...sls.authorizerFiles.keys()].sort()).toEqual(['index.mjs', 'rules.json']);
  });

  it('uses the same rule JSON: the Serverless package`s rules.json is the CDK COGAUTH_RULES', () => {
    expect(sls.env.COGAUTH_RULES_FILE).toBe('rules.json');
    const slsRules = sls.authorizerFiles.get('rules.json');
    expect(slsRules).toBeDefined();
    expect(JSON.parse(String(cdk.env.COGAUTH_RULES))).toEqual(JSON.parse(String(slsRules)));
    expect(JSON.parse(String(slsRules))).toEqual(JSON.parse(readFileSync(SAMPLE_RULES_FILE, 'utf8')));
  });

  it('sets the same variables (the rules aside), the Serverless ones without empty placeholders', () => {
    const slsNames = Object.keys(sls.env);
    // The rules are the one setting carried differently: inline in the CDK stack, a file in the zip.
    const names = (env: Record<string, unknown>) =>
      Object.keys(env).filter((name) => !['COGAUTH_RULES', 'COGAUTH_RULES_FILE'].includes(name));
    expect(names(cdk.env).sort()).toEqual(names(sls.env).sort());
    for (const name of ['COGAUTH_USER_POOL_ID', 'COGAUTH_CLIENT_IDS']) {
      expect(slsNames).toContain(name);
      expect(Object.keys(cdk.env)).toContain(name);
    }
    expect(cdk.env.COGAUTH_TOKEN_USE).toBe(sls.env.COGAUTH_TOKEN_USE);
    // The HTTP API answer mode may differ while the flavours move to the IAM-policy default one at a
    // time; each must configure its HTTP authorizer to match its own mode (checked below).
    for (const env of [cdk.env, sls.env]) expect(['iam', 'simple']).toContain(env.COGAUTH_HTTP_API_RESPONSE);
    // The plugin writes only what is set: the deployer's pool and client, no empty placeholders.
    expect(sls.env).toEqual({
      COGAUTH_USER_POOL_ID: POOL,
      COGAUTH_CLIENT_IDS: CLIENT,
      COGAUTH_TOKEN_USE: 'access',
      COGAUTH_RULES_FILE: 'rules.json',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
      COGAUTH_METRICS: 'emf',
      COGAUTH_METRICS_NAMESPACE: 'Cogauth',
    });
    for (const name of ['COGAUTH_METRICS', 'COGAUTH_METRICS_NAMESPACE'])
      expect(cdk.env[name]).toBe(sls.env[name]);
  });

  it('runs on the same runtime, architecture, memory, timeout and log retention', () => {
    for (const key of ['Runtime', 'Architectures', 'MemorySize', 'Timeout']) {
      expect(cdk.authorizer[key], key).toEqual(sls.authorizer[key]);
    }
    const retention = (t: CfnTemplate) =>
      new Set(resourcesOfType(t, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties?.RetentionInDays));
    expect(retention(cdk.template)).toEqual(retention(sls.template));
  });

  it('has the same REST TOKEN authorizer: type, identity source, cache TTL', () => {
    const pick = (t: CfnTemplate) => {
      const p = onlyResourceOfType(t, 'AWS::ApiGateway::Authorizer')[1].Properties ?? {};
      return {
        Type: p.Type,
        IdentitySource: p.IdentitySource,
        AuthorizerResultTtlInSeconds: p.AuthorizerResultTtlInSeconds,
      };
    };
    expect(pick(cdk.template)).toEqual(pick(sls.template));
    expect(pick(cdk.template)).toEqual({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('has HTTP API authorizers that match each flavour`s answer mode, with the same payload and TTL', () => {
    const props = (t: CfnTemplate) =>
      onlyResourceOfType(t, 'AWS::ApiGatewayV2::Authorizer')[1].Properties ?? {};
    const pick = (t: CfnTemplate) => {
      const p = props(t);
      return Object.fromEntries(
        ['AuthorizerType', 'AuthorizerPayloadFormatVersion', 'AuthorizerResultTtlInSeconds'].map((k) => [
          k,
          p[k],
        ]),
      );
    };
    expect(pick(cdk.template)).toEqual(pick(sls.template));
    // The HTTP API decision: IAM policies keyed by the token; simple answers keyed by token and route.
    for (const flavour of [cdk, sls]) {
      const p = props(flavour.template);
      if (flavour.env.COGAUTH_HTTP_API_RESPONSE === 'iam') {
        expect(p.EnableSimpleResponses ?? false).toBe(false);
        expect(p.IdentitySource).toEqual(['$request.header.Authorization']);
      } else {
        expect(p.EnableSimpleResponses).toBe(true);
        expect(p.IdentitySource).toEqual(['$request.header.Authorization', '$context.routeKey']);
      }
    }
    expect(cdk.env.COGAUTH_HTTP_API_RESPONSE).toBe('iam');
    expect(sls.env.COGAUTH_HTTP_API_RESPONSE).toBe('iam');
  });

  it('guards the same REST and HTTP routes, all with the authorizer', () => {
    const rest = (t: CfnTemplate) =>
      [...restRoutes(t)].map(([k, v]) => `${k} ${String(v.authorizationType)}`).sort();
    expect(rest(cdk.template)).toEqual(rest(sls.template));
    const http = (t: CfnTemplate) =>
      resourcesOfType(t, 'AWS::ApiGatewayV2::Route')
        .map(([, r]) => `${String(r.Properties?.RouteKey)} ${String(r.Properties?.AuthorizationType)}`)
        .sort();
    expect(http(cdk.template)).toEqual(http(sls.template));
    expect(rest(cdk.template)).toHaveLength(4);
    // The backend reads REST (v1) and HTTP API payload 2.0 events: both flavours must send the same ones.
    const integrations = (t: CfnTemplate) => [
      ...new Set([
        ...resourcesOfType(t, 'AWS::ApiGateway::Method').map(
          ([, m]) => `REST ${String((m.Properties?.Integration as { Type?: string } | undefined)?.Type)}`,
        ),
        ...resourcesOfType(t, 'AWS::ApiGatewayV2::Integration').map(
          ([, i]) =>
            `HTTP ${String(i.Properties?.IntegrationType)} ${String(i.Properties?.PayloadFormatVersion)}`,
        ),
      ]),
    ];
    expect(integrations(cdk.template).sort()).toEqual(integrations(sls.template).sort());
  });

  it('has the same five alarms: metrics, dimensions, statistics, thresholds, periods, descriptions', () => {
    const cdkAlarms = alarmsOf(cdk.template);
    expect(cdkAlarms).toHaveLength(5);
    expect(alarmsOf(sls.template)).toEqual(cdkAlarms);
    // The function is what both flavours' alarms watch; its timeout (10 s) sets the duration threshold.
    expect(JSON.stringify(cdkAlarms)).toContain('"Value":"fn"');
    expect(cdkAlarms).toContainEqual(expect.objectContaining({ Threshold: 8000 }));
  });

  it('serves the routes with the same sample backend bytes and exports', () => {
    const exportsOf = (t: CfnTemplate) =>
      resourcesOfType(t, 'AWS::Lambda::Function')
        .map(([, f]) => handlerFile(f.Properties?.Handler).exportName)
        .filter((name) => name !== 'handler')
        .sort();
    expect(exportsOf(cdk.template)).toEqual(exportsOf(sls.template));
    const slsBackend = sls.backendFiles.get('dist/backend/index.mjs');
    const cdkBackend = cdk.backendFiles.get('index.mjs');
    expect(slsBackend && cdkBackend && sha256(cdkBackend)).toBe(slsBackend && sha256(slsBackend));
  });
});

/** Whether an IAM policy resource (with `*` wildcards) covers `arn`; a linear left-to-right scan. */
function covers(pattern: string, arn: string): boolean {
  const parts = pattern.split('*');
  if (!arn.startsWith(parts[0] as string)) return false;
  let at = (parts[0] as string).length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = arn.indexOf(parts[i] as string, at);
    if (found < 0) return false;
    at = found + (parts[i] as string).length;
  }
  const last = parts.length > 1 ? (parts[parts.length - 1] as string) : '';
  return parts.length === 1 ? arn === pattern : arn.length - last.length >= at && arn.endsWith(last);
}

/** An HTTP API answer as API Gateway applies it: a simple answer, or an IAM policy for this route ARN. */
function httpDecision(answer: unknown, routeArn: string): 'allow' | 'deny' | string {
  const a = answer as {
    result?: {
      isAuthorized?: boolean;
      policyDocument?: { Statement: { Effect: string; Resource: string[] | string }[] };
    };
    error?: string;
  };
  if (a.error !== undefined) return a.error;
  if (typeof a.result?.isAuthorized === 'boolean') return a.result.isAuthorized ? 'allow' : 'deny';
  const statements = a.result?.policyDocument?.Statement ?? [];
  const matches = (effect: string) =>
    statements.some((s) => s.Effect === effect && [s.Resource].flat().some((r) => covers(r, routeArn)));
  return matches('Allow') && !matches('Deny') ? 'allow' : 'deny';
}

describe('the same decisions in both flavours', () => {
  const ROUTES = ['GET /messages', 'POST /messages', 'DELETE /messages/{id}', 'GET /me', 'PUT /messages'];
  const key = signingKey();
  const otherKey = signingKey();
  const tokens: Record<string, string> = {
    reader: `Bearer ${accessToken(key, { userPoolId: POOL, clientId: CLIENT, groups: ['readers'] })}`,
    writer: `Bearer ${accessToken(key, { userPoolId: POOL, clientId: CLIENT, groups: ['writers'] })}`,
    admin: `Bearer ${accessToken(key, { userPoolId: POOL, clientId: CLIENT, groups: ['admin'] })}`,
    noGroups: `Bearer ${accessToken(key, { userPoolId: POOL, clientId: CLIENT })}`,
    otherClient: `Bearer ${accessToken(key, { userPoolId: POOL, clientId: 'someoneelse', groups: ['admin'] })}`,
    forged: `Bearer ${accessToken(otherKey, { userPoolId: POOL, clientId: CLIENT, groups: ['admin'] })}`,
    garbage: 'Bearer not-a-jwt',
  };
  const events: { label: string; event: Record<string, unknown> }[] = [];
  for (const [who, header] of Object.entries(tokens)) {
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const resource = path.replace('{id}', '42');
      events.push({
        label: `${who} REST ${route}`,
        event: {
          type: 'TOKEN',
          authorizationToken: header,
          methodArn: `arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/${method}${resource}`,
        },
      });
      events.push({
        label: `${who} HTTP ${route}`,
        event: {
          version: '2.0',
          type: 'REQUEST',
          routeKey: route,
          routeArn: `arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/${method}${resource}`,
          identitySource: [header, route],
          headers: { authorization: header },
        },
      });
    }
  }

  /** Runs the deployed bundle of a flavour with its deployed environment (pool and client filled in). */
  function decide(flavour: Flavour, env: Record<string, string>): { results: unknown[]; logs: string } {
    const dir = tempOutdir();
    writeFileSync(join(dir, 'events.json'), JSON.stringify(events.map((e) => e.event)));
    const bundle = join(flavour.taskRoot, handlerFile(flavour.authorizer.Handler).file);
    const run = spawnSync(
      process.execPath,
      [RUNNER, bundle, join(dir, 'events.json'), join(dir, 'results.json')],
      {
        cwd: flavour.taskRoot,
        encoding: 'utf8',
        timeout: 60_000,
        env: offlineEnv({ ...env, LAMBDA_TASK_ROOT: flavour.taskRoot }),
      },
    );
    if (run.status !== 0) throw new Error(`authorizer failed to start (${run.status}):\n${run.stderr}`);
    return {
      results: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')),
      logs: run.stdout + run.stderr,
    };
  }

  function deployedEnv(flavour: Flavour): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(flavour.env)) {
      if (typeof value === 'string') env[name] = value;
      else {
        // A CloudFormation reference: to the pool or to the app client.
        const type = flavour.template.Resources[logicalIdOf(value) ?? '']?.Type;
        if (type === 'AWS::Cognito::UserPool') env[name] = POOL;
        else if (type === 'AWS::Cognito::UserPoolClient') env[name] = CLIENT;
        else throw new Error(`${name}: unexpected value ${JSON.stringify(value)}`);
      }
    }
    // Cognito's JWKS endpoint cannot be reached here: both get the test key the documented way.
    env.COGAUTH_JWKS = JSON.stringify(key.jwks);
    return env;
  }

  it('answers every token on every route identically, and as the rules say', () => {
    const fromSls = decide(sls, deployedEnv(sls));
    const fromCdk = decide(cdk, deployedEnv(cdk));
    // REST answers are the same policies; HTTP answers the same decisions, whichever mode each flavour uses.
    const normal = (results: unknown[]) =>
      results.map((r, i) => {
        const e = events[i] as { label: string; event: Record<string, unknown> };
        return e.label.includes(' HTTP ') ? httpDecision(r, String(e.event.routeArn)) : r;
      });
    expect(normal(fromCdk.results)).toEqual(normal(fromSls.results));

    const answer = (label: string) => {
      const i = events.findIndex((e) => e.label === label);
      if (i < 0) throw new Error(`no event ${label}`);
      return fromCdk.results[i] as {
        result?: {
          isAuthorized?: boolean;
          policyDocument?: { Statement: { Effect: string; Resource: string[] }[] };
        };
        error?: string;
      };
    };
    const http = (label: string) => {
      const i = events.findIndex((e) => e.label === label);
      return httpDecision(fromCdk.results[i], String(events[i]?.event.routeArn));
    };
    const allowed = (label: string) =>
      (answer(label).result?.policyDocument?.Statement ?? [])
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => s.Resource);
    // A REST Allow lists every route the caller may use (the cached policy must hold for all of them).
    expect(allowed('reader REST GET /messages').some((r) => r.endsWith('/POST/messages'))).toBe(false);
    expect(allowed('writer REST GET /messages').some((r) => r.endsWith('/POST/messages'))).toBe(true);
    expect(allowed('writer REST GET /me').some((r) => r.includes('/DELETE/messages/'))).toBe(false);
    expect(allowed('admin REST GET /me').some((r) => r.includes('/DELETE/messages/'))).toBe(true);
    expect(answer('forged REST GET /messages').error).toBe('Unauthorized');
    expect(http('reader HTTP GET /messages')).toBe('allow');
    expect(http('reader HTTP POST /messages')).toBe('deny');
    expect(http('writer HTTP POST /messages')).toBe('allow');
    expect(http('writer HTTP DELETE /messages/{id}')).toBe('deny');
    expect(http('admin HTTP DELETE /messages/{id}')).toBe('allow');
    expect(http('noGroups HTTP GET /me')).toBe('allow');
    expect(http('admin HTTP PUT /messages')).toBe('deny');
    for (const who of ['otherClient', 'forged', 'garbage']) {
      expect(http(`${who} HTTP GET /messages`), who).toBe('Unauthorized');
    }
    // No token reaches either flavour's logs.
    for (const header of Object.values(tokens)) {
      const token = header.slice('Bearer '.length);
      expect(fromSls.logs).not.toContain(token);
      expect(fromCdk.logs).not.toContain(token);
    }
  });
});
