import { createHash, randomBytes, verify } from 'node:crypto';
import { notAuthorized } from './errors.js';
import type { Passkey, Pool, User } from './model.js';

// Passkey sign-in (USER_AUTH with WEB_AUTHN): the WEB_AUTHN challenge carries CREDENTIAL_REQUEST_OPTIONS, a
// JSON PublicKeyCredentialRequestOptions; the answer's CREDENTIAL is a JSON AuthenticationResponseJSON
// (W3C WebAuthn Level 3 §5.1, "AuthenticationResponseJSON"; ChallengeResponses in
// API_RespondToAuthChallenge). The assertion is checked as WebAuthn §7.2 "Verifying an Authentication
// Assertion" says: known credential, clientData type/challenge/origin, rpIdHash, user present (and
// verified when required), a growing signature counter, and the signature over
// authenticatorData || SHA-256(clientDataJSON). Any failure is NotAuthorizedException.

export const WEBAUTHN_TIMEOUT_MS = 180_000;

export function newWebAuthnNonce(): string {
  return randomBytes(32).toString('base64url');
}

export function requestOptions(pool: Pool, user: User, nonce: string): string {
  return JSON.stringify({
    challenge: nonce,
    timeout: WEBAUTHN_TIMEOUT_MS,
    rpId: pool.webAuthn.relyingPartyId,
    allowCredentials: user.passkeys.map((p) => ({
      type: 'public-key',
      id: p.credentialId.toString('base64url'),
    })),
    userVerification: pool.webAuthn.userVerification,
  });
}

const refuse = (reason: string) => notAuthorized(`Passkey assertion refused: ${reason}`);

function field(object: unknown, name: string): string {
  const value =
    typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string') throw refuse(`${name} is missing`);
  return value;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw refuse(`${what} is not JSON`);
  }
}

function checkClientData(pool: Pool, clientDataJSON: Buffer, nonce: string): void {
  const clientData = parseJson(clientDataJSON.toString('utf8'), 'clientDataJSON');
  if (field(clientData, 'type') !== 'webauthn.get') throw refuse('clientData type is not webauthn.get');
  if (field(clientData, 'challenge') !== nonce) throw refuse('clientData challenge does not match');
  if (!pool.webAuthn.origins.includes(field(clientData, 'origin'))) throw refuse('origin not allowed');
  if ((clientData as { crossOrigin?: unknown }).crossOrigin === true) throw refuse('cross-origin assertion');
}

function checkAuthenticatorData(pool: Pool, passkey: Passkey, data: Buffer): number {
  if (data.length < 37) throw refuse('authenticatorData too short');
  const rpIdHash = createHash('sha256').update(pool.webAuthn.relyingPartyId).digest();
  if (!data.subarray(0, 32).equals(rpIdHash)) throw refuse('rpIdHash does not match the relying party');
  const flags = data[32] ?? 0;
  if ((flags & 0x01) === 0) throw refuse('user not present');
  if (pool.webAuthn.userVerification === 'required' && (flags & 0x04) === 0)
    throw refuse('user not verified');
  const counter = data.readUInt32BE(33);
  if ((counter !== 0 || passkey.signCount !== 0) && counter <= passkey.signCount) {
    throw refuse('signature counter did not increase (cloned authenticator?)');
  }
  return counter;
}

/** Checks CREDENTIAL against the nonce of this sign-in; updates the passkey's counter when it passes. */
export function verifyAssertion(pool: Pool, user: User, nonce: string, credential: string): void {
  const json = parseJson(credential, 'CREDENTIAL');
  if (field(json, 'type') !== 'public-key') throw refuse('type is not public-key');
  const id = Buffer.from(field(json, 'id'), 'base64url');
  const passkey = user.passkeys.find((p) => p.credentialId.equals(id));
  if (!passkey) throw refuse('unknown credential');
  const response = (json as { response?: unknown }).response;
  const clientDataJSON = Buffer.from(field(response, 'clientDataJSON'), 'base64url');
  const authenticatorData = Buffer.from(field(response, 'authenticatorData'), 'base64url');
  const signature = Buffer.from(field(response, 'signature'), 'base64url');
  checkClientData(pool, clientDataJSON, nonce);
  const counter = checkAuthenticatorData(pool, passkey, authenticatorData);
  const signed = Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]);
  const digest = passkey.publicKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  if (!verify(digest, signed, passkey.publicKey, signature)) throw refuse('bad signature');
  passkey.signCount = counter;
}
