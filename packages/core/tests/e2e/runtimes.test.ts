// The verifier, createAuthenticator and the Hono adapter in real runtimes installed from the npm registry
// (tests/runtimes/install.ts): Cloudflare workerd (through miniflare), Bun, Deno and Vercel's edge-runtime.
// Each serves the same Hono app (tests/runtimes/app.mjs), bundled by esbuild with that runtime's export
// conditions, and answers the same token table; an unknown kid is fetched from a JWKS server on 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installRuntimes } from '../runtimes/install.js';
import { type Served, startBun, startDeno, startEdge, startWorkerd } from '../runtimes/launch.js';

const RUNTIMES_DIR = join(import.meta.dirname, '../runtimes');
const POOL_ID = 'local_Runtimes1';
const CLIENT_ID = 'runtimeclient0123456789ab';

interface Runtime {
  name: string;
  entry: string;
  conditions: string[];
  platform: 'neutral' | 'node';
  format: 'esm' | 'iife';
  /** The build its conditions must pick. */
  build: 'web' | 'node';
  start(depsDir: string, code: string, file: string): Promise<Served>;
}

// Each runtime's conditions as its own tooling resolves packages: wrangler (workerd, worker, browser),
// Deno (deno, node), Bun (bun, node), Vercel's edge bundler (edge-light, worker, browser).
const RUNTIMES: Runtime[] = [
  {
    name: 'Cloudflare workerd (miniflare)',
    entry: 'workerd.mjs',
    conditions: ['workerd', 'worker', 'browser'],
    platform: 'neutral',
    format: 'esm',
    build: 'web',
    start: (deps, code) => startWorkerd(deps, code),
  },
  {
    name: 'Deno',
    entry: 'deno.mjs',
    conditions: ['deno', 'node'],
    platform: 'neutral',
    format: 'esm',
    build: 'web',
    start: (deps, _code, file) => startDeno(deps, file),
  },
  {
    name: 'Vercel edge-runtime',
    entry: 'edge.mjs',
    conditions: ['edge-light', 'worker', 'browser'],
    platform: 'neutral',
    format: 'iife',
    build: 'web',
    start: (deps, code) => startEdge(deps, code),
  },
  {
    name: 'Bun',
    entry: 'bun.mjs',
    conditions: ['bun'],
    platform: 'node',
    format: 'esm',
    build: 'node',
    start: (deps, _code, file) => startBun(deps, file),
  },
];

// Keys generated once (Node 20 can hang exporting fresh keys in a loop): preloaded ones (RS256 signs by
// default; one more per other algorithm), one only served, one rotated in later.
const preloaded = generateTestKey({ alg: 'RS256', kid: 'preloaded' });
const others = (['RS384', 'RS512', 'ES384', 'ES512'] as const).map((alg) =>
  generateTestKey({ alg, kid: alg }),
);
const served = generateTestKey({ alg: 'ES256', kid: 'served' });
const rotated = generateTestKey({ alg: 'RS256', kid: 'rotated' });
const impostor = generateTestKey({ alg: 'RS256', kid: 'preloaded' });

