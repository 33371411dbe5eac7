import { VerifyError } from '../errors.js';
import type { AlbClaims, AlbVerifier, AlbVerifierOptions, AlbVerifierSettings } from '../types.js';
import { AlbKeyStore } from './alb-keys.js';
import { type AlbConfig, readAlbOptions, readAlbSettings } from './alb-options.js';
import { type AlbHeader, type AlbToken, parseAlbToken } from './alb-token.js';
import { CLOCK_SKEW_SECONDS } from './claims.js';
import { MAX_TOKEN_LENGTH } from './jwt.js';
import type { ResultCache } from './result-cache.js';
import { checkSignature } from './signature.js';

type Cache = ResultCache<AlbClaims> | null;

interface AlbVerifying {
  readonly config: AlbConfig;
  readonly keys: AlbKeyStore;
  readonly cache: Cache;
}

/**
 * Creates a verifier for `x-amzn-oidc-data`, the user claims an Application Load Balancer signs after it
 * authenticated the user (OIDC or Cognito listener rules). Everything is validated here; a ConfigError names
 * the bad option. Nothing is fetched until a token needs its key.
 */
export function createAlbVerifier(options: AlbVerifierOptions, settings?: AlbVerifierSettings): AlbVerifier {
  const config = readAlbOptions(options);
  const { cache, keys } = readAlbSettings(settings);
  const v: AlbVerifying = { config, keys: new AlbKeyStore(keys), cache: cache as Cache };
  return Object.freeze({
    tokenHeader: 'x-amzn-oidc-data' as const,
    verify: (token: string) => verifyAlb(v, token),
  });
}

/**
 * What the load balancer signed in the header, checked before any key is fetched: an allowed `signer`
 * (which also says where its keys are), `client`, `iss`, and `exp`. Returns the key endpoint.
 */
function checkHeader(config: AlbConfig, header: AlbHeader, nowSeconds: number): string {
  const endpoint = config.signers.get(header.signer);
  if (endpoint === undefined)
    throw new VerifyError('ISSUER_INVALID', 'signer is not an allowed load balancer');
  if (config.clientIds !== null && (header.client === undefined || !config.clientIds.includes(header.client)))
    throw new VerifyError('AUDIENCE_INVALID', 'header client is not an allowed client');
  if (config.issuers !== null && (header.iss === undefined || !config.issuers.includes(header.iss)))
    throw new VerifyError('ISSUER_INVALID', 'header iss is not an allowed issuer');
  if (nowSeconds >= header.exp + config.graceSeconds)
    throw new VerifyError('TOKEN_EXPIRED', 'token has expired');
  return endpoint;
}

function numericDate(payload: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new VerifyError('CLAIM_INVALID', `${name} claim is not a number`);
  return value;
}

/** The payload, after the signature: the same time rules as Cognito tokens, `iss` as allowed, a `sub`. */
function checkPayload(config: AlbConfig, payload: Record<string, unknown>, nowSeconds: number): AlbClaims {
  const grace = config.graceSeconds;
  const exp = numericDate(payload, 'exp');
  if (exp !== undefined && nowSeconds >= exp + grace)
    throw new VerifyError('TOKEN_EXPIRED', 'token has expired');
  const latest = nowSeconds + Math.max(grace, CLOCK_SKEW_SECONDS);
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > latest)
    throw new VerifyError('TOKEN_NOT_YET_VALID', 'token is not valid yet (nbf)');
  const iat = numericDate(payload, 'iat');
  if (iat !== undefined && iat > latest)
    throw new VerifyError('TOKEN_NOT_YET_VALID', 'token was issued in the future (iat)');
  const iss = payload.iss;
  if (iss !== undefined && typeof iss !== 'string')
    throw new VerifyError('CLAIM_INVALID', 'iss claim is not a string');
  if (config.issuers !== null && (iss === undefined || !config.issuers.includes(iss)))
    throw new VerifyError('ISSUER_INVALID', 'iss is not an allowed issuer');
  if (typeof payload.sub !== 'string' || payload.sub === '')
    throw new VerifyError('CLAIM_INVALID', 'sub claim is missing or not a string');
  return payload as AlbClaims;
}

/** Until when a verified token may be served from the cache: the earlier of the header's and the payload's exp. */
function expiresAtMs(parsed: AlbToken): number {
  const exp = parsed.payload.exp;
  return (typeof exp === 'number' ? Math.min(exp, parsed.header.exp) : parsed.header.exp) * 1000;
}

async function verifyAlb(v: AlbVerifying, token: string): Promise<AlbClaims> {
  const nowMs = Date.now();
  if (v.cache !== null && typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH) {
    const hit = v.cache.get(token, nowMs);
    if (hit !== undefined) return hit;
  }
  const parsed = parseAlbToken(token);
  const header = parsed.header;
  const endpoint = checkHeader(v.config, header, nowMs / 1000);
  const found = v.keys.key(endpoint, header.kid);
  const entry = found instanceof Promise ? await found : found;
  const signed = { alg: 'ES256', spec: parsed.spec, kid: header.kid } as const;
  const checked = checkSignature(
    {
      header: signed,
      payload: parsed.payload,
      signingInput: parsed.signingInput,
      signature: parsed.signature,
    },
    entry,
  );
  // node:crypto answers at once; Web Crypto with a promise.
  if (checked !== undefined) await checked;
  // The claims are checked against the time after the wait for the key.
  const checkedAt = Date.now();
  if (checkedAt / 1000 >= header.exp + v.config.graceSeconds)
    throw new VerifyError('TOKEN_EXPIRED', 'token has expired');
  const claims = Object.freeze(checkPayload(v.config, parsed.payload, checkedAt / 1000));
  v.cache?.set(token, claims, expiresAtMs(parsed), checkedAt);
  return claims;
}
