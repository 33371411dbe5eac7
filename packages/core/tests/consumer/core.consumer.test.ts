import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthorizerPolicyResult } from '../../src/index.js';
import { evaluatePolicy } from '../helpers/assertions.js';
import { CLIENT_ID, httpApiEvent, POOL_ID, PREFIX, requestEvent, tokenEvent } from '../helpers/fixtures.js';

// @cogauth/core as a user gets it: `pnpm pack`, `npm install` of the tarball into a project in the OS
// temp dir (no workspace links), then every way a user loads it.

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TYPES_AWS_LAMBDA = '@types/aws-lambda@8.10.164';
const TYPES_NODE = '@types/node@20.19.25';

let consumer: ConsumerProject;
let core: PackedPackage;

beforeAll(() => {
  consumer = packAndInstall({
    packages: [join(import.meta.dirname, '../..')],
    dependencies: [TYPES_AWS_LAMBDA, TYPES_NODE],
    prefix: 'cogauth-core-consumer-',
  });
  core = consumer.packed[0] as PackedPackage;
  for (const name of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, name), join(consumer.dir, name));
}, 180_000);
afterAll(() => consumer?.cleanup());

function runNode(args: string[]): Record<string, unknown> {
  const r = consumer.run(process.execPath, args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('the tarball', () => {
  it('holds the licence, the README, ESM + CJS JavaScript and their types, nothing else', () => {
    expect(core.name).toBe('@cogauth/core');
    expect(core.files).toContain('LICENSE');
    expect(core.files).toContain('README.md');
    const unexpected = core.files.filter(
      (f) =>
        !['LICENSE', 'README.md', 'package.json'].includes(f) &&
        // JavaScript: the entry points and their shared chunk; declarations mirror src/'s folders.
        !/^dist\/([\w-]+\.js|([\w-]+\/)?[\w-]+\.d\.ts|(web\/)?chunks\/chunk-\w+\.js|web\/(index|hono)\.js|cjs\/[\w-]+\.cjs|cjs\/([\w-]+\/)?[\w-]+\.d\.cts|lambda\/index\.mjs)$/.test(
          f,
        ),
    );
    expect(unexpected).toEqual([]);
    for (const f of [
      'dist/index.js',
      'dist/cjs/index.cjs',
      'dist/cjs/index.d.cts',
      'dist/lambda/index.mjs',
      'dist/web/index.js',
      'dist/web/hono.js',
    ]) {
      expect(core.files).toContain(f);
    }
    // The bundle entry is not an export: no declarations for it. The web build's platform twins are
    // internal too: its types are the Node build's.
    expect(core.files.filter((f) => f.includes('bundle-entry') || f.includes('.web.'))).toEqual([]);
    // dist/lambda/ is the deployable asset (the CDK construct stages the folder): the bundle alone.
    expect(core.files.filter((f) => f.startsWith('dist/lambda/'))).toEqual(['dist/lambda/index.mjs']);
    expect(readFileSync(join(consumer.packageDir('@cogauth/core'), 'LICENSE'), 'utf8')).toMatch(
      /Apache License\s+Version 2\.0/,
    );
  });

  it('publint finds nothing', async () => {
    expect(await publintInstalled(consumer.packageDir('@cogauth/core'))).toEqual([]);
  });

  it('are-the-types-wrong: no problem but the two explained ones', () => {
    // `./lambda-bundle` is excluded: it is the deployable file that deploy tools locate with
    // require.resolve and copy, not a module to import, so it has no types on purpose.
    const found = attwTarball(core.tarball, ['--exclude-entrypoints', './lambda-bundle']).map(
      (f) => f.message,
    );
    // node10 (`moduleResolution: node`/`node10`) ignores `exports`, so no subpath resolves there; the root
    // does (through `main`/`types`). TypeScript 5 deprecates node10 and TypeScript 7 removes it.
    expect(found).toEqual(
      ['lambda', 'cognito', 'rules', 'policy', 'express', 'fastify', 'hono', 'middy', 'alb'].map(
        (e) => `NoResolution ./${e} node10`,
      ),
    );
  });
});

describe('loading the installed package', () => {
  it('imports as ESM; `@cogauth/core/lambda` has no import-time effects and shares the error classes', () => {
    const out = runNode(['esm-check.mjs']);
    expect(out.resolved).toMatch(/\/node_modules\/@cogauth\/core\/dist\/index\.js$/);
    expect(out.lambdaResolved).toMatch(/\/dist\/lambda\.js$/);
    expect(out).toMatchObject({
      lambdaExports: ['handlerFromEnv', 'readEnvironment', 'readVerifierEnvironment', 'writeEnvironment'],
      hasCreateAuthorizer: true,
      sameConfigError: true,
      field: 'COGAUTH_USER_POOL_ID',
    });
  });

  it('loads every subpath as ESM and as CommonJS, each with exactly its documented runtime exports', () => {
    // The framework adapters load without their framework installed (it is an optional peer).
    const subpaths: Record<string, string[]> = {
      '': [
        'CogauthError',
        'ConfigError',
        'VERIFY_ERROR_CODES',
        'VerifyError',
        'createAuthenticator',
        'createAuthorizer',
        'createCognitoVerifier',
        'decodeJwt',
        'refusalOf',
      ],
      '/cognito': [
        'PARTITIONS',
        'cognitoEndpointOf',
        'dnsSuffixOf',
        'isAwsUserPoolId',
        'isClientId',
        'isLoopbackHost',
        'isRegion',
        'issuerFromParts',
        'issuerOf',
        'issuersOf',
        'jwksUriOf',
        'parseUserPoolId',
        'partitionOfRegion',
      ],
      '/rules': ['HTTP_VERBS', 'decide', 'parseRules', 'routePattern', 'verifyAuthorization'],
      '/policy': ['AuthPolicy', 'parseMethodArn'],
      '/lambda': ['handlerFromEnv', 'readEnvironment', 'readVerifierEnvironment', 'writeEnvironment'],
      '/express': ['cogauthExpress'],
      '/fastify': ['cogauthFastify'],
      '/hono': ['cogauthHono'],
      '/middy': ['cogauthMiddy'],
      '/alb': ['createAlbVerifier'],
    };
    const probe = `const out = {};
      for (const sub of ${JSON.stringify(Object.keys(subpaths))}) {
        const esm = await import('@cogauth/core' + sub);
        const cjs = require('@cogauth/core' + sub);
        const keys = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort();
        out[sub] = { esm: keys(esm), cjs: keys(cjs) };
      }
      console.log(JSON.stringify(out));`;
    const out = runNode([
      '--no-experimental-require-module',
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/x.js'); ${probe}`,
    ]);
    for (const [sub, names] of Object.entries(subpaths)) {
      const sorted = [...names].sort();
      expect(out[sub], sub || '.').toEqual({ esm: sorted, cjs: sorted });
    }
  });

  it('loads `@cogauth/core/alb` as ESM and as CommonJS, throwing the root ConfigError', () => {
    const probe = `const out = {};
      for (const [kind, alb, root] of [
        ['esm', await import('@cogauth/core/alb'), await import('@cogauth/core')],
        ['cjs', require('@cogauth/core/alb'), require('@cogauth/core')],
      ]) {
        try { alb.createAlbVerifier({}); } catch (e) { out[kind] = [typeof alb.createAlbVerifier, e instanceof root.ConfigError, e.field]; }
      }
      console.log(JSON.stringify(out));`;
    const out = runNode([
      '--no-experimental-require-module',
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/x.js'); ${probe}`,
    ]);
    expect(out).toEqual({ esm: ['function', true, 'options'], cjs: ['function', true, 'options'] });
  });

  it('requires as CommonJS where require(esm) is unavailable (Node 20.0–20.18), sharing the error classes', () => {
    const out = runNode(['--no-experimental-require-module', 'cjs-check.cjs']);
    expect(out.resolved).toMatch(/\/node_modules\/@cogauth\/core\/dist\/cjs\/index\.cjs$/);
    expect(out.lambdaResolved).toMatch(/\/dist\/cjs\/lambda\.cjs$/);
    expect(out).toMatchObject({
      lambdaExports: ['handlerFromEnv', 'readEnvironment', 'readVerifierEnvironment', 'writeEnvironment'],
      hasCreateAuthorizer: true,
      sameConfigError: true,
      field: 'COGAUTH_USER_POOL_ID',
    });
  });
});

describe('type-checking a consumer', () => {
  const base = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2022'],
    types: ['aws-lambda', 'node'],
  };
  const modes = [
    { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' }, files: ['cts', 'mts'] },
    {
      name: 'nodenext',
      options: { module: 'nodenext', moduleResolution: 'nodenext' },
      files: ['cts', 'mts'],
    },
    { name: 'bundler', options: { module: 'preserve', moduleResolution: 'bundler' }, files: ['ts'] },
  ];

  beforeAll(() => {
    const source = readFileSync(join(FIXTURES, 'handlers.ts'), 'utf8');
    for (const mode of modes) {
      const dir = join(consumer.dir, `types-${mode.name}`);
      mkdirSync(dir);
      for (const ext of mode.files) writeFileSync(join(dir, `handlers.${ext}`), source);
      writeFileSync(
        join(consumer.dir, `tsconfig.${mode.name}.json`),
        JSON.stringify({ compilerOptions: { ...base, ...mode.options }, include: [`types-${mode.name}`] }),
      );
    }
  });

  // TypeScript 7 (native) checks every mode with skipLibCheck: false; TypeScript 5.9 (what most users run)
  // checks the strictest mode again with skipLibCheck on: the same answers, at a tenth of its run time.
  const [ts5, ts7] = typeScriptCompilers() as [TypeScriptCompiler, TypeScriptCompiler];
  for (const mode of modes) {
    it(`TypeScript ${ts7.version}, moduleResolution ${mode.name} (${mode.files.join(', ')})`, () => {
      const r = consumer.run(process.execPath, [...ts7.command, '-p', `tsconfig.${mode.name}.json`]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
  it(`TypeScript ${ts5.version}, moduleResolution nodenext (cts, mts), skipLibCheck`, () => {
    const r = consumer.run(process.execPath, [
      ...ts5.command,
      '-p',
      'tsconfig.nodenext.json',
      '--skipLibCheck',
    ]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('type-checking a consumer without @types/node', () => {
  // A project with no @types at all (not @types/aws-lambda either: its handler.d.ts imports node:stream)
  // and skipLibCheck: false, so every .d.ts a public entry point reaches is checked, ESM and CommonJS, by
  // the workspace's TypeScript installed in that project. Internal types holding a KeyObject or a Buffer
  // used to be reachable from them (jwt.d.ts, jwk.d.ts). Only `./hono` needs a global beyond ES2022: the
  // Fetch API `Response` its middleware returns, which Hono's own types need too (DOM lib, @types/node or
  // the runtime's types); it is checked with the DOM lib, everything else with ES2022 alone.
  const [, ts7] = typeScriptCompilers() as [TypeScriptCompiler, TypeScriptCompiler];
  const common = [
    "import { type CognitoClaims, createAuthorizer, createCognitoVerifier, decodeJwt } from '@cogauth/core';",
    "import { handlerFromEnv, readEnvironment, writeEnvironment } from '@cogauth/core/lambda';",
    "import { issuersOf, isLoopbackHost } from '@cogauth/core/cognito';",
    "import { decide, parseRules, routePattern } from '@cogauth/core/rules';",
    "import { AuthPolicy, parseMethodArn } from '@cogauth/core/policy';",
    "import { cogauthExpress } from '@cogauth/core/express';",
    "import { cogauthFastify } from '@cogauth/core/fastify';",
    "import { cogauthMiddy } from '@cogauth/core/middy';",
    "import { type AlbClaims, createAlbVerifier } from '@cogauth/core/alb';",
    "const verifier = createCognitoVerifier({ userPoolId: 'us-east-1_AbC123', clientId: 'c', tokenUse: 'id' });",
    "export const authorizer = createAuthorizer({ verifier, rules: [{ route: 'GET /a' }] });",
    'export const fromEnv = handlerFromEnv({});',
    'export const adapters = [cogauthExpress, cogauthFastify, cogauthMiddy] as const;',
    'export const contract = [readEnvironment, writeEnvironment] as const;',
    'export const tools = [issuersOf, isLoopbackHost, decide, parseRules, routePattern] as const;',
    'export const policy = [AuthPolicy, parseMethodArn] as const;',
    'export const sub = (claims: CognitoClaims): string => claims.sub;',
    "export const payload = decodeJwt('e30.e30.').payload;",
    "const albArn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/0123456789abcdef';",
    'const alb = createAlbVerifier({ albArn, clientId: null, issuer: null });',
    "export const behindAlb = cogauthExpress({ verifier: alb, rules: [{ route: 'GET /a' }] });",
    'export const email = (claims: AlbClaims): unknown => claims.email;',
    "export const tenants = createCognitoVerifier({ resolvePool: (p) => (p.region === 'eu-west-1' ? { tokenUse: 'id', clientId: null } : undefined) });",
    "export const allowed = createCognitoVerifier({ allowPools: [{ regions: ['eu-west-1'], tokenUse: 'id', clientId: 'c' }] }, { maxPools: 10 });",
  ];
  const programs = [
    { name: 'no-hono', lib: ['es2022'], source: common },
    {
      name: 'every-entry',
      lib: ['es2022', 'dom'],
      source: [
        ...common,
        "import { cogauthHono } from '@cogauth/core/hono';",
        'export const h = cogauthHono;',
      ],
    },
  ];
  const modes = [
    { name: 'node16', options: { module: 'node16', moduleResolution: 'node16' }, files: ['cts', 'mts'] },
    { name: 'bundler', options: { module: 'preserve', moduleResolution: 'bundler' }, files: ['ts'] },
    // A Cloudflare Worker's view: the web build's conditions resolve the same declaration files.
    {
      name: 'bundler-workerd',
      options: { module: 'preserve', moduleResolution: 'bundler', customConditions: ['workerd', 'worker'] },
      files: ['ts'],
    },
  ];
  let bare: ConsumerProject;

  beforeAll(() => {
    bare = packAndInstall({
      packages: [join(import.meta.dirname, '../..')],
      dependencies: [`typescript@${ts7.version}`],
      prefix: 'cogauth-core-no-node-',
    });
    for (const mode of modes) {
      for (const program of programs) {
        const name = `${mode.name}-${program.name}`;
        mkdirSync(join(bare.dir, name));
        for (const ext of mode.files)
          writeFileSync(join(bare.dir, name, `entries.${ext}`), program.source.join('\n'));
        const compilerOptions = {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'es2022',
          lib: program.lib,
          types: [],
          ...mode.options,
        };
        writeFileSync(
          join(bare.dir, `tsconfig.${name}.json`),
          JSON.stringify({ compilerOptions, include: [name] }),
        );
      }
    }
  }, 180_000);
  afterAll(() => bare?.cleanup());

  it('the project has TypeScript and no @types package', () => {
    expect(existsSync(join(bare.dir, 'node_modules/@types'))).toBe(false);
    const installed = JSON.parse(readFileSync(join(bare.packageDir('typescript'), 'package.json'), 'utf8'));
    expect(installed.version).toBe(ts7.version);
  });

  for (const mode of modes) {
    for (const program of programs) {
      it(`moduleResolution ${mode.name} (${mode.files.join(', ')}), lib ${program.lib.join(' + ')}: ${program.name}`, () => {
        const tsc = join(bare.packageDir('typescript'), 'bin/tsc');
        const r = bare.run(process.execPath, [tsc, '-p', `tsconfig.${mode.name}-${program.name}.json`]);
        expect(r.stdout + r.stderr).toBe('');
        expect(r.status).toBe(0);
      });
    }
  }
});

describe('a consumer Lambda bundled with esbuild, run against real-shaped events', () => {
  const key = generateTestKey({ alg: 'RS256', kid: 'consumer-key' });
  let server: JwksServer;
  let reader: string;
  let writer: string;

  beforeAll(async () => {
    server = await startJwksServer({ jwks: jwksOf(key), poolId: POOL_ID });
    const mint = (groups: string[]) =>
      signJwt(
        cognitoAccessClaims({ issuer: server.issuer, poolId: POOL_ID, clientId: CLIENT_ID, groups }),
        key,
      );
    reader = mint([]);
    writer = mint(['writers']);
  });
  afterAll(() => server?.close());

  type Handlers = Record<
    'token' | 'request' | 'httpApi' | 'httpApiSimple' | 'fromEnv',
    (e: unknown) => Promise<unknown>
  >;

  async function bundleAndLoad(format: 'esm' | 'cjs'): Promise<Handlers> {
    const outfile = join(consumer.dir, `out/lambda.${format === 'esm' ? 'mjs' : 'cjs'}`);
    await build({
      entryPoints: [join(consumer.dir, 'lambda.ts')],
      absWorkingDir: consumer.dir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      outfile,
      logLevel: 'error',
    });
    const settings = {
      userPoolId: POOL_ID,
      clientId: CLIENT_ID,
      issuer: server.issuer,
      jwksUri: server.jwksUrl,
    };
    vi.stubEnv('CONSUMER_SETTINGS', JSON.stringify(settings));
    vi.stubEnv('COGAUTH_USER_POOL_ID', POOL_ID);
    vi.stubEnv('COGAUTH_CLIENT_IDS', CLIENT_ID);
    vi.stubEnv('COGAUTH_ISSUER', server.issuer);
    vi.stubEnv('COGAUTH_JWKS_URI', server.jwksUrl);
    vi.stubEnv('COGAUTH_RULES', '[{"route":"GET /messages"}]');
    try {
      return format === 'esm'
        ? ((await import(pathToFileURL(outfile).href)) as Handlers)
        : (createRequire(import.meta.url)(outfile) as Handlers);
    } finally {
      vi.unstubAllEnvs();
    }
  }

  for (const format of ['esm', 'cjs'] as const) {
    it(`${format}: TOKEN, REQUEST and HTTP API v2 events get the documented answers`, async () => {
      vi.spyOn(console, 'log').mockImplementation(() => {});
      const h = await bundleAndLoad(format);
      const tokenResult = await h.token(tokenEvent(`Bearer ${reader}`));
      expect(evaluatePolicy(tokenResult as AuthorizerPolicyResult, `${PREFIX}GET/messages`)).toBe('Allow');
      expect(evaluatePolicy(tokenResult as AuthorizerPolicyResult, `${PREFIX}POST/messages`)).toBe('Deny');
      const requestResult = await h.request(
        requestEvent({ Authorization: `Bearer ${writer}` }, 'POST/messages'),
      );
      expect(evaluatePolicy(requestResult as AuthorizerPolicyResult, `${PREFIX}POST/messages`)).toBe('Allow');
      // The default HTTP API answer must be the one the types promise (handlers.ts `byDefault`).
      const httpEvent = httpApiEvent(`Bearer ${reader}`);
      const httpPrefix = httpEvent.routeArn.slice(0, -'GET/messages'.length);
      const httpResult = (await h.httpApi(httpEvent)) as AuthorizerPolicyResult;
      expect(evaluatePolicy(httpResult, `${httpPrefix}GET/messages`)).toBe('Allow');
      expect(evaluatePolicy(httpResult, `${httpPrefix}POST/messages`)).toBe('Deny');
      expect(await h.httpApiSimple(httpApiEvent(`Bearer ${reader}`, 'POST/messages'))).toMatchObject({
        isAuthorized: false,
      });
      expect(await h.httpApiSimple(httpApiEvent(`Bearer ${writer}`))).toMatchObject({ isAuthorized: true });
      expect(
        evaluatePolicy(
          (await h.fromEnv(tokenEvent(`Bearer ${reader}`))) as AuthorizerPolicyResult,
          `${PREFIX}GET/messages`,
        ),
      ).toBe('Allow');
      await expect(h.token(tokenEvent('Bearer not-a-token'))).rejects.toThrow(/^Unauthorized$/);
      await expect(h.httpApi(httpApiEvent(undefined))).rejects.toThrow(/^Unauthorized$/);
      vi.restoreAllMocks();
    });
  }

  it('the installed zero-code bundle (`@cogauth/core/lambda-bundle`) is configured from the environment', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const bundle = join(consumer.packageDir('@cogauth/core'), 'dist/lambda/index.mjs');
    vi.stubEnv('COGAUTH_USER_POOL_ID', POOL_ID);
    vi.stubEnv('COGAUTH_CLIENT_IDS', CLIENT_ID);
    vi.stubEnv('COGAUTH_ISSUER', server.issuer);
    vi.stubEnv('COGAUTH_JWKS_URI', server.jwksUrl);
    vi.stubEnv('COGAUTH_RULES', '[{"route":"GET /messages"}]');
    try {
      const mod = (await import(pathToFileURL(bundle).href)) as { handler: (e: unknown) => Promise<unknown> };
      const result = await mod.handler(tokenEvent(`Bearer ${reader}`));
      expect(evaluatePolicy(result as AuthorizerPolicyResult, `${PREFIX}GET/messages`)).toBe('Allow');
    } finally {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    }
  });
});

describe('the web build, as a Web runtime gets it from the tarball', () => {
  // Its own project: the main one must not have hono installed (the adapters load without their framework).
  const EDGE_RUNTIME = 'edge-runtime@4.0.1';
  const HONO = 'hono@4.13.19';
  const key = generateTestKey({ alg: 'ES256', kid: 'web-consumer-key' });
  const impostor = generateTestKey({ alg: 'ES256', kid: 'web-consumer-key' });
  let web: ConsumerProject;
  let server: JwksServer;

  beforeAll(async () => {
    web = packAndInstall({
      packages: [join(import.meta.dirname, '../..')],
      dependencies: [HONO, EDGE_RUNTIME],
      prefix: 'cogauth-core-web-',
    });
    server = await startJwksServer({ jwks: jwksOf(key), poolId: POOL_ID });
    writeFileSync(
      join(web.dir, 'app.mjs'),
      [
        "import { createCognitoVerifier } from '@cogauth/core';",
        "import { cogauthHono } from '@cogauth/core/hono';",
        "import { Hono } from 'hono';",
        `const verifier = createCognitoVerifier({ issuer: ${JSON.stringify(server.issuer)}, jwksUri: ${JSON.stringify(server.jwksUrl)}, tokenUse: 'access', clientId: ${JSON.stringify(CLIENT_ID)} });`,
        'const app = new Hono();',
        "app.use('/messages', cogauthHono({ verifier, rules: [{ route: 'GET /messages' }], logger: () => {} }));",
        "app.get('/messages', (c) => c.json({ sub: c.get('auth').claims.sub }));",
        "addEventListener('fetch', (event) => event.respondWith(app.fetch(event.request)));",
      ].join('\n'),
    );
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    web?.cleanup();
  });

  async function bundle(conditions: string[], format: 'esm' | 'iife') {
    const result = await build({
      entryPoints: [join(web.dir, 'app.mjs')],
      absWorkingDir: web.dir,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      conditions,
      format,
      logLevel: 'silent',
    });
    const inputs = Object.entries(result.metafile.inputs);
    return {
      code: result.outputFiles[0]?.text ?? '',
      cogauthFiles: inputs.map(([file]) => file).filter((file) => file.includes('@cogauth/core/')),
      nodeImports: inputs.flatMap(([, input]) => input.imports.filter((i) => i.path.startsWith('node:'))),
    };
  }

  it('bundled with --conditions=workerd, it takes dist/web and imports no node: module', async () => {
    const { cogauthFiles, nodeImports } = await bundle(['workerd'], 'esm');
    expect(nodeImports).toEqual([]);
    expect(cogauthFiles.length).toBeGreaterThan(0);
    for (const file of cogauthFiles) expect(file).toMatch(/node_modules\/@cogauth\/core\/dist\/web\//);
  });

  it('runs in edge-runtime (edge-light): a valid token passes, a forged one is refused', async () => {
    const { code, nodeImports } = await bundle(['edge-light'], 'iife');
    expect(nodeImports).toEqual([]);
    const require = createRequire(join(web.dir, 'package.json'));
    const { EdgeRuntime, runServer } = (await import(
      pathToFileURL(require.resolve('edge-runtime')).href
    )) as {
      EdgeRuntime: new (o: { initialCode: string }) => unknown;
      runServer(o: {
        runtime: unknown;
        host: string;
        port: number;
      }): Promise<{ url: string; close(): Promise<void> }>;
    };
    const edge = await runServer({
      runtime: new EdgeRuntime({ initialCode: code }),
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const claims = cognitoAccessClaims({ issuer: server.issuer, poolId: POOL_ID, clientId: CLIENT_ID });
      const valid = signJwt(claims, key);
      const forged = signJwt(claims, impostor);
      const status = async (token: string) =>
        (await fetch(new URL('/messages', edge.url), { headers: { authorization: `Bearer ${token}` } }))
          .status;
      expect([await status(valid), await status(forged)]).toEqual([200, 401]);
      expect(server.jwksRequestCount()).toBe(1);
    } finally {
      await edge.close();
    }
  });
});
