import type { JwsAlgorithm } from './verify/algorithms.js';

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

/** What a {@link CustomCheck} receives: the verified token's header and claims. */
export interface CustomCheckInput {
  header: { alg: JwsAlgorithm; kid: string };
  payload: CognitoClaims;
}

/**
 * Runs after every standard check passed (also for a result served from the cache). Throw, or return a
 * rejecting promise, to refuse the token: the verifier then throws VerifyError `CUSTOM_CHECK_FAILED`
 * with the error as `cause`. verifySync needs a check that does not return a promise.
 */
export type CustomCheck = (input: CustomCheckInput) => void | Promise<void>;

/** The claim checks, shared by the options and the per-call overrides of verify(). */
export interface ClaimChecks {
  tokenUse: 'access' | 'id' | null;
  /** Checked against `aud` (id tokens) or `client_id` (access tokens); null disables the check. */
  clientId: string | string[] | null;
  /** Any-of on `cognito:groups`; null or absent: no check. */
  groups?: string | string[] | null;
  /** Any-of on the space-separated `scope`; null or absent: no check. */
  scopes?: string | string[] | null;
  /** Any-of on an access token's `aud` (Cognito resource binding); null or absent: no check. */
  audience?: string | string[] | null;
  /** Tolerance in seconds for `exp`; `iat`/`nbf` get at least 60 s (default 0). */
  graceSeconds?: number;
  /** Your own check, run after the standard ones; null or absent: none. */
  customCheck?: CustomCheck | null;
}

export interface CognitoVerifierOptions extends ClaimChecks {
  /** e.g. `us-east-1_AbC123`; derives issuer and jwksUri. Required unless `issuer` is given. */
  userPoolId?: string;
  /** Overrides the derived issuer(s), e.g. cognito-local `http://127.0.0.1:9229/local_abc`. */
  issuer?: string | string[];
  /** Overrides the derived JWKS URI. */
  jwksUri?: string;
  /**
   * Accept plain http:// issuers and JWKS URIs on hosts that are not loopback (an emulator on another host).
   * The risk: anyone on the network path can serve their own keys, and every token they sign verifies.
   * Without it, only https:// and http:// to 127.0.0.0/8, ::1 or localhost are accepted. Default false.
   */
  allowInsecureHttp?: boolean;
  /** Preloaded JWKS: the keys in use until the endpoint first answers (offline: for good). */
  jwks?: Jwks | JwksInput;
}

/**
 * Per-call overrides for verify()/verifySync(), as in aws-jwt-verify: a key that is present replaces the
 * pool's value for this call (null turns a check off); an absent or undefined key keeps it.
 */
export type VerifyOverrides = Partial<ClaimChecks>;

export interface VerifierSettings {
  /** Verified-result cache; on by default. `false` disables it. */
  cache?: false | { maxEntries?: number };
  /** JWKS fetch timeout in ms (default 3000). */
  jwksTimeoutMs?: number;
  /** Max JWKS response size in bytes (default 64 KiB). */
  jwksMaxBytes?: number;
  /** After an unknown kid is still unknown after a fetch, unknown kids do not refetch for this long (ms, default 10000). */
  jwksPenaltyMs?: number;
  /** A key set older than this (ms, default 3600000) is refreshed by the next verification. */
  jwksMaxAgeMs?: number;
  /** Never fetch: every pool's preloaded `jwks` is the only key set (default false). */
  jwksOffline?: boolean;
  /** With a pool resolver: how many pools keep their keys in memory, least recently used dropped first (default 100). */
  maxPools?: number;
  /** With a pool resolver: the most JWKS downloads per 10 s, whatever the tokens name (default 100). */
  maxPoolFetches?: number;
}

export interface CognitoVerifier {
  verify(token: string, overrides?: VerifyOverrides): Promise<CognitoClaims>;
  /** Needs the key in memory (preloaded `jwks` or after `hydrate()`); never waits for the network. */
  verifySync(token: string, overrides?: VerifyOverrides): CognitoClaims;
  /** Fetch every pool's JWKS now, e.g. during a Lambda's init phase. */
  hydrate(): Promise<void>;
  /**
   * Replaces a pool's keys with `jwks` (validated like the `jwks` option). `pool` is a userPoolId or
   * issuer, needed only with several pools. Cached results are forgotten if a key is dropped or changed.
   */
  cacheJwks(jwks: Jwks | JwksInput, pool?: string): void;
  /** Forgets a pool's keys (all pools' without `pool`) and the cached results: the next verification fetches. */
  dropJwks(pool?: string): void;
}

