// A pass-through proxy on 127.0.0.1 in front of a Cognito endpoint that records each request's operation,
// JSON body and answer: what the CLI sent where, to check that a secret goes only into the field it
// belongs to.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  operation: string;
  body: Record<string, unknown>;
  raw: string;
  /** The answer's body, once it came. */
  answer?: string;
}

export interface RecordingProxy {
  endpoint: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function bodyOf(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const record: RecordedRequest = {
        operation: target.slice(target.lastIndexOf('.') + 1),
        body: bodyOf(raw),
        raw,
      };
      requests.push(record);
      const options = { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method };
      const out = request({ ...options, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          record.answer = Buffer.concat(parts).toString('utf8');
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(record.answer);
        });
      });
      out.on('error', () => res.destroy());
      out.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
