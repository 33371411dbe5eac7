#!/usr/bin/env node
// `pnpm release [--dry-run]`: builds every publishable workspace package (not `private`), packs each
// with `pnpm pack` (workspace: ranges become versions, as on publish), prints exactly the files each
// tarball holds and checks the metadata a public package needs. Without --dry-run it then runs
// `changeset publish`, which publishes every package whose version is not on the registry yet and
// tags it. --dry-run needs no network and no npm token.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--dry-run');
if (unknown.length > 0) {
  console.error(`release: unknown argument ${unknown[0]} (usage: pnpm release [--dry-run])`);
  process.exit(2);
}
const dryRun = args.includes('--dry-run');

const run = (cmd, cmdArgs, options = {}) =>
  execFileSync(cmd, cmdArgs, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    ...options,
  });

/** Workspace packages that are not private: what `changeset publish` would publish. */
function publishable() {
  const all = JSON.parse(run('pnpm', ['ls', '-r', '--depth', '-1', '--json']));
  return all
    .filter((p) => p.private !== true && p.path !== root.replace(/\/$/, ''))
    .map((p) => ({ name: p.name, version: p.version, dir: p.path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Entries of a .tgz: path (without `package/`) and size, from the ustar headers. */
function tarEntries(file) {
  const tar = gunzipSync(readFileSync(file));
  const entries = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const prefix = header.toString('utf8', 345, 500).replace(/\0.*$/s, '');
    const size = Number.parseInt(header.toString('utf8', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^package\//, '');
    if (header[156] === 0x30 || header[156] === 0) entries.push({ path, size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

/** What every public package must carry; returns the problems found. */
function problemsOf(pkg, manifest, files) {
  const problems = [];
  const dir = relative(root, pkg.dir);
  for (const f of ['LICENSE', 'README.md', 'package.json']) {
    if (!files.some((e) => e.path === f)) problems.push(`${f} is not in the tarball`);
  }
  if (manifest.license !== 'Apache-2.0') problems.push('license is not Apache-2.0');
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access is not "public"');
  if (manifest.repository?.directory !== dir) problems.push(`repository.directory is not "${dir}"`);
  for (const field of ['description', 'homepage', 'bugs', 'keywords', 'engines']) {
    if (manifest[field] === undefined) problems.push(`${field} is missing`);
  }
  if (/"workspace:/.test(JSON.stringify(manifest)))
    problems.push('a workspace: range is left in package.json');
  return problems;
}

const packages = publishable();
console.log(
  `release${dryRun ? ' (dry run)' : ''}: ${packages.map((p) => `${p.name}@${p.version}`).join(', ')}`,
);
run(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'build',
    '--output-logs=errors-only',
    ...packages.map((p) => `--filter=${p.name}`),
  ],
  {
    stdio: 'inherit',
  },
);

const out = mkdtempSync(join(tmpdir(), 'cogauth-release-'));
let failed = false;
try {
  for (const pkg of packages) {
    const packed = JSON.parse(run('pnpm', ['pack', '--json', '--pack-destination', out], { cwd: pkg.dir }));
    const files = tarEntries(packed.filename);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', packed.filename, 'package/package.json'], { encoding: 'utf8' }),
    );
    const total = files.reduce((n, f) => n + f.size, 0);
    console.log(`\n${pkg.name}@${pkg.version} (${relative(root, pkg.dir)})`);
    console.log(
      `  tarball ${readFileSync(packed.filename).length} bytes, ${files.length} files, ${total} bytes unpacked`,
    );
    for (const f of files) console.log(`  ${String(f.size).padStart(8)}  ${f.path}`);
    for (const problem of problemsOf(pkg, manifest, files)) {
      console.error(`  ✗ ${problem}`);
      failed = true;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (failed) {
  console.error('\nrelease: fix the problems above first');
  process.exit(1);
}
if (dryRun) {
  console.log('\nrelease: dry run, nothing published (without --dry-run: changeset publish)');
} else {
  run('pnpm', ['exec', 'changeset', 'publish'], { stdio: 'inherit' });
}
