import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cognitoEndpoint } from '../src/cognito.js';
import type { Settings } from '../src/config.js';
import { sessionDestination } from '../src/session-destination.js';
import type { StoredSession } from '../src/session-store.js';
import { runCli } from './support/run-cli.js';

// Issue 20.2: `logout` read the session file that `token` refuses (mode 0666, another user's) and sent
// `Authorization: Basic clientId:$COGAUTH_CLIENT_SECRET` and the stored refresh token to the endpoint that
// file names. Each test plants a session naming a capture server on 127.0.0.1 and checks what reaches it.

const SECRET = 'client-secret-never-sent';
const REFRESH = 'planted-refresh-token';
const NOBODY = 65_534;

interface Request {
  server: 'named' | 'other';
  url: string | undefined;
  target: string | undefined;
  authorization: string | undefined;
  body: string;
}

const requests: Request[] = [];
let named: Server;
let other: Server;
/** The server the planted sessions name. */
let namedUrl: string;
/** Another server, for a configuration that names somewhere else. */
let otherUrl: string;
let root: string;
/** Why this machine cannot make a file owned by another user, or undefined when it can. */
let noChown: string | undefined;

async function captureServer(server: Request['server']): Promise<[Server, string]> {
  const s = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      requests.push({
        server,
        url: req.url,
        target: typeof target === 'string' ? target : undefined,
        authorization: req.headers.authorization,
        body,
      });
      // What RevokeToken and /oauth2/revoke answer when they succeed.
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return [s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [named, namedUrl] = await captureServer('named');
  [other, otherUrl] = await captureServer('other');
  root = mkdtempSync(join(tmpdir(), 'cogauth-session-trust-'));
  const probe = join(root, 'chown-probe');
  writeFileSync(probe, '');
  try {
    chownSync(probe, NOBODY, NOBODY);
  } catch (error) {
    noChown = `cannot chown a file to uid ${NOBODY} here (${(error as NodeJS.ErrnoException).code}): needs root`;
  }
});

