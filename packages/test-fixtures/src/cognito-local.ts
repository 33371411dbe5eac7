import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoAdmin, cognitoAdmin } from './cognito-admin.js';
import { freePort } from './ports.js';
import { type NodeProcess, retryOnPortClash, startNodeProcess } from './process.js';

export interface CognitoLocalOptions {
  /**
   * Directory to run in (its `.cognito/` holds the data). Default: a fresh temp dir that stop() removes.
   * A directory you pass is kept.
   */
  dataDir?: string;
  /** How long to wait for the emulator to answer `/health`; default 20000 ms. */
  startTimeoutMs?: number;
}

export interface CognitoLocal extends CognitoAdmin {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  pid: number;
  dataDir: string;
  client: CognitoIdentityProviderClient;
  /** The last lines the emulator wrote (stdout + stderr), for diagnosing failures. Contains request logs. */
  outputTail(): string;
  /** SIGTERM, SIGKILL after a grace period, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const START_SCRIPT = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
const CONFIG = JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } });
const OUTPUT_TAIL_CHARS = 8192;
const STOP_GRACE_MS = 3000;

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false; // not listening yet
  }
}

async function startOnFreePort(
  dataDir: string,
  ownedDir: string | undefined,
  timeoutMs: number,
): Promise<{ emulator: NodeProcess; port: number; endpoint: string }> {
  // Again on each attempt: a failed attempt's stop() removed a directory this launcher owns.
  mkdirSync(join(dataDir, '.cognito'), { recursive: true });
  const configPath = join(dataDir, '.cognito', 'config.json');
  if (!existsSync(configPath)) writeFileSync(configPath, CONFIG);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = startNodeProcess({
    script: START_SCRIPT,
    cwd: dataDir,
    env: { HOST: '127.0.0.1', PORT: String(port), DEBUG: '' },
    outputLimit: OUTPUT_TAIL_CHARS,
    ...(ownedDir === undefined ? {} : { ownedDir }),
  });
  try {
    await emulator.waitUntil(() => healthy(endpoint), timeoutMs);
  } catch (err) {
    // Keep the data dir: a retry on another port runs in it again.
    await emulator.stop(STOP_GRACE_MS).catch(() => undefined);
    throw new Error(
      `startCognitoLocal: cognito-local ${(err as Error).message}; output tail:\n${emulator.output().slice(-2000)}`,
    );
  }
  return { emulator, port, endpoint };
}

/** Starts cognito-local 5.3.0 on 127.0.0.1 with a free port, in a temp data dir. Always `stop()` it. */
export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const ownedDir =
    options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'cogauth-cognito-local-')) : undefined;
  const dataDir = options.dataDir ?? (ownedDir as string);
  const removeDir = () => {
    if (ownedDir !== undefined) rmSync(ownedDir, { recursive: true, force: true });
  };
  let started: Awaited<ReturnType<typeof startOnFreePort>>;
  try {
    started = await retryOnPortClash(() =>
      startOnFreePort(dataDir, ownedDir, options.startTimeoutMs ?? 20_000),
    );
  } catch (err) {
    removeDir();
    throw err;
  }
  const { emulator, port, endpoint } = started;
  const client = new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    ...cognitoAdmin(client, endpoint),
    endpoint,
    port,
    pid: emulator.pid,
    dataDir,
    client,
    outputTail: () => emulator.output(),
    async stop() {
      client.destroy();
      await emulator.stop(STOP_GRACE_MS);
    },
  };
}
