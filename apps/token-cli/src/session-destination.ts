import { cognitoEndpointOf, parseUserPoolId } from '@cogauth/core/cognito';
import { cognitoEndpoint } from './cognito.js';
import { checkedDomain, type Settings } from './config.js';
import type { StoredSession } from './session-store.js';

/** Where a session's refresh token (and the client secret, when there is one) may go. */
export interface SessionTarget {
  /** The Cognito API endpoint, or the pool domain's origin (`kind: 'oauth'`). */
  url: URL;
  /** The settings that name `url` (for messages): endpoint, region, pool id, domain. */
  pool: Settings;
}

export type Destination = ({ ok: true } & SessionTarget) | { ok: false; reason: string };

const NOTHING_CONFIGURED =
  'no Cognito endpoint, region or user pool is configured for it (COGAUTH_ENDPOINT, COGAUTH_REGION, ' +
  'COGAUTH_USER_POOL_ID, --config or your own config file), and a session file never decides where ' +
  'the refresh token or client secret goes';

/**
 * The destination for `session` under `trusted` (flags, COGAUTH_* variables, `--config` / COGAUTH_CONFIG or
 * the user's own config file: never a file found up the tree). A session file is written by this CLI,
 * but it is only a file: it may have been copied, restored or planted, so the endpoint, domain, region or
 * pool it names never decide where a credential goes. They only have to agree with the configuration.
 * One exception keeps a login made with flags only refreshable: when the configuration names no endpoint,
 * region or pool, a session made at AWS may go back to the AWS Cognito endpoint of its pool's region.
 */
export function sessionDestination(session: StoredSession, trusted: Settings): Destination {
  const pool = trustedPool(trusted);
  return session.kind === 'oauth' ? domainDestination(session, pool) : cognitoDestination(session, pool);
}

function trustedPool(settings: Settings): Settings {
  const { endpoint, region, userPoolId, defaultRegion, domain } = settings;
  return Object.fromEntries(
    Object.entries({ endpoint, region, userPoolId, defaultRegion, domain }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

function cognitoDestination(session: StoredSession, pool: Settings): Destination {
  const recorded = recordedEndpoint(session);
  const { endpoint, region, userPoolId, defaultRegion } = pool;
  if (endpoint === undefined && region === undefined && userPoolId === undefined) {
    const aws = awsEndpointOfPool(session.userPoolId);
    if (aws !== undefined && recorded?.href === aws.url.href) return { ok: true, ...aws };
    if (defaultRegion === undefined) return { ok: false, reason: NOTHING_CONFIGURED };
  }
  let configured: URL;
  try {
    configured = cognitoEndpoint(pool);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return agreed('Cognito endpoint', recorded, { url: configured, pool });
}

function domainDestination(session: StoredSession, pool: Settings): Destination {
  if (pool.domain === undefined) {
    return {
      ok: false,
      reason:
        'no pool domain is configured for it (COGAUTH_DOMAIN, --config or your own config file), and a ' +
        'session file never decides where the refresh token or client secret goes',
    };
  }
  let configured: URL;
  try {
    configured = new URL(checkedDomain('domain', pool.domain).origin);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return agreed('pool domain', recordedDomain(session), { url: configured, pool });
}

/** The configured target, when the session was made there. */
function agreed(what: string, recorded: URL | undefined, configured: SessionTarget): Destination {
  if (recorded?.href === configured.url.href) return { ok: true, ...configured };
  return {
    ok: false,
    reason:
      `the session was made with the ${what} ${recorded ? display(recorded) : '(none or not a URL)'}, ` +
      `but your configuration names ${display(configured.url)}`,
  };
}

/**
 * The AWS Cognito endpoint of the region a pool id names (`us-east-1_AbC123`), built by core's Cognito facts
 * from a region that passed core's region grammar: always `https://cognito-idp.<region>.<AWS suffix>/`.
 * Undefined for anything else (an emulator's `local_…` pool, a malformed id, an unknown partition).
 */
function awsEndpointOfPool(userPoolId: unknown): SessionTarget | undefined {
  const region = parseUserPoolId(userPoolId)?.region;
  const endpoint = region === undefined ? undefined : cognitoEndpointOf(region);
  return endpoint === undefined ? undefined : { url: new URL(endpoint), pool: { region: region as string } };
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