/** The checks a pool resolver gives for one pool: the claim checks, never where its keys come from. */
export type PoolSettings = ClaimChecks;

/** A token's `iss` as a pool resolver sees it: already read as a Cognito issuer (or one of `endpoint`'s). */
export interface PoolIssuer {
  /** The token's `iss`, exactly. */
  readonly issuer: string;
  readonly userPoolId: string;
  /** The pool's region; undefined for a pool of an emulator `endpoint`. */
  readonly region: string | undefined;
}

/** Your settings for the pool, or undefined to refuse its tokens (ISSUER_INVALID). */
export type PoolResolver = (pool: PoolIssuer) => PoolSettings | undefined | Promise<PoolSettings | undefined>;

/** One entry of a pool allow-list: which issuers it covers, and the checks for their tokens. */
export interface PoolAllowEntry extends ClaimChecks {
  /** Cognito pools of these regions, in either issuer format. Give this or `endpoint`. */
  regions?: string[];
  /** An emulator or proxy: issuers `<endpoint>/<userPoolId>`, keys at `<issuer>/.well-known/jwks.json`. */
  endpoint?: string;
  /** Only these pools; absent: any pool of `regions` (or `endpoint`). */
  userPoolIds?: string[];
  /**
   * Must be `true` when neither `userPoolIds` nor `clientId` narrows the entry: then a pool that ANY AWS
   * account creates in `regions` is accepted (an issuer names a region and a pool id, never an account).
   */
  anyAccount?: boolean;
  /** As for a pool's options: plain http:// to an `endpoint` that is not loopback. */
  allowInsecureHttp?: boolean;
}

/**
 * Pools chosen at run time instead of listed at creation. Give exactly one of `allowPools` and
 * `resolvePool`. A token's `iss` is read as a Cognito issuer (or `<endpoint>/<userPoolId>`) before anything
 * else; a pool's JWKS is fetched only once its issuer is accepted, and only from where the issuer says
 * Cognito serves it.
 */
export interface PoolResolverOptions {
  /** The first entry that covers the token's issuer gives its checks; an issuer no entry covers is refused. */
  allowPools?: PoolAllowEntry[];
  /** Called for an issuer not in memory (once at a time per pool): its settings, or undefined to refuse. */
  resolvePool?: PoolResolver;
  /** With `resolvePool`: an emulator or proxy whose issuers `<endpoint>/<userPoolId>` are read too. */
  endpoint?: string;
  allowInsecureHttp?: boolean;
}

/** `createAlbVerifier`'s options: which load balancers sign, and what the token's header must say. */
export interface AlbVerifierOptions {
  /** The ARN of the Application Load Balancer that signs (the token header's `signer`). Give this or `albArns`. */
  albArn?: string;
  /** Several load balancers, possibly in several regions: `signer` must be one of them. */
  albArns?: string[];
  /** Optional: the region every ARN must be in (a guard against an ARN copied from elsewhere). */
  region?: string;
  /** Allowed OIDC client ids (the header's `client`); `null` skips the check (say so explicitly). */
  clientId: string | string[] | null;
  /** Allowed issuers (the header's and the payload's `iss`); `null` skips the check (say so explicitly). */
  issuer: string | string[] | null;
  /** Tolerance in seconds for `exp`; `iat`/`nbf` get at least 60 s (default 0, at most 300). */
  graceSeconds?: number;
  /** Where the keys are (`<keyEndpoint>/<kid>`): default the region's documented endpoint. https, or http to loopback. */
  keyEndpoint?: string;
  /** Accept a plain http:// `keyEndpoint` on a host that is not loopback (anyone on the path could swap keys). */
  allowInsecureHttp?: boolean;
}

/** `createAlbVerifier`'s settings: the result cache and the key download, as for the Cognito verifier. */
export type AlbVerifierSettings = Pick<
  VerifierSettings,
  'cache' | 'jwksTimeoutMs' | 'jwksMaxBytes' | 'jwksPenaltyMs'
>;

/** The user claims an ALB passes in `x-amzn-oidc-data`: what the IdP's user info endpoint returned. */
export interface AlbClaims {
  sub: string;
  iss?: string;
  exp?: number;
  email?: string;
  username?: string;
  [claim: string]: unknown;
}

/** Verifies `x-amzn-oidc-data` as the load balancer signs it. */
export interface AlbVerifier {
  /** The request header the adapters read the token from (not `Authorization`). */
  readonly tokenHeader: 'x-amzn-oidc-data';
  /** The user claims, frozen; rejects with a VerifyError. Fetches the signing key when it needs to. */
  verify(token: string): Promise<AlbClaims>;
}
