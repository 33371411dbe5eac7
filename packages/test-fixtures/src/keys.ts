import {
  createHmac,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';

export type TestAlg = 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512';

export const TEST_ALGS: readonly TestAlg[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

export interface TestKeyOptions {
  alg?: TestAlg;
  kid?: string;
  /** RSA only; default 2048. */
  modulusLength?: number;
}

export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, alg and use=sig, as Cognito publishes it. */
  publicJwk: JsonWebKey & { kid: string; alg: TestAlg; use: 'sig' };
}

const CURVES: Record<'ES256' | 'ES384' | 'ES512', string> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};

const DIGESTS: Record<TestAlg, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

export function generateTestKey(options: TestKeyOptions = {}): TestKey {
  const alg = options.alg ?? 'RS256';
  const kid = options.kid ?? `test-${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const pair = alg.startsWith('RS')
    ? generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 })
    : generateKeyPairSync('ec', { namedCurve: CURVES[alg as keyof typeof CURVES] });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return {
    kid,
    alg,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
  };
}

export function jwksOf(...keys: TestKey[]): { keys: TestKey['publicJwk'][] } {
  return { keys: keys.map((k) => ({ ...k.publicJwk })) };
}

export function base64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

export interface SignOptions {
  /**
   * Replace the signature segment with these bytes (or this literal base64url string),
   * e.g. an empty signature for `alg: none` or a signature made with another key.
   */
  rawSignature?: Uint8Array | string;
  /** For `alg: HS*` header overrides: the HMAC secret (e.g. the RSA public key PEM for confusion attacks). */
  hmacSecret?: string | Uint8Array;
  /** Use this literal string as the header segment's JSON instead of serializing the header object. */
  rawHeader?: string;
  /** Use this literal string as the payload segment's JSON instead of serializing the payload. */
  rawPayload?: string;
}

/**
 * Signs `payload` with `key` as a compact JWS. The header is `{alg, typ: 'JWT', kid}` merged with
 * `headerOverrides`; a property set to `undefined` there is removed. The signature is always made with
 * the key's own algorithm unless the overridden `alg` is `none` (empty signature) or `HS*` (needs
 * `options.hmacSecret`), or `options.rawSignature` is given — so tests can build tokens that lie about
 * their algorithm.
 */
export function signJwt(
  payload: Record<string, unknown>,
  key: TestKey,
  headerOverrides: Record<string, unknown> = {},
  options: SignOptions = {},
): string {
  const header: Record<string, unknown> = { alg: key.alg, typ: 'JWT', kid: key.kid, ...headerOverrides };
  for (const [name, value] of Object.entries(header)) {
    if (value === undefined) delete header[name];
  }
  const headerSegment = base64url(options.rawHeader ?? JSON.stringify(header));
  const payloadSegment = base64url(options.rawPayload ?? JSON.stringify(payload));
  const signingInput = `${headerSegment}.${payloadSegment}`;

  if (options.rawSignature !== undefined) {
    const sig =
      typeof options.rawSignature === 'string' ? options.rawSignature : base64url(options.rawSignature);
    return `${signingInput}.${sig}`;
  }
  const alg = header.alg;
  if (alg === 'none') return `${signingInput}.`;
  if (typeof alg === 'string' && /^HS(256|384|512)$/.test(alg)) {
    if (options.hmacSecret === undefined) {
      throw new Error(`signJwt: header alg ${alg} needs options.hmacSecret`);
    }
    const mac = createHmac(`sha${alg.slice(2)}`, options.hmacSecret)
      .update(signingInput)
      .digest();
    return `${signingInput}.${base64url(mac)}`;
  }
  return `${signingInput}.${base64url(signWithKey(signingInput, key))}`;
}

/** Raw JWS signature bytes of `data` with the key's own algorithm (ECDSA as r||s). */
export function signWithKey(data: string | Uint8Array, key: TestKey): Buffer {
  const input = typeof data === 'string' ? Buffer.from(data) : data;
  if (key.alg.startsWith('ES')) {
    return sign(DIGESTS[key.alg], input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  }
  return sign(DIGESTS[key.alg], input, key.privateKey);
}

export interface CognitoClaimsOptions {
  /** Full issuer URL; default `https://cognito-idp.us-east-1.amazonaws.com/<poolId>`. */
  issuer?: string;
  poolId?: string;
  region?: string;
  clientId?: string;
  sub?: string;
  username?: string;
  groups?: string[];
  /** Access tokens only; default `aws.cognito.signin.user.admin`. */
  scope?: string;
  /** ID tokens only. */
  email?: string;
  /** Seconds since the epoch; default now. */
  now?: number;
  /** Token lifetime in seconds; default 3600. */
  ttlSeconds?: number;
  /** Merged last; a property set to `undefined` is removed. */
  overrides?: Record<string, unknown>;
}

const DEFAULT_POOL_ID = 'us-east-1_TestPool1';

function commonClaims(opts: CognitoClaimsOptions) {
  const region = opts.region ?? 'us-east-1';
  const poolId = opts.poolId ?? DEFAULT_POOL_ID;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  return {
    iss: opts.issuer ?? `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
    sub: opts.sub ?? randomUUID(),
    clientId: opts.clientId ?? 'testclient0123456789abcdef',
    username: opts.username ?? 'alice',
    now,
    exp: now + (opts.ttlSeconds ?? 3600),
  };
}

function applyOverrides(claims: Record<string, unknown>, overrides?: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...claims, ...overrides };
  for (const [name, value] of Object.entries(out)) {
    if (value === undefined) delete out[name];
  }
  return out;
}

/** A payload shaped like a Cognito access token (token_use=access, client_id, scope, username). */
export function cognitoAccessClaims(opts: CognitoClaimsOptions = {}): Record<string, unknown> {
  const c = commonClaims(opts);
  const claims: Record<string, unknown> = {
    sub: c.sub,
    ...(opts.groups ? { 'cognito:groups': opts.groups } : {}),
    iss: c.iss,
    client_id: c.clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: opts.scope ?? 'aws.cognito.signin.user.admin',
    auth_time: c.now,
    exp: c.exp,
    iat: c.now,
    jti: randomUUID(),
    username: c.username,
  };
  return applyOverrides(claims, opts.overrides);
}

/** A payload shaped like a Cognito ID token (token_use=id, aud, cognito:username, email). */
export function cognitoIdClaims(opts: CognitoClaimsOptions = {}): Record<string, unknown> {
  const c = commonClaims(opts);
  const claims: Record<string, unknown> = {
    sub: c.sub,
    ...(opts.groups ? { 'cognito:groups': opts.groups } : {}),
    ...(opts.email !== undefined ? { email_verified: true } : {}),
    iss: c.iss,
    'cognito:username': c.username,
    origin_jti: randomUUID(),
    aud: c.clientId,
    event_id: randomUUID(),
    token_use: 'id',
    auth_time: c.now,
    exp: c.exp,
    iat: c.now,
    jti: randomUUID(),
    ...(opts.email !== undefined ? { email: opts.email } : {}),
  };
  return applyOverrides(claims, opts.overrides);
}
