// Which build each runtime's export conditions pick (package.json "exports"), and that the web build
// imports no `node:` module: esbuild resolves the package by name, as a runtime's bundler would.
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const pkgRoot = join(import.meta.dirname, '../..');

/** The files `@cogauth/core` and `@cogauth/core/hono` resolve to under `conditions`, and their node: imports. */
async function resolved(conditions: string[], platform: 'neutral' | 'node') {
  const result = await build({
    stdin: {
      contents: "export * from '@cogauth/core'; export { cogauthHono } from '@cogauth/core/hono';",
      resolveDir: pkgRoot,
      loader: 'js',
    },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform,
    conditions,
    logLevel: 'silent',
    // hono is a peer dependency, never bundled into cogauth's own files.
    external: ['hono', 'hono/*'],
  });
  const inputs = Object.entries(result.metafile.inputs);
  return {
    entries: inputs
      .map(([file]) => relative(pkgRoot, join(process.cwd(), file)))
      .filter((file) => /^dist\/(web\/)?(index|hono)\.js$/.test(file))
      .sort(),
    nodeImports: inputs.flatMap(([, input]) =>
      input.imports.filter((i) => i.path.startsWith('node:')).map((i) => i.path),
    ),
  };
}

describe('export conditions', () => {
  it.each([
    ['Cloudflare workerd', ['workerd', 'worker', 'browser']],
    ['Vercel edge-light', ['edge-light']],
    ['Deno', ['deno', 'node']],
    ['a web worker', ['worker']],
    ['a browser bundle', ['browser']],
  ])('%s gets the web build, which imports no node: module', async (_, conditions) => {
    expect(await resolved(conditions, 'neutral')).toEqual({
      entries: ['dist/web/hono.js', 'dist/web/index.js'],
      nodeImports: [],
    });
  });

  it.each([
    ['Node', ['node']],
    // Bun: node:crypto (verifySync works, and faster than its Web Crypto: see README "Runtimes").
    ['Bun', ['bun', 'node']],
  ])('%s gets the node:crypto build', async (_, conditions) => {
    const { entries, nodeImports } = await resolved(conditions, 'node');
    expect(entries).toEqual(['dist/hono.js', 'dist/index.js']);
    expect(nodeImports).toContain('node:crypto');
  });
});
