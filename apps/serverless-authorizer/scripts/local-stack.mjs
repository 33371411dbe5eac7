// The local stack the e2e test (and `pnpm demo`) run on: cognito-local standing in for Cognito,
// `serverless offline` (osls + serverless-offline) standing in for API Gateway + Lambda, and the real
// authorizer bundle, added by @cogauth/serverless-plugin. Everything listens on 127.0.0.1 on free ports; stop() ends
// each process it started by killing its process group. Types: local-stack.d.mts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, startCognitoLocal } from '@cogauth/test-fixtures';

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const OSLS_BIN = fileURLToPath(new URL('../node_modules/osls/bin/serverless.js', import.meta.url));
const WATCHDOG = fileURLToPath(new URL('./parent-watchdog.cjs', import.meta.url));

export const SAMPLE_USERS = {
  reader: { password: 'Reader-Passw0rd!', groups: ['readers'] },
  writer: { password: 'Writer-Passw0rd!', groups: ['readers', 'writers'] },
  admin: { password: 'Admin-Passw0rd!', groups: ['readers', 'writers', 'admin'] },
};

/** Environment every osls invocation gets: no telemetry, no notifications. */
export const SLS_ENV = { SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts `serverless offline` in the app directory (or `options.serviceDir`, run by `options.oslsBin`)
 * and resolves once its HTTP server is ready.
 * `env` is added to the process environment; COGAUTH_* variables reach the authorizer through
 * serverless.yml's params (custom.cogauth). A bad configuration stops serverless offline before it is
 * ready: the rejection carries the plugin's message.
 */
export async function startOffline(options = {}) {
  // freePort() only proves a port was free a moment ago: another process may take it first.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOfflineOnce(options);
    } catch (error) {
      if (attempt >= 3 || !String(error?.message).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startOfflineOnce(options) {
  const stage = options.stage ?? 'dev';
  const [httpPort, lambdaPort, websocketPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    '--require',
    WATCHDOG,
    options.oslsBin ?? OSLS_BIN,
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
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.serviceDir ?? APP_DIR,
    env: {
      ...process.env,
      ...SLS_ENV,
      ...options.env,
      COGAUTH_PARENT_PID: String(process.pid),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: stop() kills osls and every worker it spawned in one go.
    detached: true,
  });
  let output = '';
  const exited = once(child, 'exit');
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes('Server ready:')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(([code, signal]) =>
      reject(new Error(`serverless offline exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // serverless-offline's worker threads live in the same process; this catches anything else.
    killGroup(child, 'SIGKILL');
  };

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`serverless offline not ready after ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const baseUrl = `http://127.0.0.1:${httpPort}`;
  return {
    pid: child.pid,
    stage,
    httpPort,
    lambdaPort,
    /** REST API routes (serverless-offline prefixes them with the stage, as API Gateway's URL does). */
    restUrl: `${baseUrl}/${stage}`,
    /** HTTP API routes ($default stage: no prefix). */
    httpApiUrl: baseUrl,
    /** The WebSocket API ($connect runs on the upgrade). */
    websocketUrl: `ws://127.0.0.1:${websocketPort}`,
    output: () => output,
    stop,
  };
}

/**
 * cognito-local with one pool, one app client, the groups readers / writers / admin and the users
 * reader, writer, admin (tokens included), then serverless offline with the authorizer configured
 * for that pool. `extraPools` (CognitoVerifierOptions) are appended to COGAUTH_POOLS.
 */
export async function startLocalStack(options = {}) {
  const stops = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const cognito = await startCognitoLocal(
      options.cognitoDataDir ? { dataDir: options.cognitoDataDir } : {},
    );
    stops.push(() => cognito.stop());
    const pool = await cognito.createPool('cogauth-sample');
    const client = await cognito.createClient(pool.poolId, { name: 'cogauth-sample-client' });
    for (const group of ['readers', 'writers', 'admin']) await cognito.createGroup(pool.poolId, group);

    const users = {};
    for (const [username, { password, groups }] of Object.entries(SAMPLE_USERS)) {
      const { sub } = await cognito.createUser(pool.poolId, username, password, { groups });
      const tokens = await cognito.login(pool.poolId, client.clientId, username, password);
      users[username] = { username, sub, password, groups, tokens };
    }

    const pools = [
      {
        userPoolId: pool.poolId,
        issuer: pool.issuer,
        jwksUri: pool.jwksUri,
        tokenUse: 'access',
        clientId: client.clientId,
      },
      ...(options.extraPools ?? []),
    ];
    const offline = await startOffline({
      stage: options.stage,
      startTimeoutMs: options.startTimeoutMs,
      env: { COGAUTH_POOLS: JSON.stringify(pools), ...options.env },
    });
    stops.push(() => offline.stop());

    return {
      cognito,
      pool,
      client,
      users,
      pools,
      offline,
      restUrl: offline.restUrl,
      httpApiUrl: offline.httpApiUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
