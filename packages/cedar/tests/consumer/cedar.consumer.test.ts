/**
 * What a user installs: `pnpm pack` @cogauth/core and @cogauth/cedar, `npm install` both tarballs into a
 * project outside the workspace, then run the README's example with plain node, type-check it, bundle it
 * with esbuild (the engine's WebAssembly beside the bundle) and lint the package (publint, attw).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attwTarball,
  type ConsumerProject,
  type PackedPackage,
  packAndInstall,
  publintInstalled,
  type TypeScriptCompiler,
  typeScriptCompilers,
} from '@cogauth/test-fixtures';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CORE_DIR = join(PACKAGE_DIR, '..', 'core');

let consumer: ConsumerProject;
let cedar: PackedPackage;

const EXAMPLE = `import { loadCedar } from '@cogauth/cedar';

const engine = loadCedar({
  policies: \`permit (
    principal in MyApi::UserGroup::"us-east-1_ABC1234|developer",
    action in [MyApi::Action::"get /users"],
    resource
  );\`,
});
const claims = Object.freeze({
  sub: 'a1b2', iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ABC1234',
  token_use: 'access', exp: 1, 'cognito:groups': ['developer'],
});
const allowed = engine.decide(claims, { method: 'GET', path: '/users' }).allowed;
const denied = engine.decide(claims, { method: 'POST', path: '/users' }).allowed;
console.log(JSON.stringify({ allowed, denied, actions: engine.actions.map((a) => a.id) }));
`;

beforeAll(() => {
  consumer = packAndInstall({
    packages: [CORE_DIR, PACKAGE_DIR],
    dependencies: ['@types/node@20.19.25'],
    packageJson: { type: 'module' },
    prefix: 'cogauth-cedar-consumer-',
  });
  cedar = consumer.packed.find((p) => p.name === '@cogauth/cedar') as PackedPackage;
  writeFileSync(join(consumer.dir, 'example.mjs'), EXAMPLE);
  writeFileSync(
    join(consumer.dir, 'example.ts'),
    EXAMPLE.replace('Object.freeze({', 'Object.freeze({\n  aud: undefined,'),
  );
}, 180_000);
afterAll(() => consumer?.cleanup());

function runNode(file: string): Record<string, unknown> {
  const r = consumer.run(process.execPath, [file]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const EXPECTED = { allowed: true, denied: false, actions: ['get /users'] };

describe('the @cogauth/cedar tarball', () => {
  it('holds the licence, the README, the built JavaScript and its types, the CommonJS build, the Lambda bundle, nothing else', () => {
    expect(cedar.files.filter((f) => !/^dist\/[a-z-]+\.(js|d\.ts)$/.test(f))).toEqual([
      'LICENSE',
      'README.md',
      'dist/index.cjs',
      'dist/lambda/cedar_wasm_bg.wasm',
      'dist/lambda/index.mjs',
      'package.json',
    ]);
    expect(cedar.files).toContain('dist/index.js');
    expect(cedar.files).toContain('dist/index.d.ts');
  });

  it('runs the README example with plain node (the engine read from @cedar-policy/cedar-wasm)', () => {
    expect(runNode('example.mjs')).toEqual(EXPECTED);
  });

  it('bundles with esbuild; the bundle runs with the .wasm beside it passed as `wasm`', async () => {
    const out = join(consumer.dir, 'bundle', 'index.mjs');
    mkdirSync(join(consumer.dir, 'bundle'));
    const wasmFrom = join(consumer.packageDir('@cedar-policy/cedar-wasm'), 'web', 'cedar_wasm_bg.wasm');
    copyFileSync(wasmFrom, join(consumer.dir, 'bundle', 'cedar_wasm_bg.wasm'));
    const withWasm = join(consumer.dir, 'bundle', 'run.mjs');
    writeFileSync(
      withWasm,
      EXAMPLE.replace(
        "from '@cogauth/cedar'",
        "from '@cogauth/cedar'; import { readFileSync } from 'node:fs'",
      ).replace(
        'const engine = loadCedar({',
        "const engine = loadCedar({ wasm: readFileSync(new URL('./cedar_wasm_bg.wasm', import.meta.url)),",
      ),
    );
    await build({
      entryPoints: [withWasm],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      allowOverwrite: true,
      logLevel: 'silent',
    });
    expect(runNode(out)).toEqual(EXPECTED);
  });

  it('type-checks the example with TypeScript 7 (NodeNext)', () => {
    writeFileSync(
      join(consumer.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['example.ts'],
      }),
    );
    const ts7 = typeScriptCompilers().find((c) => c.version.startsWith('7.')) as TypeScriptCompiler;
    const r = consumer.run(process.execPath, [...ts7.command, '-p', 'tsconfig.json']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('dist/index.cjs, which the CDK construct requires by path, loads in CommonJS with the installed core', () => {
    const cjs = join(consumer.packageDir('@cogauth/cedar'), 'dist', 'index.cjs');
    const script = `const { loadCedar } = require(${JSON.stringify(cjs)});
      const engine = loadCedar({ policies: 'permit (principal, action == MyApi::Action::"get /users", resource);' });
      console.log(JSON.stringify({ actions: engine.actions.map((a) => a.id), core: require.resolve('@cogauth/core') }));`;
    const r = consumer.run(process.execPath, ['-e', script]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { actions: string[]; core: string };
    expect(out.actions).toEqual(['get /users']);
    expect(out.core.startsWith(consumer.dir)).toBe(true);
  });

  it('publint finds nothing', async () => {
    expect(await publintInstalled(consumer.packageDir('@cogauth/cedar'))).toEqual([]);
  });

  it('are-the-types-wrong: no problem but the explained one', () => {
    // ESM only, like @cogauth/cdk: a CommonJS consumer resolved the node16 way gets ESM. `./lambda-bundle` is
    // the deployable file the deploy packages locate, not a module to import (as core's).
    const found = attwTarball(cedar.tarball, ['--exclude-entrypoints', './lambda-bundle']);
    expect(found.map((f) => f.message)).toEqual(['CJSResolvesToESM . node16-cjs']);
  });

  it('the installed Lambda bundle answers an event, configured from the environment and a policies file', () => {
    const dir = join(consumer.dir, 'task');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'policies.cedar'),
      'permit (principal, action == MyApi::Action::"get /users", resource);\n',
    );
    const script = `const { handler } = await import('@cogauth/cedar/lambda-bundle');
      const answer = await handler({ type: 'TOKEN', authorizationToken: 'Bearer a.b.c', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1/prod/GET/users' }).catch((e) => e.message);
      console.log(JSON.stringify({ answer }));`;
    const r = consumer.run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        LAMBDA_TASK_ROOT: dir,
        COGAUTH_USER_POOL_ID: 'us-east-1_ABC1234',
        COGAUTH_CLIENT_IDS: '*',
        COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar',
      },
    });
    expect(r.stdout).toContain('"reason":"TOKEN_MALFORMED"');
    expect(JSON.parse(r.stdout.trim().split('\n').pop() as string)).toEqual({ answer: 'Unauthorized' });
  });
});
