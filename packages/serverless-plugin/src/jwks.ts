import { ConfigError, type ConfigPath, type Jwks } from '@cogauth/core';
import { issuerOf, jwksUriOf } from '@cogauth/core/cognito';

// Members that only a private or symmetric key has: such a key must never be shipped in a Lambda zip.
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5000;

/** The JWKS as given, refused (naming `field`) if it is not a JWKS or holds secret key material. */
export function publicJwks(value: unknown, field: ConfigPath): Jwks {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length === 0)
    throw new ConfigError(field, 'is not a JWKS: expected {"keys": [ ... ]} with at least one key');
  keys.forEach((key: unknown, i) => {
    if (typeof key !== 'object' || key === null)
      throw new ConfigError([...field, 'keys', i], 'is not an object');
    const secret = SECRET_MEMBERS.find((member) => member in key);
    if (secret !== undefined)
      throw new ConfigError(
        [...field, 'keys', i],
        `holds private key material ("${secret}"): ship public keys only`,
      );
  });
  return value as Jwks;
}

/** Where `fetchJwks` reads: jwksUri, else the (first) issuer's, else the pool's own Cognito JWKS URL. */
export function jwksSourceOf(userPoolId: string, jwksUri?: string, issuers?: string[]): string {
  if (jwksUri !== undefined) return jwksUri;
  const issuer = issuers?.[0] ?? issuerOf(userPoolId);
  if (issuer === undefined)
    throw new ConfigError(
      ['custom', 'cogauth', 'fetchJwks'],
      `cannot derive a JWKS URL from ${userPoolId}: set jwksUri`,
    );
  return jwksUriOf(issuer);
}

/** GETs a JWKS at package time (no redirects, size and time bounded) and keeps it only if public. */
export async function fetchJwks(uri: string): Promise<Jwks> {
  const field = ['custom', 'cogauth', 'fetchJwks'];
  let text: string;
  try {
    const response = await fetch(uri, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    text = await response.text();
  } catch (cause) {
    throw new ConfigError(
      field,
      `GET ${uri} failed (${(cause as Error).message}); embed a jwksFile instead when offline`,
    );
  }
  if (text.length > MAX_BYTES)
    throw new ConfigError(field, `GET ${uri} answered more than ${MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ConfigError(field, `GET ${uri} did not answer JSON`);
  }
  return publicJwks(body, field);
}
