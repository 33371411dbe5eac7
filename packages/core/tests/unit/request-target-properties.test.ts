// Issue 20, item 1, as an invariant: for every request target, the rules judge the path the framework
// routes, or the request is refused. Raw targets built from fragments, `;`, percent-encodings, dot and
// empty segments, case changes, doubled and trailing slashes, absolute and asterisk forms go over a raw
// socket to real apps (or, for Lambda, through @middy/core and @middy/http-router); the handlers record
// which route ran. A token never reaches a handler its rules forbid, and reaches its own routes.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastifyRoutedPath } from '../../src/adapters/fastify-path.js';
import { type Authenticator, createAuthenticator } from '../../src/index.js';
import { accessToken, key, localVerifier } from '../helpers/fixtures.js';
import {
  expressApp,
  fastifyApp,
  honoApp,
  type LambdaEvent,
  middyApp,
  ROUTES,
  type Route,
  type RoutedApp,
  rulesFor,
} from '../helpers/routed-apps.js';

const GROUPS = { users: ['users'], admins: ['admins'], none: [] as string[] };
type Caller = keyof typeof GROUPS;
const bearer: Record<Caller, string> = {
  users: `Bearer ${accessToken(key(), { groups: GROUPS.users })}`,
  admins: `Bearer ${accessToken(key(), { groups: GROUPS.admins })}`,
  none: `Bearer ${accessToken(key(), { groups: GROUPS.none })}`,
};
const ATTACKS = { numRuns: 400 };
const CANONICAL = { numRuns: 40 };

const authFor = (prefix: string): Authenticator =>
  createAuthenticator({ verifier: localVerifier(), rules: rulesFor(prefix), logger: () => {} });

// ---- generated request targets -------------------------------------------------------------------------

const method = fc.constantFrom('GET', 'POST');
const NAMES = ['users', 'admin', 'Reports', 'files', 'Public', 'dashboard', 'api', 'x7'];
const swapCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
const name = fc.constantFrom(...NAMES);
const recased = fc
  .tuple(name, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))
  .map(([n, flips]) => [...n].map((c, i) => (flips[i] ? swapCase(c) : c)).join(''));
const encoded = fc.constantFrom(
  ...['%61dmin', '%41DMIN', '%75sers', '%52eports', '%50ublic', '%2e', '%2E%2e', '.%2e', 'a%2Fb'],
  ...['users%2F7', '%E2%84%AAey', '%C4%B0', '%ZZ', '%', '%2', '%00', '%25', '%2525', '%20', '%7B'],
);
const segment = fc.oneof(
  { arbitrary: name, weight: 6 },
  { arbitrary: recased, weight: 2 },
  { arbitrary: encoded, weight: 1 },
  { arbitrary: fc.constantFrom('', '.', '..', '*', '@', ':', '\\'), weight: 1 },
);
/** Pieces a router may read as the end of the path, a separator or a segment to drop. */
const piece = fc.constantFrom(
  ...['#', '#/', '/#', '#x', ';', '/;', ';x=1', '?', '?#/', '//', '/', '/.', '/..', '/./', '/../'],
  ...['%2F', '%23', '%3B', '%3F', '%2e', '\\'],
);
const head = fc.oneof(
  { arbitrary: fc.constant('/'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      ...['//', '/./', '/api/', '/API/', '/Api/', '/api//', '/ap%69/', '/api;/', '/api#/', '/api/./'],
      ...['http://127.0.0.1/', 'http://127.0.0.1/api/', 'HTTP://x/', '*', '*/', ''],
    ),
    weight: 3,
  },
);
/** Route names and look-alikes with up to three pieces inserted anywhere. */
const scrambled = fc
  .tuple(
    method,
    head,
    fc.array(segment, { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(), piece), { maxLength: 3 }),
  )
  .map(([m, h, segments, inserts]) => {
    let t = h + segments.join('/');
    for (const [at, p] of inserts) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + p + t.slice(i);
    }
    return { method: m, target: t };
  });
/**
 * A route's path (maybe re-cased or under `/api`), a piece, then what makes the whole read as a route the
 * caller may use (`/admin` + `#` + `/dashboard`, `/users` + `/#`): where a router stops reading at the
 * piece, it runs the first route's handler.
 */
