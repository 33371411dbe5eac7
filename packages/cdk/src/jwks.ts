import { readFileSync } from 'node:fs';
import { ConfigError } from '@cogauth/core';

/** A JSON object: not null, not an array. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JWKS embedded in the authorizer at synth time (`COGAUTH_JWKS`): the Lambda verifies tokens signed by
 * these keys without a network call. Keys it does not know are still fetched from the pool's JWKS URL, so a
 * key rotation keeps working, but redeploy after one to keep cold starts offline. Synthesis never fetches
 * anything: give the document, or a file you downloaded from
 * `https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json`.
 */
export class CogauthJwks {
  /** Reads a JWKS JSON file now (at synth time). Only the file you name is read. */
  static fromFile(path: string): CogauthJwks {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new ConfigError(
        'jwks',
        `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (cause) {
      throw new ConfigError('jwks', `${path} is not valid JSON (${(cause as Error).message})`);
    }
    return CogauthJwks.fromDocument(doc, path);
  }

  /** A JWKS document (`{ "keys": [...] }`) you already hold. */
  static fromDocument(document: unknown, source = 'the document'): CogauthJwks {
    if (!isRecord(document) || !Array.isArray(document.keys) || document.keys.length === 0) {
      throw new ConfigError('jwks', `${source} must be a JWKS: an object with a non-empty "keys" array`);
    }
    // Public parts only: a private key in the environment would be readable by anyone who can read the function.
    for (const [i, key] of document.keys.entries()) {
      if (!isRecord(key)) throw new ConfigError(['jwks', 'keys', i], 'must be an object');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        if (key[secret] !== undefined) {
          throw new ConfigError(
            ['jwks', 'keys', i],
            `holds private key material ("${secret}"): embed public keys only`,
          );
        }
      }
    }
    return new CogauthJwks(JSON.stringify(document));
  }

  private constructor(
    /** The JWKS as the compact JSON the Lambda receives. */
    readonly json: string,
  ) {}
}
