import { encodeQr } from './qr.js';

// A QR code for a terminal: two module rows per text row with half blocks, black on white set explicitly
// (so it scans on dark and light terminals alike), a quiet zone of four modules. Nothing when it would not
// fit the terminal's width.

const QUIET = 4;
const BLACK_ON_WHITE = '\u001b[30;47m';
const RESET = '\u001b[0m';

export function qrLines(text: string, columns: number): string[] {
  const matrix = encodeQr(text);
  if (matrix === undefined) return [];
  const size = matrix.length + QUIET * 2;
  if (size > columns) return [];
  const dark = (x: number, y: number) => matrix[y - QUIET]?.[x - QUIET] === true;
  const lines: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = '';
    for (let x = 0; x < size; x += 1) {
      const top = dark(x, y);
      const bottom = y + 1 < size && dark(x, y + 1);
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(`${BLACK_ON_WHITE}${line}${RESET}`);
  }
  return lines;
}