const spliced = fc
  .tuple(
    fc.constantFrom(...ROUTES),
    fc.constantFrom('', '', '/api', '/API'),
    fc.boolean(),
    piece,
    fc.constantFrom('', '/dashboard', '/dashboard', '/x1/dashboard', '/7', '/files/Public'),
  )
  .map(([route, prefix, recase, p, rest]) => {
    const path = prefix + route.path.replace(/\{[^}]+\}/g, 'x9');
    return { method: route.method, target: (recase ? path.toUpperCase() : path) + p + rest };
  });
const request = fc.oneof({ arbitrary: spliced, weight: 3 }, { arbitrary: scrambled, weight: 2 });
const caller = fc.oneof(
  { arbitrary: fc.constant<Caller>('users'), weight: 3 },
  { arbitrary: fc.constantFrom<Caller>('admins', 'none'), weight: 2 },
);

/** A target a client would send for `route`: parameters filled in, maybe a query string. */
const canonical = (prefix: string) =>
  fc
    .tuple(
      fc.constantFrom(...ROUTES),
      fc.stringMatching(/^[a-z0-9]{1,8}$/),
      fc.stringMatching(/^[a-z0-9]{1,8}$/),
      fc.boolean(),
    )
    .map(([route, a, b, query]) => ({
      route,
      path:
        prefix +
        route.path.replace('{id}', `x${a}`).replace('{tenant}', `x${b}`).replace('{proxy+}', `x${a}/x${b}`),
      query: query ? '?q=1&r=%2F' : '',
    }));

// ---- the invariant -----------------------------------------------------------------------------------

const OWNERS = new Map<string, readonly string[]>(ROUTES.map((r) => [r.path, r.owners]));

/** Fails (with the target) when a handler ran for a caller its rules do not admit. */
function expectOnlyOwnHandlers(ran: readonly string[], who: Caller, request: string): void {
  for (const route of ran) {
    const owners = OWNERS.get(route) ?? [];
    if (!owners.some((g) => GROUPS[who].includes(g)))
      throw new Error(`${request} as ${who} reached the handler of ${route} (owners: ${owners.join(', ')})`);
  }
}

// ---- HTTP frameworks over a raw socket -----------------------------------------------------------------

const HTTP_APPS: [string, string, (auth: Authenticator) => Promise<RoutedApp>][] = [
  [
    'Express defaults (routing ignores case and a trailing slash)',
    '',
    (a) => expressApp(a, { caseSensitive: false, strict: false }, 'app'),
  ],
  [
    'Express with case sensitive and strict routing',
    '',
    (a) => expressApp(a, { caseSensitive: true, strict: true }, 'app'),
  ],
  [
    'Express, adapter and routes in a router mounted at /api',
    '/api',
    (a) => expressApp(a, { caseSensitive: false, strict: false }, 'adapter in mounted router'),
  ],
  [
    'Express, adapter on the app, routes in a router mounted at /api',
    '/api',
    (a) => expressApp(a, { caseSensitive: false, strict: false }, 'routes in mounted router'),
  ],
  ['Fastify defaults', '', (a) => fastifyApp(a, {})],
  ['Fastify ignoreTrailingSlash', '', (a) => fastifyApp(a, { routerOptions: { ignoreTrailingSlash: true } })],
  [
    'Fastify ignoreDuplicateSlashes',
    '',
    (a) => fastifyApp(a, { routerOptions: { ignoreDuplicateSlashes: true } }),
  ],
  ['Fastify caseSensitive: false', '', (a) => fastifyApp(a, { routerOptions: { caseSensitive: false } })],
  [
    'Fastify useSemicolonDelimiter',
    '',
    (a) => fastifyApp(a, { routerOptions: { useSemicolonDelimiter: true } }),
  ],
  [
    'Fastify with all four router options',
    '',
    (a) =>
      fastifyApp(a, {
        routerOptions: {
          ignoreTrailingSlash: true,
          ignoreDuplicateSlashes: true,
          caseSensitive: false,
          useSemicolonDelimiter: true,
        },
      }),
  ],
  [
    // initialConfig then says routerOptions.useSemicolonDelimiter: false, yet the router cuts at `;`.
    'Fastify useSemicolonDelimiter set at the top level beside routerOptions',
    '',
    (a) => fastifyApp(a, { useSemicolonDelimiter: true, routerOptions: { maxParamLength: 100 } }),
  ],
  ['Hono on @hono/node-server', '', (a) => honoApp(a, true)],
  ['Hono on @hono/node-server, strict: false', '', (a) => honoApp(a, false)],
];