afterAll(async () => {
  for (const s of [named, other]) {
    s?.closeAllConnections();
    await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
});

type Kind = StoredSession['kind'];
const KINDS: Kind[] = ['cognito', 'oauth'];

/** A session file as an attacker (or a restored backup) leaves it: naming the capture server, expired. */
function plant(name: string, kind: Kind, mode = 0o600): { env: Record<string, string>; file: string } {
  const state = join(root, name, 'state');
  const sessions = join(state, 'cogauth', 'sessions');
  mkdirSync(sessions, { recursive: true, mode: 0o700 });
  const file = join(sessions, 'default.json');
  const where = kind === 'oauth' ? { domain: namedUrl } : { endpoint: namedUrl, userPoolId: 'local_pool' };
  const session = {
    version: 1,
    profile: 'default',
    kind,
    clientId: 'myclient',
    ...where,
    username: 'alice',
    accessToken: 'e30.e30.sig',
    refreshToken: REFRESH,
    expiresAt: Date.now() - 60_000,
  };
  writeFileSync(file, JSON.stringify(session));
  chmodSync(file, mode);
  return { env: { XDG_STATE_HOME: state, COGAUTH_CLIENT_SECRET: SECRET }, file };
}

/** The trusted configuration (here: environment variables) naming `url` for this kind of session. */
const configured = (kind: Kind, url: string) =>
  kind === 'oauth' ? { COGAUTH_DOMAIN: url } : { COGAUTH_ENDPOINT: url };

const basicSecret = `Basic ${Buffer.from(`myclient:${SECRET}`).toString('base64')}`;

describe('logout: a refused session file is deleted without contacting anything', () => {
  // The configuration names the very server the file names, so only the refusal keeps anything from it.
  for (const kind of KINDS) {
    it(`${kind}: group- or world-accessible (0666 and others)`, async () => {
      for (const mode of [0o666, 0o644, 0o660, 0o620]) {
        const { env, file } = plant(`mode-${kind}-${mode.toString(8)}`, kind, mode);
        const res = await runCli(['logout'], { env: { ...env, ...configured(kind, namedUrl) } });
        expect(requests, mode.toString(8)).toEqual([]);
        expect(res.stderr).toContain(
          `cogauth: deleted the session ${file} without revoking anything: group or others may access it ` +
            `(mode ${mode.toString(8)}), so nothing it names was contacted\n`,
        );
        expect(res.code).toBe(1);
        expect(existsSync(file)).toBe(false);
      }
    });

    it(`${kind}: owned by another user (uid ${NOBODY})`, async (ctx) => {
      if (noChown !== undefined) ctx.skip(noChown);
      const { env, file } = plant(`owner-${kind}`, kind);
      chownSync(file, NOBODY, NOBODY);
      expect(statSync(file).uid).toBe(NOBODY);
      const res = await runCli(['logout'], { env: { ...env, ...configured(kind, namedUrl) } });
      expect(requests).toEqual([]);
      expect(res.stderr).toContain(
        `cogauth: deleted the session ${file} without revoking anything: it belongs to another user ` +
          `(uid ${NOBODY}), so nothing it names was contacted\n`,
      );
      expect(res.code).toBe(1);
      expect(existsSync(file)).toBe(false);
    });
  }

  it('a file that is not a session is deleted too (logout used to refuse it while telling you to run logout)', async () => {
    const { env, file } = plant('not-json', 'cognito');
    writeFileSync(file, '{ not json');
    const token = await runCli(['token'], { env });
    expect(token.stderr).toContain('it is not valid JSON; run "cogauth logout" and log in again');
    const res = await runCli(['logout'], { env });
    expect(res.stderr).toContain('without revoking anything: it is not valid JSON');
    expect(existsSync(file)).toBe(false);
    expect(requests).toEqual([]);
  });
});

describe('refresh and revocation go only where the configuration says', () => {
  for (const kind of KINDS) {
    it(`${kind}: an own session made where the configuration says is revoked there, with the secret`, async () => {
      const { env, file } = plant(`match-${kind}`, kind);
      const res = await runCli(['logout'], { env: { ...env, ...configured(kind, namedUrl) } });
      expect(res.stderr).toContain('cogauth: refresh token revoked and session deleted (profile default)\n');
      expect(res.code).toBe(0);
      expect(existsSync(file)).toBe(false);
      expect(requests).toHaveLength(1);
      const [seen] = requests as [Request];
      if (kind === 'oauth') {
        expect(seen).toMatchObject({ server: 'named', url: '/oauth2/revoke', authorization: basicSecret });
        expect(new URLSearchParams(seen.body).get('token')).toBe(REFRESH);
      } else {
        expect(seen).toMatchObject({
          server: 'named',
          target: 'AWSCognitoIdentityProviderService.RevokeToken',
        });
        expect(JSON.parse(seen.body)).toEqual({ Token: REFRESH, ClientId: 'myclient', ClientSecret: SECRET });
      }
    });

    it(`${kind}: a session naming another server than the configuration: nothing is sent to either`, async () => {
      for (const command of ['token', 'whoami']) {
        const { env, file } = plant(`mismatch-${kind}-${command}`, kind);
        const res = await runCli([command], { env: { ...env, ...configured(kind, otherUrl) } });
        expect(requests, command).toEqual([]);
        expect(res.code).toBe(1);
        expect(res.stdout).toBe('');
        expect(res.stderr).toContain(
          `cogauth: cannot refresh the session of profile default, so nothing was sent: the session was made ` +
            `with the ${kind === 'oauth' ? 'pool domain' : 'Cognito endpoint'} ${namedUrl}, but your ` +
            `configuration names ${otherUrl}.`,
        );
        expect(existsSync(file)).toBe(true);
      }
      const { env, file } = plant(`mismatch-${kind}-logout`, kind);
      const res = await runCli(['logout'], { env: { ...env, ...configured(kind, otherUrl) } });
      expect(requests).toEqual([]);
      expect(res.stderr).toContain(
        `cogauth: session deleted, but the refresh token was NOT revoked: the session was made with the ` +
          `${kind === 'oauth' ? 'pool domain' : 'Cognito endpoint'} ${namedUrl}, but your configuration names ` +
          `${otherUrl}; nothing was sent\n`,
      );
      expect(res.code).toBe(1);
      expect(existsSync(file)).toBe(false);
    });

    it(`${kind}: no endpoint or domain configured at all: the session file alone decides nothing`, async () => {
      for (const command of ['token', 'logout']) {
        const { env, file } = plant(`none-${kind}-${command}`, kind);
        const res = await runCli([command], { env });
        expect(requests, command).toEqual([]);
        expect(res.code, command).toBe(1);
        expect(res.stderr).toMatch(
          /no (Cognito endpoint, region or user pool|pool domain) is configured for it/,
        );
        expect(res.stderr).toContain(
          'a session file never decides where the refresh token or client secret goes',
        );
        expect(existsSync(file)).toBe(command === 'token');
      }
    });
  }
});

describe('sessionDestination (property: whatever a session file names)', () => {
  // What the configurations below name (so that many sessions match one), what an attacker would write,
  // and anything at all.
  const text = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'http://127.0.0.1:9229',
        'eu-west-1_AbC123',
        'us-east-1',
        'ap-south-1',
        'auth.example.com',
        'http://127.0.0.1:1',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('http://127.0.0.1:9229/x', 'https://evil.example.com', 'evil.com/a'),
    },
    { weight: 1, arbitrary: fc.string() },
  );
  const session = fc.record({
    kind: fc.constantFrom<Kind>('cognito', 'oauth'),
    endpoint: fc.option(text, { nil: undefined }),
    domain: fc.option(text, { nil: undefined }),
    region: fc.option(text, { nil: undefined }),
    userPoolId: fc.option(text, { nil: undefined }),
  });
  const trusted = fc.constantFrom<Settings>(
    {},
    { endpoint: 'http://127.0.0.1:9229' },
    { userPoolId: 'eu-west-1_AbC123' },
    { region: 'us-east-1' },
    { defaultRegion: 'ap-south-1' },
    { domain: 'auth.example.com' },
    { domain: 'http://127.0.0.1:1' },
  );

  it('the destination, when there is one, is the configured one: never a URL only the file names', () => {
    fc.assert(
      fc.property(session, trusted, (fields, settings) => {
        const stored = { version: 1, profile: 'p', clientId: 'c', accessToken: 'a', expiresAt: 0, ...fields };
        const result = sessionDestination(stored as StoredSession, settings);
        if (!result.ok) return;
        const expected =
          fields.kind === 'oauth'
            ? new URL(settings.domain?.includes('://') ? settings.domain : `https://${settings.domain}`)
                .origin
            : cognitoEndpoint(settings).origin;
        expect(result.url.origin).toBe(expected);
        if (fields.kind === 'oauth') expect(settings.domain).toBeDefined();
        else
          expect(
            settings.endpoint ?? settings.region ?? settings.userPoolId ?? settings.defaultRegion,
          ).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('with nothing configured there is never a destination', () => {
    fc.assert(
      fc.property(session, (fields) => {
        const stored = { version: 1, profile: 'p', clientId: 'c', accessToken: 'a', expiresAt: 0, ...fields };
        expect(sessionDestination(stored as StoredSession, {}).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
