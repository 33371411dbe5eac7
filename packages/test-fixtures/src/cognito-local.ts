import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { freePort } from './ports.js';

export interface CognitoLocalOptions {
  /**
   * Directory to run in (its `.cognito/` holds the data). Default: a fresh temp dir that stop() removes.
   * A directory you pass is kept.
   */
  dataDir?: string;
  /** How long to wait for the emulator to answer `/health`; default 20000 ms. */
  startTimeoutMs?: number;
}

export interface CognitoPool {
  poolId: string;
  /** `http://127.0.0.1:<port>/<poolId>` — the `iss` of this pool's tokens. */
  issuer: string;
  /** `<issuer>/.well-known/jwks.json` */
  jwksUri: string;
}

export interface CognitoAppClient {
  clientId: string;
  clientSecret?: string;
}

export interface CreateClientOptions {
  name?: string;
  /** Generate a client secret (cognito-local stores it but does not check SECRET_HASH). */
  secret?: boolean;
}

export interface CreateUserOptions {
  /** Groups to add the user to; missing groups are created. */
  groups?: string[];
  /** Sets `email` and `email_verified=true`; only then does the ID token carry `email`. */
  email?: string;
  /** Default true: the user is CONFIRMED. false leaves FORCE_CHANGE_PASSWORD (login then throws). */
  permanent?: boolean;
}

export interface CognitoUser {
  username: string;
  sub: string;
}

export interface CognitoTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  tokenType: string;
}

export interface CognitoLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  pid: number;
  dataDir: string;
  client: CognitoIdentityProviderClient;
  issuerFor(poolId: string): string;
  createPool(name?: string): Promise<CognitoPool>;
  createClient(poolId: string, options?: CreateClientOptions): Promise<CognitoAppClient>;
  createGroup(poolId: string, name: string): Promise<void>;
  createUser(
    poolId: string,
    username: string,
    password: string,
    options?: CreateUserOptions,
  ): Promise<CognitoUser>;
  /** USER_PASSWORD_AUTH. Sends SECRET_HASH when the client was created here with a secret. */
  login(poolId: string, clientId: string, username: string, password: string): Promise<CognitoTokens>;
  /** REFRESH_TOKEN_AUTH; the returned refreshToken is the one passed in. */
  refresh(clientId: string, refreshToken: string, username?: string): Promise<CognitoTokens>;
  /** The last lines the emulator wrote (stdout + stderr), for diagnosing failures. Contains request logs. */
  outputTail(): string;
  /** SIGTERM, SIGKILL after a grace period, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const START_SCRIPT = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
const CONFIG = JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } });
// Loaded into the emulator with --require: when this process dies (even by SIGKILL) the IPC
// channel closes and the emulator removes its temp dir and exits instead of lingering as an orphan.
const WATCHDOG = `process.on('disconnect', () => {
  const dir = process.env.COGAUTH_WATCHDOG_RMDIR;
  if (dir) require('node:fs').rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
`;
const OUTPUT_TAIL_BYTES = 8192;
const STOP_GRACE_MS = 3000;

class OutputTail {
  private text = '';
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  }
  toString(): string {
    return this.text;
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function waitUntilHealthy(child: ChildProcess, endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited || child.exitCode !== null) throw new Error('exited during start-up');
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not answer ${endpoint}/health within ${timeoutMs} ms`);
}

function secretHash(clientId: string, clientSecret: string, username: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

// cognito-local leaves ExpiresIn out; derive it from the access token like Cognito would report it.
function secondsLeft(jwt: string): number {
  const payload: unknown = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const exp = (payload as { exp?: unknown }).exp;
  return typeof exp === 'number' ? Math.max(0, exp - Math.floor(Date.now() / 1000)) : 0;
}

function toTokens(out: InitiateAuthCommandOutput, refreshToken?: string): CognitoTokens {
  if (out.ChallengeName) {
    throw new Error(`login: Cognito answered with challenge ${out.ChallengeName} instead of tokens`);
  }
  const r = out.AuthenticationResult;
  const refresh = r?.RefreshToken ?? refreshToken;
  if (!r?.AccessToken || !r.IdToken || !refresh) {
    throw new Error('login: AuthenticationResult lacks tokens');
  }
  return {
    accessToken: r.AccessToken,
    idToken: r.IdToken,
    refreshToken: refresh,
    expiresIn: r.ExpiresIn ?? secondsLeft(r.AccessToken),
    tokenType: r.TokenType ?? 'Bearer',
  };
}

/** Starts cognito-local 5.3.0 on 127.0.0.1 with a free port, in a temp data dir. Always `stop()` it. */
export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cogauth-cognito-local-')));
  const removeDir = () => {
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    mkdirSync(join(dataDir, '.cognito'), { recursive: true });
    const configPath = join(dataDir, '.cognito', 'config.json');
    if (!existsSync(configPath)) writeFileSync(configPath, CONFIG);
    writeFileSync(join(dataDir, 'cogauth-watchdog.cjs'), WATCHDOG);
  } catch (err) {
    removeDir();
    throw err;
  }

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const output = new OutputTail();
    const child = spawn(
      process.execPath,
      ['--require', join(dataDir, 'cogauth-watchdog.cjs'), START_SCRIPT],
      {
        cwd: dataDir,
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(port),
          DEBUG: '',
          COGAUTH_WATCHDOG_RMDIR: ownsDir ? dataDir : '',
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    child.stdout?.on('data', (c: Buffer) => output.push(c));
    child.stderr?.on('data', (c: Buffer) => output.push(c));
    child.on('error', (err) => output.push(Buffer.from(`spawn error: ${err.message}\n`)));
    const pid = child.pid;
    const killNow = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    try {
      if (pid === undefined) throw new Error('spawn failed');
      await waitUntilHealthy(child, endpoint, timeoutMs);
    } catch (err) {
      killNow();
      await waitForExit(child, STOP_GRACE_MS);
      lastError = `${(err as Error).message}; output tail:\n${output.toString().slice(-2000)}`;
      if (/EADDRINUSE/.test(output.toString())) continue;
      removeDir();
      throw new Error(`startCognitoLocal: cognito-local ${lastError}`);
    }
    return makeHandle({ child, pid, port, endpoint, dataDir, output, removeDir });
  }
  removeDir();
  throw new Error(`startCognitoLocal: no free port after 3 attempts; last: ${lastError}`);
}

