/**
 * Every TypeScript snippet in README.md runs as a user would run it: as its own CDK app (tsx, with
 * CDK_OUTDIR set so the App synthesizes on exit) in a directory outside the workspace, importing
 * `@cogauth/cdk` by name (the package's exports, i.e. the built dist/). Each template must hold the authorizer and guard every route.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
const SNIPPETS = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
// Outside the workspace; its node_modules links `@cogauth/cdk` (this package, by its name and exports) and the
// CDK libraries a user's app has. Node follows the links to one real copy of each.
const work = mkdtempSync(join(tmpdir(), 'cogauth-cdk-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
mkdirSync(join(work, 'node_modules', '@cogauth'), { recursive: true });
symlinkSync(PACKAGE_DIR, join(work, 'node_modules', '@cogauth', 'cdk'), 'dir');
for (const name of ['aws-cdk-lib', 'constructs']) {
  symlinkSync(join(PACKAGE_DIR, 'node_modules', name), join(work, 'node_modules', name), 'dir');
}
writeFileSync(join(work, 'package.json'), '{"type":"module"}');

type Resource = { Type: string; Properties?: Record<string, unknown> };

function synth(index: number, code: string): Resource[] {
  const file = join(work, `snippet-${index}.ts`);
  const outdir = join(work, `out-${index}`);
  mkdirSync(outdir);
  writeFileSync(file, code);
  const run = spawnSync(process.execPath, [join(PACKAGE_DIR, 'node_modules/tsx/dist/cli.mjs'), file], {
    cwd: work,
    encoding: 'utf8',
    // A fresh node loading aws-cdk-lib per snippet: seconds when idle, over a minute on a loaded 2-core box.
    timeout: 170_000,
    env: { ...process.env, CDK_OUTDIR: outdir },
  });
  if (run.status !== 0) throw new Error(`README snippet ${index} failed:\n${run.stdout}\n${run.stderr}`);
  const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
  expect(templates).toHaveLength(1);
  const template = JSON.parse(readFileSync(join(outdir, templates[0] as string), 'utf8'));
  return Object.values(template.Resources as Record<string, Resource>);
}

describe('README snippets', () => {
  it('has the "add cogauth to your existing API" example first after the install line', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(3);
    const afterInstall = README.slice(README.indexOf('npm i @cogauth/cdk'));
    expect(afterInstall.indexOf('## Add cogauth to your existing API')).toBeLessThan(
      afterInstall.indexOf('```ts'),
    );
    expect(SNIPPETS[0]?.trim().split('\n').length).toBeLessThanOrEqual(20);
  });

  it.each(SNIPPETS.map((code, i) => [i, code] as const))(
    'snippet %i synthesizes with every route guarded',
    (i, code) => {
      const resources = synth(i, code);
      const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
      expect(functions.map((f) => f.Properties?.Handler)).toEqual(['index.handler']);
      const methods = resources.filter((r) => r.Type === 'AWS::ApiGateway::Method');
      const routes = resources.filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
      expect(methods.length + routes.length).toBeGreaterThan(0);
      for (const r of [...methods, ...routes]) {
        expect(
          r.Properties?.AuthorizationType,
          JSON.stringify(r.Properties?.RouteKey ?? r.Properties?.HttpMethod),
        ).toBe('CUSTOM');
      }
      // A monitoring snippet gets the five alarms but those it sets to false, named after its prefix.
      const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
      const prefix = /namePrefix: '([^']+)'/.exec(code)?.[1];
      const left = (code.match(/\b\w+: false\b/g) ?? []).length;
      expect(alarms.length).toBe(code.includes('monitoring:') ? 5 - left : 0);
      for (const a of alarms) expect(String(a.Properties?.AlarmName)).toMatch(new RegExp(`^${prefix}-`));
    },
    180_000,
  );
});
