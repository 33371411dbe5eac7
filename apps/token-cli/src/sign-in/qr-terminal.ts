/** Placeholder until the QR encoder lands: no QR code, the secret and URI are shown instead. */
export function qrLines(_text: string): string[] {
  return [];
}
