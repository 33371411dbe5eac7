import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateTestKey, type JwksServer, jwksOf, startJwksServer } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJwks, jwksUriOf, publicJwks } from '../scripts/embed-jwks.mjs';
import { APP_DIR } from '../scripts/local-stack.mjs';

const run = promisify(execFile);
const SCRIPT = join(APP_DIR, 'scripts', 'embed-jwks.mjs');
const key = generateTestKey({ kid: 'embed-key' });
const scratch = mkdtempSync(join(tmpdir(), 'cogauth-embed-jwks-'));
let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer({ jwks: jwksOf(key) });
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('embed-jwks', () => {
  it('derives the Cognito JWKS URI from a user pool id, and refuses anything else', () => {
    expect(jwksUriOf('eu-west-1_AbC123')).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
    );
    expect(() => jwksUriOf('AbC123')).toThrow('--user-pool-id');
    expect(() => jwksUriOf('eu-west-1_AbC123/../x')).toThrow('--user-pool-id');
  });

  it('writes the JWKS the pool serves', async () => {
    const out = join(scratch, 'jwks.json');
    const result = await cli(['--jwks-uri', server.jwksUrl, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote 1 key(s)');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(jwksOf(key));
  });

  it('refuses private key material, empty key sets and non-JWKS answers', () => {
    const privateJwk = key.privateKey.export({ format: 'jwk' });
    expect(() => publicJwks({ keys: [{ ...privateJwk, kid: 'k' }] })).toThrow('private key material');
    expect(() => publicJwks({ keys: [] })).toThrow('not a JWKS');
    expect(() => publicJwks({ keys: [{ kty: 'RSA' }] })).toThrow('keys[0] needs string "kty" and "kid"');
    expect(() => publicJwks('nope')).toThrow('not a JWKS');
  });

  it('fails with a message and no file when the endpoint misbehaves', async () => {
    server.setResponder((_req, res) => {
      res.writeHead(503).end();
    });
    try {
      await expect(fetchJwks(server.jwksUrl)).rejects.toThrow('answered 503');
      const out = join(scratch, 'never.json');
      const result = await cli(['--jwks-uri', server.jwksUrl, '--out', out]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('answered 503');
      expect(existsSync(out)).toBe(false);
    } finally {
      server.setResponder(null);
    }
  });

  it('needs exactly one source', async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(['--user-pool-id', 'x', '--jwks-uri', server.jwksUrl])).code).toBe(2);
  });
});
