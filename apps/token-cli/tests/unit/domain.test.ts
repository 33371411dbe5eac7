import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserCommand } from '../../src/browser-open.js';
import { resolveConfig } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { oauthEndpoint } from '../../src/oauth.js';
import { runCli } from '../helpers/run-cli.js';

// Issue 20.6: a pool domain is a host and nothing more. A path, query, fragment or user name used to ride
// along into `<domain>/oauth2/authorize` (opened in a browser, on Windows through cmd) and into
// `/oauth2/token` (which gets the client secret). Checked where the config is read, naming the setting.

const HOSTS = [
  'my-app.auth.eu-west-1.amazoncognito.com',
  'auth.example.com',
  'https://auth.example.com',
  'https://auth.example.com:8443',
  'http://127.0.0.1:9229',
  'http://localhost:9229',
  'http://[::1]:9229',
];
// What the WHATWG parser leaves in a path or query (and cmd.exe would read): the family of the report.
const NASTY = [...'|^%()&<>"\' `!$;,*+=@:/\\?#[]{}~\t\n', 'a', 'Z', '0', '-', '.', 'é', '\u0000'];
const nasty = fc.array(fc.constantFrom(...NASTY), { maxLength: 12 }).map((a) => a.join(''));
const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const resolveDomain = (domain: string) => resolveConfig({ flags: { domain }, env: {}, cwd: '/' });

/** The argument each platform's opener gets for the authorize URL of `domain`. */
function openedArgs(domain: string): string[] {
  const url = `${oauthEndpoint(domain, 'authorize')}?${new URLSearchParams({ client_id: 'c', state: 's' })}`;
  return (['win32', 'darwin', 'linux'] as const).map((platform) => {
    const opener = browserCommand(platform, url, { DISPLAY: ':0' });
    expect(opener, `${platform} opens ${url}`).toBeDefined();
    return opener?.args.at(-1) as string;
  });
}

describe('the pool domain (property: any text)', () => {
  it('is refused naming the setting, or is a bare origin whose authorize URL every opener gets unchanged', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(fc.constantFrom(...HOSTS), nasty), fc.tuple(fc.string(), nasty)),
        ([h, s]) => {
          const domain = `${h}${s}`;
          let accepted: string | undefined;
          try {
            accepted = resolveDomain(domain).settings.domain;
          } catch (refused) {
            expect(refused).toBeInstanceOf(UsageError);
            expect((refused as Error).message).toMatch(/^domain /);
            return;
          }
          if (accepted === undefined) {
            expect(domain).toBe(''); // an empty setting is no setting
            return;
          }
          const base = new URL(oauthEndpoint(domain, 'token'));
          expect(base.href).toBe(`${base.origin}/oauth2/token`);
          expect(base.username + base.password + base.search + base.hash).toBe('');
          for (const arg of openedArgs(domain)) {
            expect(new URL(arg).origin + new URL(arg).pathname).toBe(`${base.origin}/oauth2/authorize`);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('with a path segment, a query, a fragment or a user name it is always refused, naming what is extra', () => {
    const extra = fc.oneof(
      fc.tuple(word, nasty).map(([w, s]) => ({ suffix: `/${w}${s}`, what: 'a path' })),
      nasty.map((s) => ({ suffix: `?${s.replace(/#/g, '')}`, what: 'a query' })),
      nasty.map((s) => ({ suffix: `#${s}`, what: 'a fragment' })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...HOSTS), extra, (host, { suffix, what }) => {
        expect(() => resolveDomain(`${host}${suffix}`)).toThrow(
          new RegExp(`^domain must be the pool domain alone, .* but it has .*${what}`),
        );
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...HOSTS), word, (host, user) => {
        const withUser = host.includes('://') ? host.replace('://', `://${user}:pw@`) : `${user}@${host}`;
        expect(() => resolveDomain(withUser)).toThrow(/but it has a user name/);
      }),
      { numRuns: 50 },
    );
  });

  it('a bare host, with or without https:// and a trailing "/", is accepted as it was', () => {
    for (const host of HOSTS) {
      for (const domain of [host, `${host}/`]) {
        expect(resolveDomain(domain).settings.domain, domain).toBe(domain);
        expect(oauthEndpoint(domain, 'revoke')).toBe(
          `${new URL(host.includes('://') ? host : `https://${host}`).origin}/oauth2/revoke`,
        );
      }
    }
  });

  it('the refusal never echoes the value (a user name part may hold a password)', () => {
    expect(() => resolveDomain('https://alice:hunter2@auth.example.com/x')).toThrow(
      'domain must be the pool domain alone, e.g. my-app.auth.eu-west-1.amazoncognito.com or ' +
        'https://auth.example.com, but it has a user name, a path',
    );
  });
});

describe('m2m and browser login refuse such a domain before contacting it (capture server on 127.0.0.1)', () => {
  let capture: Server;
  let origin: string;
  const received: Array<{ url: string | undefined; authorization: string | undefined }> = [];

  beforeAll(async () => {
    capture = createServer((req, res) => {
      received.push({ url: req.url, authorization: req.headers.authorization });
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    capture.closeAllConnections();
    await new Promise<void>((resolve) => capture.close(() => resolve()));
  });
  beforeEach(() => {
    received.length = 0;
  });

  for (const [how, flags, env] of [
    ['--domain', (d: string) => ['--domain', d], () => ({})],
    ['COGAUTH_DOMAIN', () => [], (d: string) => ({ COGAUTH_DOMAIN: d })],
  ] as const) {
    it(`m2m with a path in ${how}: exit 2, the client secret goes nowhere`, async () => {
      const domain = `${origin}/steal?x=1`;
      const res = await runCli(['m2m', ...flags(domain), '--client-id', 'c', '--scope', 'a/b'], {
        env: { COGAUTH_CLIENT_SECRET: 'm2m-top-secret', ...env(domain) },
      });
      expect(received).toEqual([]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(
        /^cogauth: domain must be the pool domain alone, .* but it has a path, a query\n$/,
      );
    });
  }

  it('login --browser with a fragment: exit 2 at once, nothing listens or opens', async () => {
    const args = ['login', '--browser', '--no-browser', '--domain', `${origin}#x`, '--client-id', 'c'];
    const res = await runCli(args, { timeoutMs: 10_000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/but it has a fragment\n$/);
    expect(res.stderr).not.toContain('Open this URL');
    expect(received).toEqual([]);
  });
});
