import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, copyFixtureService, OSLS_BIN, type ServiceCopy } from '../helpers/fixture-service.js';

// `osls package` of the fixture service twice: with `answerMode: per-request` (the template must keep a
// per-request answer from being reused for another route), and with 400 routes in all-routes mode (the
// command must stop, naming the setting and API Gateway's limit, before anything is packaged).

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const run = promisify(execFile);
const services: ServiceCopy[] = [];
let resources: Resource[] = [];
let refusal = '';

function copy(prefix: string): ServiceCopy {
  const service = copyFixtureService(prefix);
  services.push(service);
  return service;
}

/** 400 routes: /api/r<i> with GET, POST, GET /{id}, PUT /{id}, DELETE /{id} for admins. */
function fourHundredRoutes(): { route: string; groups?: string[] }[] {
  const shapes = ['GET ', 'POST ', 'GET /{id}', 'PUT /{id}', 'DELETE /{id}'];
  return Array.from({ length: 400 }, (_, i) => {
    const [verb, tail = ''] = (shapes[i % 5] as string).split(' ');
    const route = `${verb} /api/r${Math.floor(i / 5)}${tail}`;
    return verb === 'DELETE' ? { route, groups: ['admin'] } : { route };
  });
}

async function perRequestTemplate(): Promise<void> {
  const service = copy('cogauth-plugin-per-request-');
  const out = join(service.root, 'out');
  await run(process.execPath, [OSLS_BIN, 'package', '--stage', 'test', '--package', out], {
    cwd: service.serviceDir,
    env: cleanEnv(service.root, { FIXTURE_ANSWER_MODE: 'per-request' }),
    timeout: 230_000,
  });
  const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = Object.values(template.Resources as Record<string, Resource>);
}

async function tooLarge(): Promise<void> {
  const service = copy('cogauth-plugin-too-large-');
  writeFileSync(join(service.serviceDir, 'many-rules.json'), JSON.stringify(fourHundredRoutes()));
  try {
    await run(
      process.execPath,
      [OSLS_BIN, 'package', '--stage', 'test', '--package', join(service.root, 'out')],
      {
        cwd: service.serviceDir,
        env: cleanEnv(service.root, { FIXTURE_RULES_FILE: 'many-rules.json' }),
        timeout: 230_000,
      },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    refusal = `${stdout}\n${stderr}`;
  }
}

beforeAll(() => Promise.all([perRequestTemplate(), tooLarge()]), 240_000);
afterAll(() => {
  for (const s of services) s.remove();
});

const ofType = (type: string) => resources.filter((r) => r.Type === type).map((r) => r.Properties);

describe('osls package with answerMode: per-request', () => {
  it('tells the function (COGAUTH_ANSWER_MODE=per-request)', () => {
    const functions = ofType('AWS::Lambda::Function').filter((f) => f.Handler === 'index.handler');
    expect(functions).toHaveLength(1);
    expect((functions[0]?.Environment as { Variables?: unknown } | undefined)?.Variables).toMatchObject({
      COGAUTH_ANSWER_MODE: 'per-request',
    });
  });

  it('turns the REST authorizer cache off: it can only key on the token', () => {
    expect(ofType('AWS::ApiGateway::Authorizer')).toEqual([
      expect.objectContaining({ Type: 'TOKEN', AuthorizerResultTtlInSeconds: 0 }),
    ]);
  });

  it('keys the HTTP API authorizer cache on the token and the route key', () => {
    const [http] = ofType('AWS::ApiGatewayV2::Authorizer').filter(
      (a) => a.AuthorizerType === 'REQUEST' && a.AuthorizerPayloadFormatVersion === '2.0',
    );
    expect(http).toMatchObject({
      EnableSimpleResponses: false,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });
});

describe('osls package with 400 routes in all-routes mode', () => {
  it('stops, naming the rules file, the rule count and the 8 KB limit', () => {
    expect(refusal).toContain('custom.cogauth.rulesFile (many-rules.json)');
    expect(refusal).toMatch(/could reach \d+ bytes \(400 rules;/);
    expect(refusal).toContain('API Gateway takes at most 8192 bytes');
    expect(refusal).toContain("answerMode: 'per-request'");
  });
});
