/**
 * `pnpm --filter @cogauth/cdk-stack synth` as a user runs it: the real cdk CLI, offline, with no AWS
 * credentials or configuration, writing cdk.out. One subprocess for the whole file.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '../lib/app.js';
import {
  authorizerBundleDir,
  type CfnTemplate,
  onlyResourceOfType,
  removeOutdirs,
  resourcesOfType,
  tempOutdir,
} from './support/synth.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const CDK_OUT = join(APP_DIR, 'cdk.out');
const TEMPLATE_FILE = join(CDK_OUT, `${STACK_NAME}.template.json`);

const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 60_000 });
const cfnLintAvailable = cfnLint.status === 0;
if (!cfnLintAvailable) {
  console.warn(
    `cfn-lint test skipped: cfn-lint is not on PATH (${cfnLint.error?.message ?? cfnLint.stderr.trim()}); ` +
      'install it with `pip install cfn-lint` to lint the synthesized template.',
  );
}

/** The environment of a machine with no AWS credentials or config at all. */
function noAwsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|CDK_)/.test(k)) env[k] = v;
  const nowhere = join(tempOutdir(), 'none');
  return {
    ...env,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

let synth: SpawnSyncReturns<string>;
let template: CfnTemplate;

beforeAll(() => {
  rmSync(CDK_OUT, { recursive: true, force: true });
  synth = spawnSync('pnpm', ['--filter', '@cogauth/cdk-stack', 'synth'], {
    cwd: APP_DIR,
    encoding: 'utf8',
    timeout: 120_000,
    env: noAwsEnv(),
  });
  if (synth.status !== 0) {
    throw new Error(`cdk synth failed (${synth.status ?? synth.signal}):\n${synth.stdout}\n${synth.stderr}`);
  }
  template = JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8'));
}, 150_000);
afterAll(removeOutdirs);

describe('pnpm --filter @cogauth/cdk-stack synth', () => {
  it('writes the stack template to cdk.out with no credentials, and no cdk-nag finding', () => {
    expect(existsSync(TEMPLATE_FILE)).toBe(true);
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/AwsSolutions-|Validation failed/);
    const [, authorizer] = onlyResourceOfType(template, 'AWS::ApiGateway::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(resourcesOfType(template, 'AWS::ApiGateway::Method')).toHaveLength(4);
    expect(resourcesOfType(template, 'AWS::ApiGatewayV2::Route')).toHaveLength(4);
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['UserPoolId', 'UserPoolClientId', 'RestApiUrl', 'HttpApiUrl', 'JwksUri']),
    );
  });

  it('stages the @cogauth/core bundle unchanged as the authorizer asset', () => {
    const core = createHash('sha256')
      .update(readFileSync(join(authorizerBundleDir(), 'index.mjs')))
      .digest('hex');
    const authorizers = resourcesOfType(template, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties?.Handler === 'index.handler',
    );
    expect(authorizers).toHaveLength(1);
    const code = authorizers[0]?.[1].Properties?.Code as { S3Key: string };
    const key = code.S3Key.replace(/\.zip$/, '');
    const assetDir = join(CDK_OUT, `asset.${key}`);
    expect(readdirSync(assetDir)).toEqual(['index.mjs']);
    expect(
      createHash('sha256')
        .update(readFileSync(join(assetDir, 'index.mjs')))
        .digest('hex'),
    ).toBe(core);
  });

  it('produces the same resources as the in-process app the other tests check', () => {
    const { stack } = buildApp({ outdir: tempOutdir() });
    const inProcess = Template.fromStack(stack).toJSON() as CfnTemplate;
    // The REST deployment's logical id hashes construct metadata, which the CLI adds and tests do not.
    const properties = (t: CfnTemplate) =>
      JSON.parse(
        JSON.stringify(
          Object.fromEntries(
            Object.entries(t.Resources)
              .filter(([, r]) => r.Type !== 'AWS::CDK::Metadata')
              .map(([id, r]) => [id, { Type: r.Type, Properties: r.Properties }]),
          ),
        ).replace(/(RestApiDeployment[0-9A-F]{8})[0-9a-f]{32}/g, '$1'),
      );
    expect(properties(template)).toEqual(properties(inProcess));
  });

  it.skipIf(!cfnLintAvailable)('passes cfn-lint with no errors', () => {
    const lint = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', TEMPLATE_FILE], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (lint.stdout.trim() !== '') console.info(`cfn-lint (warnings/informational):\n${lint.stdout}`);
    expect(lint.error).toBeUndefined();
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });
});
