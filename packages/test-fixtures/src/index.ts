export type {
  CognitoAdmin,
  CognitoAppClient,
  CognitoPool,
  CognitoTokens,
  CognitoUser,
  CreateClientOptions,
  CreateUserOptions,
} from './cognito-admin.js';
export { type CognitoLocal, type CognitoLocalOptions, startCognitoLocal } from './cognito-local.js';
export {
  attwTarball,
  type ConsumerProject,
  cleanEnv,
  type LintFinding,
  type PackAndInstallOptions,
  type PackedPackage,
  packAndInstall,
  packWorkspacePackage,
  publintInstalled,
  type RunResult,
  type TypeScriptCompiler,
  typeScriptCompilers,
} from './consumer.js';
export {
  type Jwks,
  type JwksRequestInfo,
  type JwksResponder,
  type JwksServer,
  type JwksServerOptions,
  startJwksServer,
} from './jwks-server.js';
export {
  base64url,
  type CognitoClaimsOptions,
  cognitoAccessClaims,
  cognitoIdClaims,
  generateTestKey,
  jwksOf,
  type SignOptions,
  signJwt,
  signWithKey,
  TEST_ALGS,
  type TestAlg,
  type TestKey,
  type TestKeyOptions,
} from './keys.js';
export {
  type LocalPoolOptions,
  type LocalStack,
  type LocalStackOptions,
  type LocalUser,
  type LocalUserSpec,
  startLocalStack,
} from './local-stack.js';
export { type Offline, type OfflineOptions, SLS_ENV, startOffline } from './offline.js';
export { ownTmpdir } from './own-tmpdir.js';
export { freePort } from './ports.js';
export { type NodeProcess, type NodeProcessOptions, retryOnPortClash, startNodeProcess } from './process.js';
export { readZip, type ZipEntry } from './zip.js';
