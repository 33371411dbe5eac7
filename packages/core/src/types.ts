/** A JSON Web Key as published in a Cognito JWKS (RSA or EC public key). */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

export interface Jwks {
  keys: Jwk[];
}

/**
 * What the `jwks` option accepts: a {@link Jwks}, or any `{keys: [...]}` document such as node's
 * `KeyObject.export({format: 'jwk'})` results or jose's JWK type. Every key is validated at creation.
 */
export interface JwksInput {
  keys: readonly object[];
}

/** Claims of a verified Cognito access or ID token. */
export interface CognitoClaims {
  sub: string;
  iss: string;
  exp: number;
  iat?: number;
  nbf?: number;
  auth_time?: number;
  jti?: string;
  token_use: 'access' | 'id';
  /** access tokens */
  client_id?: string;
  scope?: string;
  username?: string;
  /** id tokens */
  aud?: string;
  'cognito:username'?: string;
  email?: string;
  email_verified?: boolean;
  'cognito:groups'?: string[];
  [claim: string]: unknown;
}

export interface CognitoVerifierOptions {
  /** e.g. `us-east-1_AbC123`; derives region, issuer and jwksUri. */
  userPoolId: string;
  /** Overrides the derived issuer(s), e.g. cognito-local `http://127.0.0.1:9229/local_abc`. */
  issuer?: string | string[];
  /** Overrides the derived JWKS URI. */
  jwksUri?: string;
  tokenUse: 'access' | 'id' | null;
  /** Checked against `aud` (id tokens) or `client_id` (access tokens); null disables the check. */
  clientId: string | string[] | null;
  /** Any-of on `cognito:groups`. */
  groups?: string | string[];
  /** Any-of on the space-separated `scope`. */
  scopes?: string | string[];
  /** Clock tolerance in seconds for exp/nbf/iat (default 0). */
  graceSeconds?: number;
  /** Preloaded JWKS: no network call needed for its keys. */
  jwks?: Jwks | JwksInput;
}

export interface VerifierSettings {
  /** Verified-result cache; on by default. `false` disables it. */
  cache?: false | { maxEntries?: number };
  /** JWKS fetch timeout in ms (default 3000). */
  jwksTimeoutMs?: number;
  /** Max JWKS response size in bytes (default 64 KiB). */
  jwksMaxBytes?: number;
  /** Minimum interval between refetches caused by an unknown kid, in ms (default 10000). */
  jwksPenaltyMs?: number;
}

export interface CognitoVerifier {
  verify(token: string): Promise<CognitoClaims>;
  /** Needs the key in memory (preloaded `jwks` or after `hydrate()`); never fetches. */
  verifySync(token: string): CognitoClaims;
  /** Fetch every pool's JWKS now, e.g. during a Lambda's init phase. */
  hydrate(): Promise<void>;
}
