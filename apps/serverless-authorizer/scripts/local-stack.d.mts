import type { CognitoVerifierOptions } from '@cogauth/core';
import type { CognitoAppClient, CognitoLocal, CognitoPool, CognitoTokens } from '@cogauth/test-fixtures';

export declare const APP_DIR: string;
export declare const SLS_ENV: Readonly<Record<string, string>>;
export declare const SAMPLE_USERS: Readonly<
  Record<'reader' | 'writer' | 'admin', { password: string; groups: string[] }>
>;

export interface OfflineOptions {
  /** Default `dev`. */
  stage?: string;
  /** Added to the process environment, e.g. COGAUTH_POOLS. */
  env?: Record<string, string>;
  /** Default 60000. */
  startTimeoutMs?: number;
  /** The service to run; default this app. */
  serviceDir?: string;
  /** The osls bin (`node_modules/osls/bin/serverless.js`) to run it with; default this app's. */
  oslsBin?: string;
}

export interface Offline {
  pid: number;
  stage: string;
  httpPort: number;
  lambdaPort: number;
  /** `http://127.0.0.1:<port>/<stage>`: the REST API routes. */
  restUrl: string;
  /** `http://127.0.0.1:<port>`: the HTTP API routes. */
  httpApiUrl: string;
  /** `ws://127.0.0.1:<port>`: the WebSocket API. */
  websocketUrl: string;
  /** Everything serverless offline printed so far (stdout and stderr). */
  output(): string;
  /** Kills the process group (SIGTERM, SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export declare function startOffline(options?: OfflineOptions): Promise<Offline>;

export interface SampleUser {
  username: string;
  sub: string;
  password: string;
  groups: string[];
  tokens: CognitoTokens;
}

export interface LocalStackOptions extends OfflineOptions {
  /** Appended to COGAUTH_POOLS after the cognito-local pool. */
  extraPools?: CognitoVerifierOptions[];
  /** Kept across runs when given; default a temp dir removed on stop(). */
  cognitoDataDir?: string;
}

export interface LocalStack {
  cognito: CognitoLocal;
  pool: CognitoPool;
  client: CognitoAppClient;
  users: Record<'reader' | 'writer' | 'admin', SampleUser>;
  /** The COGAUTH_POOLS value the authorizer runs with. */
  pools: CognitoVerifierOptions[];
  offline: Offline;
  restUrl: string;
  httpApiUrl: string;
  /** Stops serverless offline, then cognito-local. Idempotent. */
  stop(): Promise<void>;
}

export declare function startLocalStack(options?: LocalStackOptions): Promise<LocalStack>;
