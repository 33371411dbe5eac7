// Reading back the QR codes the CLI draws, with an independent decoder (jsQR, a dev dependency): modules
// to an RGBA image, and the terminal's half-block lines back to modules.
import { createRequire } from 'node:module';

const jsQR: typeof import('jsqr').default = createRequire(import.meta.url)('jsqr');

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colour codes around each line
export const COLOUR = /\u001b\[[0-9;]*m/g;

/** Modules to an RGBA image, `scale` pixels each, with a white quiet zone of four modules. */
function imageOf(matrix: boolean[][], scale = 2): { data: Uint8ClampedArray; side: number } {
  const side = (matrix.length + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  matrix.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy += 1) {
        const at = (((y + 4) * scale + dy) * side + (x + 4) * scale) * 4;
        for (let dx = 0; dx < scale; dx += 1) data.fill(0, at + dx * 4, at + dx * 4 + 3);
      }
    });
  });
  return { data, side };
}

/** The bytes a module matrix (true = dark) holds, or undefined when jsQR finds no code. */
export function decodeModules(matrix: boolean[][]): Uint8Array | undefined {
  const { data, side } = imageOf(matrix);
  const found = jsQR(data, side, side, { inversionAttempts: 'dontInvert' });
  return found ? Uint8Array.from(found.binaryData) : undefined;
}

/** Terminal lines (▀ top, ▄ bottom, █ both, blank neither) back to the text their QR code holds. */
export function readQrLines(lines: string[]): string | undefined {
  const rows: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line.replace(COLOUR, '')];
    rows.push(chars.map((c) => c === '█' || c === '▀'));
    rows.push(chars.map((c) => c === '█' || c === '▄'));
  }
  const bytes = decodeModules(rows);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
