import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCedar } from '@cogauth/cedar';
import { type CognitoClaims, createCognitoVerifier } from '@cogauth/core';
import { decide, parseRules } from '@cogauth/core/rules';
import { cognitoAccessClaims, generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/*
 * `cogauth rules-to-cedar` and `cogauth check --policies`, through the built binary: the translation
 * decides as the rules, check explains which Cedar policies permitted or forbade, and the Cedar engine
 * (4 MB of WebAssembly) is never loaded at start-up by any command.
 */

const dir = mkdtempSync(join(tmpdir(), 'cogauth-cli-cedar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const POOL = 'us-east-1_CedarPool1';
const CLIENT = 'cedarclient';
const key = generateTestKey({ kid: 'cli-cedar' });
const jwksFile = join(dir, 'jwks.json');
writeFileSync(jwksFile, JSON.stringify(jwksOf(key)));
const RULES = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'], scopes: ['api/admin'] },
];
const rulesFile = join(dir, 'rules.json');
writeFileSync(rulesFile, JSON.stringify(RULES));
const pool = ['--user-pool-id', POOL, '--client-id', CLIENT, '--jwks-file', jwksFile];
const token = (groups: string[], scope?: string) =>
  signJwt(cognitoAccessClaims({ poolId: POOL, clientId: CLIENT, groups, ...(scope ? { scope } : {}) }), key);

describe('cogauth rules-to-cedar', () => {
  it('prints policies (and writes the schema) that decide as the rules, for every caller and route', async () => {
    const schemaFile = join(dir, 'schema.json');
    const res = await runCli([
      'rules-to-cedar',
      rulesFile,
      '--user-pool-id',
      POOL,
      '--namespace',
      'Msg',
      '--schema',
      schemaFile,
    ]);
    expect([res.code, res.stderr]).toEqual([0, '']);
    expect(res.stdout).toContain(
      '@id("rules[1]")\npermit (\n  principal in Msg::UserGroup::"us-east-1_CedarPool1|writers"',
    );
    const engine = loadCedar({ policies: res.stdout, schema: readFileSync(schemaFile, 'utf8') });
    const verifier = createCognitoVerifier({
      userPoolId: POOL,
      clientId: CLIENT,
      tokenUse: 'access',
      jwks: jwksOf(key),
    });
    const rules = parseRules(RULES);
    for (const [groups, scope] of [
      [[], undefined],
      [['writers'], undefined],
      [['admin'], 'api/admin'],
      [['admin'], undefined],
    ] as const) {
      const claims = (await verifier.verify(token([...groups], scope))) as CognitoClaims;
      for (const [method, path] of [
        ['GET', '/messages'],
        ['POST', '/messages'],
        ['DELETE', '/messages/7'],
      ] as const) {
        const byRules = decide({ kind: 'http', method, path }, { claims }, rules).status === 200;
        expect([groups, method, engine.decide(claims, { method, path }).allowed]).toEqual([
          groups,
          method,
          byRules,
        ]);
      }
    }
  });

  it('--json prints policies, schema and actions; a bad rule is a config error naming it', async () => {
    const json = await runCli(['rules-to-cedar', rulesFile, '--user-pool-id', POOL, '--json']);
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(['policies', 'schema', 'actions']);
    expect(JSON.parse(json.stdout).schema).toHaveProperty('CogauthApi');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ route: 'GET /a' }, { route: 'FETCH /b' }]));
    const res = await runCli(['rules-to-cedar', bad, '--user-pool-id', POOL]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^cogauth: config error: rules\[1\]\.route: invalid route "FETCH \/b"/);
    expect((await runCli(['rules-to-cedar', rulesFile])).stderr).toMatch(/no --user-pool-id/);
  });
});

describe('cogauth check --policies', () => {
  const policies = join(dir, 'policies.cedar');
  writeFileSync(
    policies,
    `@id("readers")
permit (principal, action == MyApi::Action::"get /messages", resource);
@id("writers")
permit (principal in MyApi::UserGroup::"${POOL}|writers", action == MyApi::Action::"post /messages", resource);
@id("no-interns")
forbid (principal in MyApi::UserGroup::"${POOL}|interns", action, resource);
`,
  );
  const check = (route: string, t: string, ...extra: string[]) =>
    runCli(['check', ...pool, '--policies', policies, '--route', route, ...extra, t]);

  it('explains an allow by the policies that permitted it, a deny by those that forbade it', async () => {
    const allowed = await check('POST /messages', token(['writers']));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(
      'Cedar action for this route: post /messages: allow\n  permitted by: writers',
    );
    expect(allowed.stdout).toContain('routes this token may call:\n  GET /messages\n  POST /messages');
    const forbidden = await check('GET /messages', token(['interns']));
    expect(forbidden.code).toBe(1);
    expect(forbidden.stdout).toContain('decision: 403 Forbidden (Deny)');
    expect(forbidden.stdout).toContain('get /messages: deny\n  forbidden by: no-interns');
    const none = await check('POST /messages', token([]));
    expect(none.stdout).toContain('post /messages: deny\n  no policy permits it');
  });

  it('--json holds the decision, the policy document and Cedar’s answer', async () => {
    const res = await check('POST /messages', token(['writers']), '--json');
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({
      decision: 'Allow',
      status: 200,
      reason: 'ALLOWED',
      permittedRoutes: ['GET /messages', 'POST /messages'],
      cedar: {
        actions: [
          { action: 'post /messages', decision: 'allow', determining: ['writers'], perRequest: false },
        ],
      },
      policyDocument: { Statement: [{ Effect: 'Allow' }] },
    });
  });

  it('a bad policy is a config error naming it and where; --rules with --policies is a usage error', async () => {
    const bad = join(dir, 'bad.cedar');
    writeFileSync(bad, 'permit (principal, action == , resource);');
    const res = await runCli(['check', ...pool, '--policies', bad, '--route', 'GET /messages', token([])]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^cogauth: config error: policies: policy0 at line 1, column 30/);
    const both = await runCli([
      'check',
      ...pool,
      '--policies',
      policies,
      '--rules',
      rulesFile,
      '--route',
      'GET /x',
      token([]),
    ]);
    expect([both.code, both.stderr]).toEqual([2, 'cogauth: give --rules or --policies, not both\n']);
  });
});

describe('start-up', () => {
  it('no command loads @cogauth/cedar until it runs: dist/main.js imports it dynamically only', () => {
    const main = readFileSync(fileURLToPath(new URL('../../dist/main.js', import.meta.url)), 'utf8');
    expect(main).not.toMatch(/^\s*import\b[^;]*["']@cogauth\/cedar["']/m);
    // One import, in cedar-package.ts, which rules-to-cedar and check --policies call when they run.
    expect(main.match(/import\("@cogauth\/cedar"\)/g)).toHaveLength(1);
  });
});
