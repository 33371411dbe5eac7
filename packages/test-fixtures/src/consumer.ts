import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Consumer tests: what a user installs, proven from packed tarballs. Every publishable package calls
// `packAndInstall` from its own tests/consumer/ suite (see CONTRIBUTING.md, "Publishable packages").

const require = createRequire(import.meta.url);

export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the tarball, relative to its `package/` root, sorted. */
  files: string[];
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ConsumerProject {
  /** The project directory, under the OS temp dir (outside the workspace: no workspace links). */
  dir: string;
  packed: PackedPackage[];
  /** Where npm installed `name`. */
  packageDir(name: string): string;
  /** Runs a command in `dir` with npm/pnpm variables of the calling script removed; never throws. */
  run(
    command: string,
    args: readonly string[],
    options?: { env?: NodeJS.ProcessEnv; input?: string },
  ): RunResult;
  /** Removes the whole temp dir; safe to call twice. */
  cleanup(): void;
}

export interface PackAndInstallOptions {
  /** Workspace package directories to pack (already built); all are installed together. */
  packages: readonly string[];
  /** Extra npm dependencies of the consumer project, `name@version`. */
  dependencies?: readonly string[];
  /** Merged into the consumer's package.json (e.g. `{type: 'module'}`). */
  packageJson?: Record<string, unknown>;
  /** Temp dir name prefix. */
  prefix?: string;
}

/** The environment without the variables pnpm/npm/turbo set for the calling script. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|INIT_CWD$|TURBO_HASH$)/.test(k)) env[k] = v;
  }
  return { ...env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false', ...extra };
}

function spawn(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    env: cleanEnv(options.env),
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 180_000,
  });
  if (r.error) return { status: null, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error.message}` };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustRun(command: string, args: readonly string[], cwd: string): string {
  const r = spawn(command, args, cwd);
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}) in ${cwd}:\n${r.stderr}\n${r.stdout}`);
  }
  return r.stdout;
}

/** `pnpm pack` of a workspace package into `destination` (workspace: ranges become versions). */
export function packWorkspacePackage(packageDir: string, destination: string): PackedPackage {
  const out = mustRun('pnpm', ['pack', '--json', '--pack-destination', destination], packageDir);
  const json = JSON.parse(out.slice(out.indexOf('{'))) as {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  };
  return {
    name: json.name,
    version: json.version,
    tarball: json.filename,
    files: json.files.map((f) => f.path).sort(),
  };
}

/**
 * Packs `packages`, then `npm install`s the tarballs (plus `dependencies`) into a fresh project in the
 * OS temp dir. On any failure the temp dir is removed before the error propagates; on success the
 * caller removes it with `cleanup()` (in `afterAll`).
 */
export function packAndInstall(options: PackAndInstallOptions): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'cogauth-consumer-'));
  const cleanup = (): void => {
    process.off('exit', cleanup);
    rmSync(dir, { recursive: true, force: true });
  };
  // Also when the run ends without afterAll (turbo stopping the task after another package failed).
  process.once('exit', cleanup);
  try {
    const tarballs = join(dir, 'tarballs');
    mkdirSync(tarballs);
    const packed = options.packages.map((p) => packWorkspacePackage(p, tarballs));
    const dependencies: Record<string, string> = {};
    for (const p of packed) dependencies[p.name] = `file:${p.tarball}`;
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        version: '0.0.0',
        private: true,
        dependencies,
        ...options.packageJson,
      }),
    );
    mustRun(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        ...(options.dependencies ?? []),
      ],
      project,
    );
    return {
      dir: project,
      packed,
      packageDir: (name) => join(project, 'node_modules', name),
      run: (command, args, runOptions) => spawn(command, args, project, runOptions),
      cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

export interface LintFinding {
  tool: 'publint' | 'attw';
  code: string;
  message: string;
}

/** publint on an installed package (exactly the published files), every level. */
export async function publintInstalled(packageDir: string): Promise<LintFinding[]> {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const { messages } = await publint({ pkgDir: packageDir, pack: false, level: 'suggestion' });
  return messages.map((m) => ({
    tool: 'publint',
    code: m.code,
    message: formatMessage(m, pkg, { color: false }) ?? m.code,
  }));
}

/** `attw <tarball>` (@arethetypeswrong/cli) with every resolution mode; its problems, one per kind and entry. */
export function attwTarball(tarball: string, args: readonly string[] = []): LintFinding[] {
  const bin = join(dirname(require.resolve('@arethetypeswrong/cli/package.json')), 'dist/index.js');
  // attw calls process.exit right after writing its report when it finds a problem, which cuts a piped
  // stdout short once the report outgrows the pipe; a file gets every byte (writes to files are synchronous).
  const out = join(dirname(tarball), 'attw-report.json');
  const fd = openSync(out, 'w');
  let r: SpawnSyncReturns<string>;
  try {
    r = spawnSync(process.execPath, [bin, tarball, '--format', 'json', ...args], {
      cwd: dirname(tarball),
      env: cleanEnv(undefined),
      encoding: 'utf8',
      stdio: ['ignore', fd, 'pipe'],
      timeout: 180_000,
    });
  } finally {
    closeSync(fd);
  }
  const stdout = readFileSync(out, 'utf8');
  const json = JSON.parse(stdout) as {
    analysis?: { problems?: { kind: string; entrypoint?: string; resolutionKind?: string }[] };
  };
  if (!json.analysis) throw new Error(`attw gave no analysis: ${stdout}\n${r.stderr}`);
  return (json.analysis.problems ?? []).map((p) => ({
    tool: 'attw',
    code: p.kind,
    message: `${p.kind} ${p.entrypoint ?? ''} ${p.resolutionKind ?? ''}`.trim(),
  }));
}

export interface TypeScriptCompiler {
  version: string;
  /** Arguments for `process.execPath` that run this compiler's tsc. */
  command: readonly string[];
}

/** TypeScript 5.9 (the JavaScript compiler most users run) and the workspace's TypeScript 7 (native). */
export function typeScriptCompilers(): TypeScriptCompiler[] {
  const compilers: TypeScriptCompiler[] = [];
  for (const id of ['typescript-5', 'typescript']) {
    const pkgJson = require.resolve(`${id}/package.json`);
    const { version, bin } = JSON.parse(readFileSync(pkgJson, 'utf8')) as {
      version: string;
      bin: { tsc: string };
    };
    compilers.push({ version, command: [join(dirname(pkgJson), bin.tsc)] });
  }
  return compilers;
}
