import { cognitoEndpoint } from './cognito.js';
import { checkedDomain, type Settings } from './config.js';
import type { StoredSession } from './session-store.js';

/**
 * Where a session's refresh token (and the client secret, when there is one) may go: the endpoint or pool
 * domain of the trusted configuration, and only when the session was made there.
 */
export type Destination =
  | {
      ok: true;
      /** The Cognito API endpoint, or the pool domain's origin (`kind: 'oauth'`), from `trusted`. */
      url: URL;
      /** The trusted settings that name `url` (for messages): endpoint, region, pool id, domain. */
      pool: Settings;
    }
  | { ok: false; reason: string };

/**
 * The destination for `session` under `trusted` (flags, COGAUTH_* variables, `--config` / COGAUTH_CONFIG or
 * the user's own config file: never a file found up the tree). A session file is written by this CLI,
 * but it is only a file: it may have been copied, restored or planted, so the endpoint, domain, region or
 * pool it names never decide where a credential goes. They only have to agree with the configuration.
 */
export function sessionDestination(session: StoredSession, trusted: Settings): Destination {
  const pool = trustedPool(trusted);
  const configured = session.kind === 'oauth' ? configuredDomain(pool) : configuredEndpoint(pool);
  if (typeof configured === 'string') return { ok: false, reason: configured };
  const recorded = session.kind === 'oauth' ? recordedDomain(session) : recordedEndpoint(session);
  if (recorded?.href !== configured.href) {
    const what = session.kind === 'oauth' ? 'pool domain' : 'Cognito endpoint';
    return {
      ok: false,
      reason:
        `the session was made with the ${what} ${recorded ? display(recorded) : '(none or not a URL)'}, ` +
        `but your configuration names ${display(configured)}`,
    };
  }
  return { ok: true, url: configured, pool };
}

function trustedPool(settings: Settings): Settings {
  const { endpoint, region, userPoolId, defaultRegion, domain } = settings;
  return Object.fromEntries(
    Object.entries({ endpoint, region, userPoolId, defaultRegion, domain }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

function configuredEndpoint(pool: Settings): URL | string {
  const { endpoint, region, userPoolId, defaultRegion } = pool;
  if (
    endpoint === undefined &&
    region === undefined &&
    userPoolId === undefined &&
    defaultRegion === undefined
  ) {
    return (
      'no Cognito endpoint, region or user pool is configured for it (COGAUTH_ENDPOINT, COGAUTH_REGION, ' +
      'COGAUTH_USER_POOL_ID, --config or your own config file), and a session file never decides where ' +
      'the refresh token or client secret goes'
    );
  }
  try {
    return cognitoEndpoint(pool);
  } catch (error) {
    return (error as Error).message;
  }
}

function configuredDomain(pool: Settings): URL | string {
  if (pool.domain === undefined) {
    return (
      'no pool domain is configured for it (COGAUTH_DOMAIN, --config or your own config file), and a ' +
      'session file never decides where the refresh token or client secret goes'
    );
  }
  try {
    return new URL(checkedDomain('domain', pool.domain).origin);
  } catch (error) {
    return (error as Error).message;
  }
}

/** The endpoint the session names, computed only to compare; undefined when it names none that parses. */
function recordedEndpoint(session: StoredSession): URL | undefined {
  try {
    return cognitoEndpoint({
      ...(typeof session.endpoint === 'string' ? { endpoint: session.endpoint } : {}),
      ...(typeof session.region === 'string' ? { region: session.region } : {}),
      ...(typeof session.userPoolId === 'string' ? { userPoolId: session.userPoolId } : {}),
    });
  } catch {
    return undefined;
  }
}

function recordedDomain(session: StoredSession): URL | undefined {
  if (typeof session.domain !== 'string') return undefined;
  try {
    return new URL(checkedDomain('domain', session.domain).origin);
  } catch {
    return undefined;
  }
}

/** An origin (and path, for an endpoint) as WHATWG serialises it: no control characters reach stderr. */
function display(url: URL): string {
  return url.pathname === '/' ? url.origin : `${url.origin}${url.pathname}`;
}
