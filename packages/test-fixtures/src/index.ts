export {
  type CognitoAppClient,
  type CognitoLocal,
  type CognitoLocalOptions,
  type CognitoPool,
  type CognitoTokens,
  type CognitoUser,
  type CreateClientOptions,
  type CreateUserOptions,
  startCognitoLocal,
} from './cognito-local.js';
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
export { freePort } from './ports.js';
export { readZip, type ZipEntry } from './zip.js';
