// A software WebAuthn authenticator for tests: one P-256 credential that answers a
// PublicKeyCredentialRequestOptions (Cognito's CREDENTIAL_REQUEST_OPTIONS) with an
// AuthenticationResponseJSON (W3C WebAuthn Level 3 §5.1), signing authenticatorData || SHA-256(clientDataJSON).
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

export interface AssertOptions {
  origin: string;
  /** Default true: the UV flag; false sends UP only. */
  userVerified?: boolean;
  /** The signature counter to report; default one more than last time. */
  counter?: number;
  /** Sign for this relying party instead of the one in the options. */
  rpId?: string;
}

export interface SoftwarePasskey {
  credentialId: Buffer;
  publicKey: KeyObject;
  /** CREDENTIAL for a WEB_AUTHN challenge, from its CREDENTIAL_REQUEST_OPTIONS. */
  assert(requestOptions: string, options: AssertOptions): string;
}

export function softwarePasskey(): SoftwarePasskey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentialId = randomBytes(16);
  let counter = 0;
  return {
    credentialId,
    publicKey,
    assert(requestOptions, options) {
      const request = JSON.parse(requestOptions) as { challenge: string; rpId: string };
      counter = options.counter ?? counter + 1;
      const clientDataJSON = Buffer.from(
        JSON.stringify({
          type: 'webauthn.get',
          challenge: request.challenge,
          origin: options.origin,
          crossOrigin: false,
        }),
      );
      const flags = 0x01 | (options.userVerified === false ? 0 : 0x04);
      const count = Buffer.alloc(4);
      count.writeUInt32BE(counter);
      const rpIdHash = createHash('sha256')
        .update(options.rpId ?? request.rpId)
        .digest();
      const authenticatorData = Buffer.concat([rpIdHash, Buffer.from([flags]), count]);
      const signed = Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]);
      const signature = sign('sha256', signed, privateKey);
      const id = credentialId.toString('base64url');
      return JSON.stringify({
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authenticatorData.toString('base64url'),
          signature: signature.toString('base64url'),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      });
    },
  };
}