interface HandleParts {
  child: ChildProcess;
  pid: number;
  port: number;
  endpoint: string;
  dataDir: string;
  output: OutputTail;
  removeDir: () => void;
}

function makeHandle(parts: HandleParts): CognitoLocal {
  const { child, pid, port, endpoint, dataDir, output, removeDir } = parts;
  // Do not keep the test runner alive for the emulator; the exit hook and the watchdog clean up.
  child.unref();
  child.channel?.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();

  const onProcessExit = () => {
    try {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    try {
      removeDir();
    } catch {
      // best effort at exit
    }
  };
  process.on('exit', onProcessExit);

  const client = new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const secrets = new Map<string, string>();
  const issuerFor = (poolId: string) => `${endpoint}/${poolId}`;
  let stopping: Promise<void> | undefined;

  // cognito-local answers GetGroup for a missing group with a bare 500, so look the group up in the list.
  const ensureGroup = async (poolId: string, name: string) => {
    const out = await client.send(new ListGroupsCommand({ UserPoolId: poolId }));
    if (out.Groups?.some((g) => g.GroupName === name)) return;
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: name }));
  };

  return {
    endpoint,
    port,
    pid,
    dataDir,
    client,
    issuerFor,
    async createPool(name) {
      const out = await client.send(
        new CreateUserPoolCommand({ PoolName: name ?? `pool-${Date.now().toString(36)}` }),
      );
      const poolId = out.UserPool?.Id;
      if (!poolId) throw new Error('createPool: no pool id in the response');
      const issuer = issuerFor(poolId);
      return { poolId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
    },
    async createClient(poolId, opts = {}) {
      const out = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: opts.name ?? 'cogauth-test-client',
          GenerateSecret: opts.secret ?? false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      const clientId = out.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('createClient: no client id in the response');
      const clientSecret = out.UserPoolClient?.ClientSecret;
      if (opts.secret && !clientSecret) throw new Error('createClient: secret requested but none returned');
      if (clientSecret) secrets.set(clientId, clientSecret);
      return clientSecret ? { clientId, clientSecret } : { clientId };
    },
    async createGroup(poolId, name) {
      await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: name }));
    },
    async createUser(poolId, username, password, opts = {}) {
      const attributes: AttributeType[] = [];
      if (opts.email !== undefined) {
        attributes.push({ Name: 'email', Value: opts.email }, { Name: 'email_verified', Value: 'true' });
      }
      const out = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: username,
          TemporaryPassword: password,
          MessageAction: 'SUPPRESS',
          UserAttributes: attributes,
        }),
      );
      const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('createUser: no sub in the response');
      if (opts.permanent ?? true) {
        await client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: poolId,
            Username: username,
            Password: password,
            Permanent: true,
          }),
        );
      }
      for (const group of opts.groups ?? []) {
        await ensureGroup(poolId, group);
        await client.send(
          new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }),
        );
      }
      return { username, sub };
    },
    async login(_poolId, clientId, username, password) {
      const secret = secrets.get(clientId);
      const out = await client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: {
            USERNAME: username,
            PASSWORD: password,
            ...(secret ? { SECRET_HASH: secretHash(clientId, secret, username) } : {}),
          },
        }),
      );
      return toTokens(out);
    },
    async refresh(clientId, refreshToken, username) {
      const secret = secrets.get(clientId);
      const out = await client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: {
            REFRESH_TOKEN: refreshToken,
            ...(secret && username ? { SECRET_HASH: secretHash(clientId, secret, username) } : {}),
          },
        }),
      );
      return toTokens(out, refreshToken);
    },
    outputTail: () => output.toString(),
    stop() {
      stopping ??= (async () => {
        client.destroy();
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          if (!(await waitForExit(child, STOP_GRACE_MS))) {
            child.kill('SIGKILL');
            await waitForExit(child, STOP_GRACE_MS);
          }
        }
        process.off('exit', onProcessExit);
        removeDir();
      })();
      return stopping;
    },
  };
}
