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
export type { CognitoStandIn, CognitoStandInOptions } from './cognito-standin/api.js';
export type { DeviceTrackingMode, StandInDevice, StandInPasskey } from './cognito-standin/control.js';
export type { SentMessage as StandInMessage } from './cognito-standin/delivery.js';
export type { CognitoErrorType } from './cognito-standin/errors.js';
export type {
  StandInClientOptions,
  StandInPoolOptions,
  StandInUserOptions,
} from './cognito-standin/setup.js';
export { startCognitoStandIn } from './cognito-standin/start.js';
export { base32Decode, base32Encode, hotp, totpCode } from './cognito-standin/totp.js';
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
