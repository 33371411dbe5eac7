import { randomBytes, randomInt, randomUUID } from 'node:crypto';

// Identifiers in Cognito's shapes: pool ids `us-east-1_AbC123xyz`, app client ids of 26 lower-case
// alphanumerics with 51-character secrets, device keys `<region>_<uuid>`; opaque values (sessions, refresh
// tokens) are long random strings nobody can guess.

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const newPoolId = (region: string): string => `${region}_${pick(ALNUM, 9)}`;
export const newClientId = (): string => pick(LOWER_ALNUM, 26);
export const newClientSecret = (): string => pick(LOWER_ALNUM, 51);
export const newDeviceKey = (region: string): string => `${region}_${randomUUID()}`;
export const newDeviceGroupKey = (): string => `-${pick(ALNUM, 9)}`;
export const newSessionId = (): string => randomBytes(96).toString('base64');
export const newKid = (): string => randomBytes(32).toString('base64');

/** A refresh token shaped like Cognito's (a JWE: five base64url parts, header RSA-OAEP / A256GCM), opaque. */
export function newRefreshToken(): string {
  const header = Buffer.from('{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}').toString('base64url');
  const part = (n: number) => randomBytes(n).toString('base64url');
  return `${header}.${part(256)}.${part(12)}.${part(512)}.${part(16)}`;
}

/** A numeric one-time code. */
export const newCode = (digits: number): string => String(randomInt(10 ** digits)).padStart(digits, '0');
