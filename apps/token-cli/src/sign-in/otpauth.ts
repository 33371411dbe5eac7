// The otpauth:// URI authenticator apps read (Google Authenticator's "Key Uri Format", which the others
// follow): otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>. Cognito's TOTP is the
// format's default (SHA1, 6 digits, 30 seconds), so those parameters are left out: a shorter URI is a
// smaller QR code. Label parts are percent-encoded.

const BASE32 = /^[A-Z2-7]+=*$/;

/** Cognito's SecretCode: base32 of the shared secret; anything else is refused before it is shown. */
export function isBase32Secret(secret: string): boolean {
  return secret.length >= 16 && secret.length <= 256 && BASE32.test(secret);
}

export function otpauthUri(issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret: secret.replace(/=+$/, ''), issuer });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/** `ABCD EFGH IJKL …`: easier to type into an app by hand. */
export function groupedSecret(secret: string): string {
  return (secret.replace(/=+$/, '').match(/.{1,4}/g) ?? []).join(' ');
}
