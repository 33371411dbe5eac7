import { ConfigError, type ConfigPath, type PoolAllowEntry } from '@cogauth/core';
import { isAwsUserPoolId, isClientId } from '@cogauth/core/cognito';
import { Token } from 'aws-cdk-lib';
import type { CogauthAuthorizerProps } from './props.js';

/** A value that is either known at synth time or a CloudFormation token resolved at deploy time. */
export interface MaybeToken {
  readonly value: string;
  readonly isToken: boolean;
}

/** One pool listed at synth time (`userPool` or `userPoolId`, with its app clients). */
export interface ListedPool {
  readonly kind: 'listed';
  readonly userPoolId: MaybeToken;
  /** The prop the pool came from, for error messages. */
  readonly poolField: 'userPool' | 'userPoolId';
  readonly clientIds: readonly MaybeToken[];
}

/** Pools chosen at run time (`allowPools`, COGAUTH_POOL_ALLOWLIST), checked by core's reader at synth. */
export interface AllowedPools {
  readonly kind: 'allowPools';
  readonly allowPools: readonly PoolAllowEntry[];
  readonly maxPools: number | undefined;
  readonly maxPoolFetches: number | undefined;
}

export type PoolChoice = ListedPool | AllowedPools;

const LISTED_PROPS = ['userPool', 'userPoolId', 'userPoolClients', 'clientIds'] as const;

function maybeToken(value: string): MaybeToken {
  return { value, isToken: Token.isUnresolved(value) };
}

function pool(props: CogauthAuthorizerProps): Pick<ListedPool, 'userPoolId' | 'poolField'> {
  if (props.userPool !== undefined && props.userPoolId !== undefined) {
    throw new ConfigError('userPoolId', 'give userPool or userPoolId, not both');
  }
  const poolField = props.userPool !== undefined ? 'userPool' : 'userPoolId';
  const id = props.userPool?.userPoolId ?? props.userPoolId;
  if (id === undefined)
    throw new ConfigError(
      'userPool',
      'is required (or give userPoolId, or allowPools for pools chosen at run time)',
    );
  if (typeof id !== 'string') throw new ConfigError(poolField, 'must be a user pool id string');
  const userPoolId = maybeToken(id);
  if (!userPoolId.isToken && !isAwsUserPoolId(id)) {
    throw new ConfigError(poolField, `${JSON.stringify(id)} is not a user pool id like us-east-1_AbC123`);
  }
  return { userPoolId, poolField };
}

function clients(props: CogauthAuthorizerProps): MaybeToken[] {
  const ids: { field: ConfigPath; id: unknown }[] = [
    ...(props.userPoolClients ?? []).map((c, i) => ({
      field: ['userPoolClients', i],
      id: c.userPoolClientId,
    })),
    ...(props.clientIds ?? []).map((id, i) => ({ field: ['clientIds', i], id })),
  ];
  if (ids.length === 0) {
    throw new ConfigError('clientIds', 'name at least one app client (userPoolClients or clientIds)');
  }
  const seen = new Set<string>();
  const result: MaybeToken[] = [];
  for (const { field, id } of ids) {
    if (typeof id !== 'string') throw new ConfigError(field, 'must be an app client id string');
    const client = maybeToken(id);
    if (!client.isToken && !isClientId(id)) {
      throw new ConfigError(
        field,
        `${JSON.stringify(id)} is not an app client id (1–128 letters, digits, _ or +)`,
      );
    }
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(client);
  }
  return result;
}

/**
 * `allowPools`: plain data known at synth time (it is written as JSON into the function's environment), so
 * no CloudFormation token and no `customCheck` function. What the entries mean is checked by core's reader
 * (core-check.ts), which refuses, for instance, an entry that neither names pools nor app clients.
 */
function allowed(props: CogauthAuthorizerProps): AllowedPools {
  const entries: unknown = props.allowPools;
  if (!Array.isArray(entries) || entries.length === 0)
    throw new ConfigError('allowPools', 'must be a non-empty array of allow-list entries');
  entries.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new ConfigError(['allowPools', i], 'must be an allow-list entry object');
    if (typeof (entry as { customCheck?: unknown }).customCheck === 'function')
      throw new ConfigError(
        ['allowPools', i, 'customCheck'],
        "cannot be written to the function's environment: check in your rules or backend instead",
      );
  });
  if (Token.isUnresolved(JSON.stringify(entries)))
    throw new ConfigError(
      'allowPools',
      'must be known at synth time: no CloudFormation tokens in allowPools (write the pool and client ids)',
    );
  if (props.tokenUse !== undefined)
    throw new ConfigError('tokenUse', 'cannot be combined with allowPools: give tokenUse in each entry');
  if (props.jwks !== undefined)
    throw new ConfigError(
      'jwks',
      "cannot be combined with allowPools: each pool's JWKS is fetched when a token needs it",
    );
  return {
    kind: 'allowPools',
    allowPools: entries as PoolAllowEntry[],
    maxPools: props.maxPools,
    maxPoolFetches: props.maxPoolFetches,
  };
}

/** Exactly one way to name pools: `allowPools`, or a pool (`userPool`/`userPoolId`) with its app clients. */
export function poolsOf(props: CogauthAuthorizerProps): PoolChoice {
  if (props.allowPools !== undefined) {
    const listed = LISTED_PROPS.find((name) => props[name] !== undefined);
    if (listed !== undefined)
      throw new ConfigError(
        listed,
        'cannot be combined with allowPools: give allowPools or a pool, not both',
      );
    return allowed(props);
  }
  for (const name of ['maxPools', 'maxPoolFetches'] as const)
    if (props[name] !== undefined) throw new ConfigError(name, 'applies only with allowPools');
  return { kind: 'listed', ...pool(props), clientIds: clients(props) };
}
