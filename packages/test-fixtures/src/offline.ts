import { join } from 'node:path';
import { freePort } from './ports.js';
import { retryOnPortClash, startNodeProcess } from './process.js';

/** Environment every osls invocation gets: no telemetry, no notifications. */
export const SLS_ENV: Readonly<Record<string, string>> = Object.freeze({
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
});

export interface OfflineOptions {
  /** The Serverless service to run (the directory holding serverless.yml). */
  serviceDir: string;
  /**
   * The osls bin to run it with; default `<serviceDir>/node_modules/osls/bin/serverless.js`. Never
   * `.bin/serverless`: npm may install serverless v4 there as serverless-offline's peer.
   */
  oslsBin?: string;
  /** Default `dev`. */
  stage?: string;
  /** Added to the process environment, e.g. COGAUTH_POOLS. */
  env?: Record<string, string>;
  /** Default 60000. */
  startTimeoutMs?: number;
}

export interface Offline {
  pid: number;
  stage: string;
  httpPort: number;
  lambdaPort: number;
  /** `http://127.0.0.1:<port>/<stage>`: the REST API routes (prefixed with the stage, as on AWS). */
  restUrl: string;
  /** `http://127.0.0.1:<port>`: the HTTP API routes ($default stage: no prefix). */
  httpApiUrl: string;
  /** `ws://127.0.0.1:<port>`: the WebSocket API ($connect runs on the upgrade). */
  websocketUrl: string;
  /** Everything serverless offline printed so far (stdout and stderr). */
  output(): string;
  /** Kills the process group (SIGTERM, SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

async function startOnFreePorts(options: OfflineOptions): Promise<Offline> {
  const stage = options.stage ?? 'dev';
  const [httpPort, lambdaPort, websocketPort] = [await freePort(), await freePort(), await freePort()];
  const offline = startNodeProcess({
    script: options.oslsBin ?? join(options.serviceDir, 'node_modules', 'osls', 'bin', 'serverless.js'),
    args: [
      'offline',
      'start',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      '--websocketPort',
      String(websocketPort),
      '--stage',
      stage,
      '--noSponsor',
    ],
    cwd: options.serviceDir,
    env: { ...SLS_ENV, ...options.env },
  });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  try {
    await offline.waitUntil(() => offline.output().includes('Server ready:'), timeoutMs);
  } catch (error) {
    await offline.stop();
    throw new Error(`serverless offline ${(error as Error).message}:\n${offline.output()}`);
  }
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  return {
    pid: offline.pid,
    stage,
    httpPort,
    lambdaPort,
    restUrl: `${baseUrl}/${stage}`,
    httpApiUrl: baseUrl,
    websocketUrl: `ws://127.0.0.1:${websocketPort}`,
    output: offline.output,
    stop: () => offline.stop(),
  };
}

/**
 * Starts `serverless offline` for `options.serviceDir` on 127.0.0.1 (free ports) and resolves once its
 * HTTP server is ready. COGAUTH_* variables in `env` reach the authorizer through the service's params.
 * A bad configuration stops serverless offline before it is ready: the rejection carries its output
 * (the plugin's message).
 */
export function startOffline(options: OfflineOptions): Promise<Offline> {
  return retryOnPortClash(() => startOnFreePorts(options));
}