let depsDir: string;
let server: JwksServer;
let workDir: string;
beforeAll(async () => {
  const installed = installRuntimes();
  if (installed.installMs > 0) console.log(`runtimes installed in ${installed.installMs} ms`);
  depsDir = installed.dir;
  server = await startJwksServer({ jwks: jwksOf(preloaded, ...others, served), poolId: POOL_ID });
  workDir = mkdtempSync(join(tmpdir(), 'cogauth-runtimes-'));
}, 600_000);
afterAll(async () => {
  await server?.close();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

function token(claims: Record<string, unknown> = {}, key = preloaded, header: Record<string, unknown> = {}) {
  const base = cognitoAccessClaims({
    issuer: server.issuer,
    poolId: POOL_ID,
    clientId: CLIENT_ID,
    groups: ['readers'],
  });
  return signJwt({ ...base, ...claims }, key, header);
}

/** [row, Authorization header or none, expected status], in order: the fetches depend on it. */
function table(): [string, string | undefined, number][] {
  return [
    ['no token', undefined, 401],
    ['valid', `Bearer ${token()}`, 200],
    ...others.map((key): [string, string, number] => [`valid ${key.alg}`, `Bearer ${token({}, key)}`, 200]),
    ['expired', `Bearer ${token({ exp: Math.floor(Date.now() / 1000) - 60 })}`, 401],
    ['bad signature', `Bearer ${token({}, impostor)}`, 401],
    ['wrong issuer', `Bearer ${token({ iss: `${server.issuer}x` })}`, 401],
    ['valid, no rule for its groups', `Bearer ${token({ 'cognito:groups': ['writers'] })}`, 403],
    ['unknown kid, fetched from 127.0.0.1 (ES256)', `Bearer ${token({}, served)}`, 200],
  ];
}

async function bundle(runtime: Runtime): Promise<{ code: string; file: string }> {
  const result = await build({
    entryPoints: [join(RUNTIMES_DIR, runtime.entry)],
    bundle: true,
    write: false,
    format: runtime.format,
    platform: runtime.platform,
    conditions: runtime.conditions,
    target: 'es2022',
    logLevel: 'silent',
    define: {
      CONFIG: JSON.stringify({
        issuer: server.issuer,
        jwksUri: server.jwksUrl,
        clientId: CLIENT_ID,
        jwks: jwksOf(preloaded, ...others),
        probe: token(),
      }),
    },
  });
  const code = result.outputFiles[0]?.text ?? '';
  const file = join(workDir, `${runtime.entry}.bundle.mjs`);
  writeFileSync(file, code);
  return { code, file };
}

/** Each row's status and what its body says (a 200 carries the caller's `sub`). */
async function ask(url: string, authorization: string | undefined): Promise<[number, unknown]> {
  const response = await fetch(`${url}/messages`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  const body = (await response.json()) as { sub?: unknown; message?: unknown };
  return [response.status, response.status === 200 ? typeof body.sub : body.message];
}

const expectedBody = (status: number) =>
  status === 200 ? 'string' : status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : '?';

/**
 * A key rotated in while three requests carrying it arrive at once: the JWKS answers slowly, so all three
 * wait on one fetch (started by one request, awaited by the others: in workerd, across request contexts).
 */
async function rotation(url: string): Promise<[number, unknown][]> {
  server.setJwks(jwksOf(preloaded, ...others, served, rotated));
  server.setResponder((_req, res, info) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info.jwks));
    }, 300);
  });
  try {
    const authorization = `Bearer ${token({}, rotated)}`;
    return await Promise.all([1, 2, 3].map(() => ask(url, authorization)));
  } finally {
    server.setResponder(null);
  }
}

describe.each(RUNTIMES)('$name', (runtime) => {
  it(`gets the ${runtime.build} build and answers the token table through Hono`, async () => {
    const { code, file } = await bundle(runtime);
    server.setJwks(jwksOf(preloaded, ...others, served));
    server.resetCount();
    const app = await runtime.start(depsDir, code, file);
    try {
      expect(await (await fetch(`${app.url}/build`)).json()).toEqual({ build: runtime.build });
      const rows = table();
      const answers: [string, number, unknown][] = [];
      for (const [row, authorization] of rows) answers.push([row, ...(await ask(app.url, authorization))]);
      expect(answers).toEqual(rows.map(([row, , status]) => [row, status, expectedBody(status)]));
      // The unknown kid was fetched, once.
      expect(server.jwksRequestCount()).toBe(1);
      expect(await rotation(app.url)).toEqual(new Array(3).fill([200, 'string']));
      expect(server.jwksRequestCount()).toBe(2);
      // A kid nobody publishes: fetched for once more, then refused.
      const nobody = `Bearer ${token({}, served, { kid: 'nobody' })}`;
      expect(await ask(app.url, nobody)).toEqual([401, 'Unauthorized']);
      expect(server.jwksRequestCount()).toBe(3);
    } catch (error) {
      throw new Error(`${runtime.name}: ${(error as Error).message}\n${app.output()}`, { cause: error });
    } finally {
      await app.stop();
    }
  }, 120_000);
});