for (const [title, prefix, open] of HTTP_APPS) {
  describe(title, () => {
    let app: RoutedApp;
    beforeAll(async () => {
      app = await open(authFor(prefix));
    });
    afterAll(() => app?.close());

    it('no generated target takes a token to a handler its rules forbid', async () => {
      await fc.assert(
        fc.asyncProperty(request, caller, async ({ method: m, target: t }, who) => {
          const { ran } = await app.send(m, t, bearer[who]);
          expectOnlyOwnHandlers(ran, who, `${m} ${t}`);
        }),
        ATTACKS,
      );
    });

    it('a token with rights reaches its own routes', async () => {
      await fc.assert(
        fc.asyncProperty(canonical(prefix), async ({ route, path, query }) => {
          const res = await app.send(route.method, path + query, bearer[ownerOf(route)]);
          expect([res.status, res.ran], `${route.method} ${path}${query}`).toEqual([200, [route.path]]);
        }),
        CANONICAL,
      );
    });
  });
}

function ownerOf(route: Route): Caller {
  return route.owners[0] as Caller;
}

// ---- Lambda function URLs and ALB through Middy ----------------------------------------------------------

/** What `requestContext.http.path` may hold beside a raw path (the router routes on it). */
const httpPathOf = (rawPath: string, variant: number, other: string): string => {
  if (variant === 0) return rawPath;
  if (variant === 1) {
    try {
      return decodeURIComponent(rawPath);
    } catch {
      return rawPath;
    }
  }
  if (variant === 2) return rawPath.toLowerCase();
  return other;
};

for (const kind of ['FUNCTION_URL', 'ALB'] as LambdaEvent[]) {
  describe(`Middy, ${kind} events routed by @middy/http-router`, () => {
    const send = middyApp(authFor(''), kind);

    it('no generated path takes a token to a handler its rules forbid', async () => {
      const raw = fc.oneof(
        request,
        canonical('').map((c) => ({ method: c.route.method, target: c.path })),
      );
      await fc.assert(
        fc.asyncProperty(
          raw,
          fc.nat(3),
          canonical(''),
          caller,
          async ({ method: m, target: rawPath }, variant, c, who) => {
            const httpPath = httpPathOf(rawPath, variant, c.path);
            const { ran } = await send(m, rawPath, httpPath, bearer[who]);
            expectOnlyOwnHandlers(ran, who, `${m} ${rawPath} (http.path ${httpPath})`);
          },
        ),
        ATTACKS,
      );
    });

    it('a token with rights reaches its own routes', async () => {
      await fc.assert(
        fc.asyncProperty(canonical(''), async ({ route, path }) => {
          const res = await send(route.method, path, path, bearer[ownerOf(route)]);
          expect([res.status, res.ran], `${route.method} ${path}`).toEqual([200, [route.path]]);
        }),
        CANONICAL,
      );
    });
  });
}

// ---- the path find-my-way matches, character for character --------------------------------------------

describe("Fastify's routed path", () => {
  // find-my-way's own scan, reached through Fastify (core does not depend on find-my-way itself).
  const { safeDecodeURI } = createRequire(createRequire(import.meta.url).resolve('fastify'))(
    'find-my-way/lib/url-sanitizer',
  ) as { safeDecodeURI(path: string, semicolon: boolean): { path: string } };
  const chars = fc.constantFrom(...'/%%%2345aAfFgG;?.~:@+&=$,!*()\'"{}|^`<>[]\\ xyz'.split(''));
  const url = fc.array(chars, { maxLength: 24 }).map((c) => `/${c.join('')}`);

  for (const semicolon of [false, true]) {
    it(`is what find-my-way's find() walks${semicolon ? ' with useSemicolonDelimiter' : ''}, or refused`, () => {
      const config = semicolon ? { routerOptions: { useSemicolonDelimiter: true } } : {};
      fc.assert(
        fc.property(url, (u) => {
          let theirs: string;
          try {
            theirs = safeDecodeURI(u, semicolon).path;
          } catch {
            theirs = ''; // Fastify answers 400 (a malformed escape): refused here as well.
          }
          const ours = fastifyRoutedPath(u, config);
          // Refused on purpose: a space (never sent by Node's parser), a `;` the router may or may not cut at.
          const refused = u.includes(' ') || (!semicolon && (u.split('?')[0] as string).includes(';'));
          expect(ours).toBe(refused ? '' : theirs);
        }),
        { numRuns: 2000 },
      );
    });
  }
});
