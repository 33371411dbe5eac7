// A request line written by hand: HTTP clients (fetch, undici, curl) normalize the target before sending it
// (they drop `#…`, resolve `..`, re-encode), so only a raw socket sends what an attacker can.
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends `<method> <target> HTTP/1.1` with the given headers to 127.0.0.1:port and reads the answer. */
export function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${target}`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      if (!Number.isInteger(status)) {
        reject(new Error(`no HTTP answer to ${method} ${JSON.stringify(target)}: ${JSON.stringify(text)}`));
        return;
      }
      const at = text.indexOf('\r\n\r\n');
      resolve({ status, body: at < 0 ? '' : dechunk(text.slice(at + 4), text.slice(0, at)) });
    });
    let head = `${method} ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    socket.write(Buffer.from(`${head}\r\n`, 'latin1'));
  });
}

/** The body of a `transfer-encoding: chunked` answer, or the body as is. */
function dechunk(body: string, head: string): string {
  if (!/\r\ntransfer-encoding: chunked/i.test(head)) return body;
  let out = '';
  let at = 0;
  while (at < body.length) {
    const end = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, end), 16);
    if (!(size > 0)) break;
    out += body.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
  return out;
}
