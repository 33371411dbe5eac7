import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_CLIENT, M2M_CLIENT, M2M_SECRET, type OidcServer, startOidc } from '../helpers/oidc.js';
import { BIN, cleanEnv, runCli, TEST_HOME } from '../helpers/run-cli.js';

// Issue 16.2: `login --browser` (authorization code + PKCE, loopback redirect, state) and `m2m`
// (client_credentials) against a real OAuth 2.0 / OpenID Connect server with Cognito's paths.

let oidc: OidcServer;

beforeAll(async () => {
  oidc = await startOidc();
});

afterAll(async () => {
  await oidc?.close();
});

/** A browser: follows redirects by hand, keeps cookies, fills the provider's login and consent forms. */
async function signInAs(startUrl: string, username: string, stopAt: string): Promise<string> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = startUrl;
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 20; step += 1) {
    if (url.startsWith(stopAt)) return url;
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      continue;
    }
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action, 'a form to submit').toBeDefined();
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
      form.set(m[1] as string, m[2] as string);
    if (/name="login"/.test(html)) {
      form.set('login', username);
      form.set('password', 'any');
    }
    body = form;
    url = new URL(action as string, url).toString();
  }
  throw new Error('sign-in did not reach the redirect');
}

/** Starts `cogauth login --browser`, resolves with the URL it prints for the user to open. */
function startLogin(args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'login', '--browser', ...args], {
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /\n {2}(http\S+)\n/.exec(stderr);
      if (m) resolve(m[1] as string);
    });
    child.on('close', () => reject(new Error(`cogauth exited before printing a URL: ${stderr}`)));
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, url, done };
}

describe('cogauth login --browser (authorization code + PKCE) against oidc-provider', () => {
  it('prints the URL (no browser here), catches the redirect on 127.0.0.1, checks state, saves the session', async () => {
    const state = join(TEST_HOME, 'browser-state');
    const login = startLogin(
      [
        '--domain',
        oidc.domain,
        '--client-id',
        BROWSER_CLIENT,
        '--scope',
        'openid',
        '--scope',
        'offline_access',
      ],
      { XDG_STATE_HOME: state, DISPLAY: '' },
    );
    try {
      const authorize = new URL(await login.url);
      expect(authorize.origin + authorize.pathname).toBe(`${oidc.domain}/oauth2/authorize`);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      const redirect = new URL(authorize.searchParams.get('redirect_uri') as string);
      expect(redirect.hostname).toBe('127.0.0.1');
      expect(Number(redirect.port)).toBeGreaterThan(0);

      // A forged redirect (wrong state) is refused and the CLI keeps waiting for the real one.
      const forged = await fetch(`${redirect.origin}/callback?code=attacker-code&state=wrong`);
      expect(forged.status).toBe(400);

      const back = await signInAs(authorize.toString(), 'alice', redirect.toString());
      const callback = new URL(back);
      expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
      const answer = await fetch(back);
      expect(answer.status).toBe(200);
      const result = await login.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^\S+\n$/); // piped: the bare access token
      expect(result.stderr).toContain('Open this URL in a browser to sign in');

      const file = join(state, 'cogauth', 'sessions', 'default.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved).toMatchObject({ kind: 'oauth', domain: oidc.domain, clientId: BROWSER_CLIENT });
      expect(saved.accessToken).toBe(result.stdout.trim());
      expect(typeof saved.refreshToken).toBe('string');

      // The session refreshes at /oauth2/token (grant_type=refresh_token) and logout revokes at /oauth2/revoke.
      const env = { XDG_STATE_HOME: state, COGAUTH_DOMAIN: oidc.domain };
      const refreshed = await runCli(['token', '--min-valid', '86400'], { env, stripNotices: true });
      expect(refreshed.code, refreshed.stderr).toBe(0);
      expect(refreshed.stdout.trim()).not.toBe(saved.accessToken);
      // oidc-provider rotates a public client's refresh tokens, as /oauth2/token does for a Cognito client
      // with rotation: the new one is saved and the next refresh uses it (the old one is refused now).
      const rotated = JSON.parse(readFileSync(file, 'utf8'));
      expect(rotated.refreshToken).not.toBe(saved.refreshToken);
      const again = await runCli(['token', '--min-valid', '86400'], { env, stripNotices: true });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).refreshToken).not.toBe(rotated.refreshToken);
      const out = await runCli(['logout'], { env, stripNotices: true });
      expect(out.stderr).toBe('cogauth: refresh token revoked and session deleted (profile default)\n');
      expect(out.code).toBe(0);
    } finally {
      login.child.kill();
    }
  });

  it('http:// to a domain that is not loopback is refused before anything listens', async () => {
    const res = await runCli([
      'login',
      '--browser',
      '--domain',
      'http://auth.example.com',
      '--client-id',
      'x',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /domain http:\/\/auth\.example\.com is plain http:\/\/ to a host that is not loopback/,
    );
  });
});

describe('cogauth m2m (client_credentials) against oidc-provider', () => {
  it('gets an access token with HTTP Basic client auth', async () => {
    const res = await runCli(
      ['m2m', '--domain', oidc.domain, '--client-id', M2M_CLIENT, '--scope', 'orders/read', '--json'],
      {
        env: { COGAUTH_CLIENT_SECRET: M2M_SECRET },
        stripNotices: true,
      },
    );
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.tokenType).toBe('Bearer');
    expect(typeof out.accessToken).toBe('string');
    expect(out.expiresIn).toBeGreaterThan(0);
  });

  it('a wrong secret is invalid_client', async () => {
    const res = await runCli(
      ['m2m', '--domain', oidc.domain, '--client-id', M2M_CLIENT, '--scope', 'orders/read'],
      {
        env: { COGAUTH_CLIENT_SECRET: 'wrong' },
        stripNotices: true,
      },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /answered invalid_client \(HTTP 401\) — check --client-id and --client-secret/,
    );
  });
});
