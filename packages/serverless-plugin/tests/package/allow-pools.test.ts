import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, copyFixtureService, OSLS_BIN, type ServiceCopy } from '../helpers/fixture-service.js';

// One `osls package` of the fixture service with `custom.cogauth.allowPools` (read from a file the service
// names) in place of the pool: the template's environment is what core's Lambda entry reads.

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const ENTRIES = [
  {
    regions: ['eu-west-1'],
    userPoolIds: ['eu-west-1_Premium1'],
    tokenUse: 'access',
    clientId: null,
    groups: ['paid'],
  },
  { regions: ['eu-west-1'], tokenUse: 'access', clientId: ['1example23456789abcdefghij'] },
];

const run = promisify(execFile);
let service: ServiceCopy | undefined;
let variables: Record<string, unknown> = {};
let stderr = '';

beforeAll(async () => {
  service = copyFixtureService('cogauth-plugin-allow-pools-');
  const yml = join(service.serviceDir, 'serverless.yml');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's pool lines, Serverless variables
  const pool = '    userPoolId: ${param:userPoolId}\n    clientIds: ${param:clientIds}\n';
  const text = readFileSync(yml, 'utf8');
  if (!text.includes(pool))
    throw new Error('the fixture service no longer names its pool as this test expects');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless file variable
  const allow = '    allowPools: ${file(allow-pools.json)}\n    maxPools: 250\n    maxPoolFetches: 30\n';
  writeFileSync(yml, text.replace(pool, allow));
  writeFileSync(join(service.serviceDir, 'allow-pools.json'), JSON.stringify(ENTRIES));
  const out = join(service.root, 'out');
  const result = await run(process.execPath, [OSLS_BIN, 'package', '--stage', 'test', '--package', out], {
    cwd: service.serviceDir,
    env: cleanEnv(service.root),
    timeout: 230_000,
  });
  stderr = result.stderr;
  const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  const fn = (template.Resources as Record<string, Resource>).CogauthAuthorizerLambdaFunction as Resource;
  variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}, 240_000);

afterAll(() => service?.remove());

describe('osls package with custom.cogauth.allowPools', () => {
  it('gives the function COGAUTH_POOL_ALLOWLIST and its limits, and no single-pool variable', () => {
    const { COGAUTH_POOL_ALLOWLIST: allowList, ...others } = variables;
    expect(JSON.parse(allowList as string)).toEqual(ENTRIES);
    expect(others).toEqual({
      COGAUTH_MAX_POOLS: '250',
      COGAUTH_MAX_POOL_FETCHES: '30',
      COGAUTH_RULES_FILE: 'rules.json',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
    });
  });

  it('passes osls’ schema for custom.cogauth (no configuration warning)', () => {
    expect(stderr).not.toMatch(/custom\.cogauth|unrecognized property|Configuration error/i);
  });
});
