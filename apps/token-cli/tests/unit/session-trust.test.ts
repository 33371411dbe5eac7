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
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cognitoEndpoint } from '../../src/cognito.js';
import type { Settings } from '../../src/config.js';
import { sessionDestination } from '../../src/session-destination.js';
import type { StoredSession } from '../../src/session-store.js';
import { runCli } from '../helpers/run-cli.js';

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

/** A pool id of a real AWS region, and the AWS Cognito endpoint of that region, worked out here on its own. */
const AWS_POOL = /^([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})_[0-9A-Za-z]{1,55}$/;
function awsEndpointOf(userPoolId: unknown): string | undefined {
  const region = typeof userPoolId === 'string' ? AWS_POOL.exec(userPoolId)?.[1] : undefined;
  if (region === undefined || region.startsWith('us-iso')) return undefined;
  const suffix = region.startsWith('cn-')
    ? 'amazonaws.com.cn'
    : region.startsWith('eusc-')
      ? 'amazonaws.eu'
      : 'amazonaws.com';
  return `https://cognito-idp.${region}.${suffix}/`;
}
/** Every host the fallback may produce: AWS's own Cognito API, nothing else. */
const AWS_COGNITO_API =
  /^https:\/\/cognito-idp\.[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.(?:com|com\.cn|eu)\/$/;

/** The Cognito endpoint the trusted settings alone name, if any. */
function configuredEndpoint(settings: Settings): string | undefined {
  try {
    return cognitoEndpoint(settings).href;
  } catch {
    return undefined;
  }
}

function stored(fields: Partial<StoredSession>): StoredSession {
  return {
    version: 1,
    profile: 'p',
    clientId: 'c',
    accessToken: 'a',
    expiresAt: 0,
    kind: 'cognito',
    ...fields,
  };
}

describe('a login made with flags only (--user-pool-id, no endpoint) still refreshes', () => {
  it("with nothing configured, the destination is the AWS Cognito endpoint of the session pool's region", () => {
    const cases: Array<[Partial<StoredSession>, Settings, string]> = [
      [{ userPoolId: 'eu-west-1_AbC123' }, {}, 'https://cognito-idp.eu-west-1.amazonaws.com/'],
      [{ userPoolId: 'cn-north-1_AbC123' }, {}, 'https://cognito-idp.cn-north-1.amazonaws.com.cn/'],
      [
        { userPoolId: 'eu-west-1_AbC123', region: 'eu-west-1' },
        {},
        'https://cognito-idp.eu-west-1.amazonaws.com/',
      ],
      // The pool id's region beats AWS_REGION, as it does for every Cognito call the CLI makes.
      [
        { userPoolId: 'eu-west-1_AbC123' },
        { defaultRegion: 'us-east-1' },
        'https://cognito-idp.eu-west-1.amazonaws.com/',
      ],
      // What the configuration names still decides when it names something.
      [
        { userPoolId: 'eu-west-1_AbC123' },
        { region: 'eu-west-1' },
        'https://cognito-idp.eu-west-1.amazonaws.com/',
      ],
    ];
    for (const [fields, trusted, url] of cases) {
      const result = sessionDestination(stored(fields), trusted);
      expect(result.ok && result.url.href, JSON.stringify(fields)).toBe(url);
    }
  });

  it('a session naming an emulator, another region, a pool domain or no AWS pool still needs the configuration', () => {
    const cases: Array<Partial<StoredSession>> = [
      { userPoolId: 'eu-west-1_AbC123', endpoint: 'http://127.0.0.1:9229' },
      {
        userPoolId: 'eu-west-1_AbC123',
        endpoint: 'https://cognito-idp.eu-west-1.amazonaws.com.evil.example/',
      },
      { userPoolId: 'eu-west-1_AbC123', region: 'us-east-1' },
      { userPoolId: 'local_pool', endpoint: 'http://127.0.0.1:9229' },
      { userPoolId: 'us-iso-east-1_AbC123' },
      { userPoolId: 'eu-west-1.evil.example_AbC123' },
      { kind: 'oauth', userPoolId: 'eu-west-1_AbC123', domain: 'auth.example.com' },
    ];
    for (const fields of cases) {
      const result = sessionDestination(stored(fields), {});
      expect(result.ok, JSON.stringify(fields)).toBe(false);
      expect(!result.ok && result.reason).toMatch(/is configured for it/);
    }
    const elsewhere = sessionDestination(stored({ userPoolId: 'eu-west-1_AbC123' }), { region: 'us-east-1' });
    expect(elsewhere.ok).toBe(false);
  });

  it('the built CLI refreshes and revokes at that endpoint (DNS answered on 127.0.0.1: AWS is not reached)', async () => {
    const preload = fileURLToPath(new URL('../helpers/dns-to-loopback.cjs', import.meta.url));
    for (const command of ['token', 'logout']) {
      const state = join(root, `flags-only-${command}`, 'state');
      mkdirSync(join(state, 'cogauth', 'sessions'), { recursive: true, mode: 0o700 });
      const file = join(state, 'cogauth', 'sessions', 'default.json');
      const session = stored({ profile: 'default', userPoolId: 'eu-west-1_AbC123', refreshToken: REFRESH });
      writeFileSync(file, JSON.stringify(session), { mode: 0o600 });
      const res = await runCli([command], {
        env: { XDG_STATE_HOME: state, AWS_REGION: 'us-east-1', NODE_OPTIONS: `--require ${preload}` },
      });
      expect(res.stderr, command).toContain('lookup cognito-idp.eu-west-1.amazonaws.com\n');
      expect(res.stderr, command).not.toMatch(/lookup (?!cognito-idp\.eu-west-1\.amazonaws\.com\n)/);
      expect(res.stderr, command).not.toContain('nothing was sent');
      expect(res.stderr, command).toMatch(
        command === 'token'
          ? /cogauth: refresh failed: cannot reach Cognito in eu-west-1 \(/
          : /cogauth: session deleted, but the refresh token was NOT revoked: /,
      );
    }
    expect(requests).toEqual([]);
  });
});

describe('sessionDestination (property: whatever a session file names)', () => {
  // What the configurations below name (so that many sessions match one), AWS pools of every partition,
  // what an attacker would write, and anything at all.
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
        'us-east-1_AbC123',
        'cn-north-1_AbC123',
        'us-gov-west-1_AbC123',
        'eusc-de-east-1_AbC123',
        'https://cognito-idp.us-east-1.amazonaws.com/',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'http://127.0.0.1:9229/x',
        'https://evil.example.com',
        'evil.com/a',
        'us-iso-east-1_AbC123',
        'us-east-1.evil.com_AbC123',
        'https://cognito-idp.us-east-1.amazonaws.com.evil.com/',
        'evil_AbC123',
      ),
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

  it("the destination is the configured one, or AWS's own endpoint of the pool: never a URL only the file names", () => {
    fc.assert(
      fc.property(session, trusted, (fields, settings) => {
        const result = sessionDestination(stored(fields), settings);
        if (!result.ok) return;
        if (fields.kind === 'oauth') {
          expect(settings.domain).toBeDefined();
          const domain = settings.domain as string;
          expect(result.url.origin).toBe(
            new URL(domain.includes('://') ? domain : `https://${domain}`).origin,
          );
          return;
        }
        const namesOne = settings.endpoint ?? settings.region ?? settings.userPoolId;
        if (result.url.href === configuredEndpoint(settings)) {
          expect(namesOne ?? settings.defaultRegion).toBeDefined();
          return;
        }
        expect(namesOne).toBeUndefined();
        // Nothing configured: the AWS Cognito API of the session pool's region, and nothing else.
        expect(result.url.href).toMatch(AWS_COGNITO_API);
        expect(result.url.href).toBe(awsEndpointOf(fields.userPoolId));
      }),
      { numRuns: 1000 },
    );
  });

  it('after a login with flags only, exactly the sessions made at an AWS pool refresh there, nowhere else', () => {
    // Pool ids around the grammar: real regions of every partition, look-alikes and random prefixes.
    const prefix = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          'eu-west-1',
          'us-east-1',
          'cn-north-1',
          'us-gov-west-1',
          'eusc-de-east-1',
          'ap-southeast-5',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'us-iso-east-1',
          'local',
          'eu-west-1.evil.example',
          'eu-west',
          'EU-WEST-1',
        ),
      },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9.-]{1,24}$/) },
    );
    const separator = fc.oneof({ weight: 6, arbitrary: fc.constant('_') }, fc.constantFrom('__', '_ ', ''));
    const pool = fc
      .tuple(prefix, separator, fc.stringMatching(/^[0-9A-Za-z]{1,12}$/))
      .map(([p, sep, id]) => `${p}${sep}${id}`);
    /** Mostly absent, as after a login with flags only. */
    const mostlyAbsent = (...values: string[]) =>
      fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.constantFrom(...values));
    const flagsOnly = fc.record({
      userPoolId: pool,
      endpoint: mostlyAbsent('http://127.0.0.1:9229', 'https://cognito-idp.eu-west-1.amazonaws.com/'),
      region: mostlyAbsent('eu-west-1', 'us-east-1'),
    });
    let refreshed = 0;
    fc.assert(
      fc.property(
        flagsOnly,
        fc.constantFrom<Settings>({}, { defaultRegion: 'us-east-1' }),
        (fields, settings) => {
          const result = sessionDestination(stored(fields), settings);
          const aws = awsEndpointOf(fields.userPoolId);
          // Where login sent the password: the endpoint, else the region's, else the pool's region's.
          const madeAt =
            fields.endpoint ??
            (fields.region === undefined ? aws : `https://cognito-idp.${fields.region}.amazonaws.com/`);
          const madeThere = aws !== undefined && madeAt === aws;
          if (madeThere) {
            refreshed += 1;
            expect(result.ok && result.url.href).toBe(aws);
          } else if (result.ok) {
            // Only AWS_REGION's endpoint, for a session made there: what the configuration names.
            expect(result.url.href).toBe(configuredEndpoint(settings));
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(refreshed).toBeGreaterThan(40);
  });

  it("with nothing configured only a session made at AWS has a destination: its pool's AWS endpoint", () => {
    fc.assert(
      fc.property(session, (fields) => {
        const result = sessionDestination(stored(fields), {});
        if (!result.ok) return;
        expect(fields.kind).toBe('cognito');
        expect(result.url.href).toMatch(AWS_COGNITO_API);
        expect(result.url.href).toBe(awsEndpointOf(fields.userPoolId));
        expect([undefined, result.url.href]).toContain(fields.endpoint);
      }),
      { numRuns: 300 },
    );
  });
});
