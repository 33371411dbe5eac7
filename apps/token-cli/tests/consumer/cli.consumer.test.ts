import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  attwTarball,
  type ConsumerProject,
  cognitoAccessClaims,
  generateTestKey,
  type PackedPackage,
  packAndInstall,
  publintInstalled,
  signJwt,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `@cogauth/cli` as a user gets it: the CLI and core packed with `pnpm pack`, installed together with npm
// into a project in the OS temp dir (core is not on the registry yet, so its tarball stands in for it).

const CLI_DIR = join(import.meta.dirname, '../..');
const CORE_DIR = join(CLI_DIR, '../../packages/core');

let consumer: ConsumerProject;
let cli: PackedPackage;

beforeAll(() => {
  consumer = packAndInstall({ packages: [CORE_DIR, CLI_DIR], prefix: 'cogauth-cli-consumer-' });
  cli = consumer.packed.find((p) => p.name === '@cogauth/cli') as PackedPackage;
}, 180_000);
afterAll(() => consumer?.cleanup());

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

describe('@cogauth/cli from its tarball', () => {
  it('ships the bin, the compiled JavaScript, the licence and the README; no .d.ts nothing can import', () => {
    expect(cli.files).toContain('bin/cogauth.js');
    expect(cli.files).toContain('LICENSE');
    expect(cli.files).toContain('README.md');
    const unexpected = cli.files.filter(
      (f) =>
        !['LICENSE', 'README.md', 'package.json', 'bin/cogauth.js'].includes(f) && !/^dist\/.+\.js$/.test(f),
    );
    expect(unexpected).toEqual([]);
  });

  it('`cogauth --help` runs from node_modules/.bin', () => {
    const r = consumer.run(join(consumer.dir, 'node_modules/.bin/cogauth'), ['--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cogauth <command>/m);
    for (const command of ['login', 'refresh', 'm2m', 'verify', 'decode', 'check']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('`cogauth decode` works offline through the installed @cogauth/core', () => {
    const key = generateTestKey({ alg: 'ES256', kid: 'consumer-cli' });
    const token = signJwt(
      cognitoAccessClaims({ poolId: 'us-east-1_Consumer1', clientId: 'cli-client' }),
      key,
    );
    const r = consumer.run(join(consumer.dir, 'node_modules/.bin/cogauth'), ['decode', token]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('consumer-cli');
    expect(r.stdout).toContain('cli-client');
  });

  it('`cogauth rules-to-cedar` without @cogauth/cedar (an optional peer) says how to install it', () => {
    const rules = join(consumer.dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([{ route: 'GET /messages', groups: ['readers'] }]));
    const r = consumer.run(join(consumer.dir, 'node_modules/.bin/cogauth'), [
      'rules-to-cedar',
      rules,
      '--user-pool-id',
      'us-east-1_Consumer1',
    ]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'cogauth: rules-to-cedar needs @cogauth/cedar, which is not installed: npm i -g @cogauth/cedar (or install it beside @cogauth/cli)\n',
    );
    expect(r.status).toBe(2);
  });

  it('publint finds nothing', async () => {
    expect(await publintInstalled(consumer.packageDir('@cogauth/cli'))).toEqual([]);
  });

  it('are-the-types-wrong: the CLI exports no module, so there is nothing to type', () => {
    expect(attwTarball(cli.tarball).map((f) => f.message)).toEqual([]);
  });

  it('installs small: core and yaml only, no AWS SDK, under 3 MB of files in node_modules', () => {
    const modules = join(consumer.dir, 'node_modules');
    const manifest = JSON.parse(
      readFileSync(join(consumer.packageDir('@cogauth/cli'), 'package.json'), 'utf8'),
    );
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@cogauth/core', 'yaml']);
    // @cogauth/cedar is an optional peer: its dependency @cedar-policy/cedar-wasm ships the 4.3 MB engine 3 times.
    expect(manifest.peerDependenciesMeta).toEqual({ '@cogauth/cedar': { optional: true } });
    expect(existsSync(join(modules, '@cogauth/cedar'))).toBe(false);
    expect(existsSync(join(modules, '@aws-sdk'))).toBe(false);
    expect(existsSync(join(modules, '@smithy'))).toBe(false);
    const total = bytesUnder(modules);
    console.log(`@cogauth/cli install: ${(total / 1e6).toFixed(2)} MB of files in node_modules`);
    // Measured 1.62 MB (the CLI, core and yaml); it was 9.6 MB with the AWS SDK client (du -sh: 23 MB -> 2.6 MB).
    // 2.63 MB once core gained its web build, the ALB verifier, metrics (issues 22, 24) and the access model
    // (issue 25): core grew; @cogauth/cedar and its 13 MB dependency (three copies of the engine) are not
    // installed.
    expect(total).toBeLessThan(3e6);
  });
});
