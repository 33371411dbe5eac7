import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { otpauthUri } from '../../src/sign-in/otpauth.js';
import { encodeQr } from '../../src/sign-in/qr.js';
import { qrLines } from '../../src/sign-in/qr-terminal.js';
import { COLOUR, decodeModules, readQrLines } from '../helpers/qr-read.js';

// The QR code MFA_SETUP draws, read back by an independent decoder (jsQR, a dev dependency): generated
// texts of every length up to a few hundred bytes (versions 1 to about 17, single and multi-block error
// correction, with and without version information), and the terminal rendering itself parsed back into
// modules.

describe('encodeQr', () => {
  it('any text up to 150 characters (300 bytes) decodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 150 }), (text) => {
        const bytes = new TextEncoder().encode(text);
        fc.pre(bytes.length <= 300);
        const matrix = encodeQr(text);
        expect(matrix).toBeDefined();
        expect(decodeModules(matrix as boolean[][])).toEqual(bytes);
      }),
      { numRuns: 20 },
    );
  });

  it('grows with the text: 21, 25, 29, 33 … modules, with version information from version 7 on', () => {
    const sizes = new Set<number>();
    for (let length = 1; length <= 330; length += 20) {
      const text = 'x'.repeat(length);
      const matrix = encodeQr(text) as boolean[][];
      sizes.add(matrix.length);
      expect(decodeModules(matrix), `length ${length}`).toEqual(new TextEncoder().encode(text));
    }
    expect([...sizes].sort((a, b) => a - b).slice(0, 4)).toEqual([21, 25, 29, 33]);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(65);
  });

  it('more than version 40 holds is no QR code', () => {
    expect(encodeQr('x'.repeat(2400))).toBeUndefined();
  });
});

describe('qrLines (the terminal rendering)', () => {
  it('an otpauth:// URI drawn for a terminal scans back to the URI', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
          minLength: 16,
          maxLength: 56,
        }),
        fc.emailAddress(),
        (secret, account) => {
          const uri = otpauthUri('us-east-1_AbCdEfGhI', account, secret);
          const lines = qrLines(uri, 200);
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines)
            expect(line.startsWith('\u001b[30;47m') && line.endsWith('\u001b[0m')).toBe(true);
          expect(readQrLines(lines)).toBe(uri);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('nothing when the code would not fit the terminal', () => {
    const uri = otpauthUri('us-east-1_AbCdEfGhI', 'alice@example.com', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const width = [...(qrLines(uri, 500)[0] ?? '').replace(COLOUR, '')].length;
    expect(qrLines(uri, width)).toHaveLength(Math.ceil(width / 2));
    expect(qrLines(uri, width - 1)).toEqual([]);
  });
});
