/**
 * A policy store written by hand the way Verified Permissions' documentation shows an API-linked store
 * ("API-linked policy stores", "Mapping Amazon Cognito tokens to schema", "Amazon Verified Permissions
 * example policies" in the Amazon Verified Permissions User Guide): namespace from the API's name, User
 * (member of UserGroup), Application, one action per API method and resource path, ID token claims as
 * User attributes, access token claims as `context.token` with `scope` a Set of strings.
 */
import type { CognitoClaims } from '@cogauth/core';
import fc from 'fast-check';

export const POOL = 'us-east-1_ABC1234';
export const ISS = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;

export const SCHEMA = {
  MyApi: {
    entityTypes: {
      UserGroup: { shape: { type: 'Record', attributes: {} } },
      User: {
        memberOfTypes: ['UserGroup'],
        shape: {
          type: 'Record',
          attributes: {
            'cognito:username': { type: 'String', required: false },
            email: { type: 'String', required: false },
            'custom:department': { type: 'String', required: false },
          },
        },
      },
      Application: { shape: { type: 'Record', attributes: {} } },
    },
    actions: {
      'get /users': {
        appliesTo: {
          principalTypes: ['User'],
          resourceTypes: ['Application'],
          context: { type: 'ReusedContext' },
        },
      },
      'post /users': {
        appliesTo: {
          principalTypes: ['User'],
          resourceTypes: ['Application'],
          context: { type: 'ReusedContext' },
        },
      },
      'get /users/{id}': {
        appliesTo: {
          principalTypes: ['User'],
          resourceTypes: ['Application'],
          context: { type: 'ReusedContext' },
        },
      },
      'delete /users/{id}': {
        appliesTo: {
          principalTypes: ['User'],
          resourceTypes: ['Application'],
          context: { type: 'ReusedContext' },
        },
      },
      'get /reports': {
        appliesTo: {
          principalTypes: ['User'],
          resourceTypes: ['Application'],
          context: { type: 'ReusedContext' },
        },
      },
    },
    commonTypes: {
      ReusedContext: {
        type: 'Record',
        attributes: {
          token: {
            type: 'Record',
            required: false,
            attributes: {
              scope: { type: 'Set', element: { type: 'String' }, required: false },
              client_id: { type: 'String', required: false },
            },
          },
        },
      },
    },
  },
} as const;

/** The documentation's own example first, then ones in the same style. */
export const POLICIES = `permit (
  principal in MyApi::UserGroup::"us-east-1_ABC1234|developer",
  action in [MyApi::Action::"get /users"],
  resource
);

@id("admins")
permit (
  principal in MyApi::UserGroup::"us-east-1_ABC1234|admin",
  action in [MyApi::Action::"get /users", MyApi::Action::"post /users", MyApi::Action::"get /users/{id}", MyApi::Action::"delete /users/{id}"],
  resource
);

@id("writers-with-scope")
permit (
  principal in MyApi::UserGroup::"us-east-1_ABC1234|writer",
  action in [MyApi::Action::"post /users"],
  resource
) when { context has token && context.token has scope && context.token.scope.contains("MyApi/users.write") };

@id("finance-by-attribute")
permit (principal, action in [MyApi::Action::"get /reports"], resource)
when { principal has "custom:department" && principal["custom:department"] == "finance" };

@id("no-interns-delete")
forbid (principal in MyApi::UserGroup::"us-east-1_ABC1234|intern", action, resource);
`;

export function accessClaims(sub: string, groups: readonly string[], scope?: string): CognitoClaims {
  const claims: Record<string, unknown> = {
    sub,
    iss: ISS,
    client_id: '1example23456789',
    token_use: 'access',
    exp: 1_900_000_000,
    iat: 1_800_000_000,
    jti: `jti-${sub}-${groups.join('.')}-${scope ?? ''}`,
    username: sub,
  };
  if (groups.length > 0) claims['cognito:groups'] = [...groups];
  if (scope !== undefined) claims.scope = scope;
  return Object.freeze(claims) as CognitoClaims;
}

export function idClaims(
  sub: string,
  groups: readonly string[],
  extra: Record<string, unknown> = {},
): CognitoClaims {
  const claims: Record<string, unknown> = {
    sub,
    iss: ISS,
    aud: '1example23456789',
    token_use: 'id',
    exp: 1_900_000_000,
    iat: 1_800_000_000,
    'cognito:username': sub,
    ...extra,
  };
  if (groups.length > 0) claims['cognito:groups'] = [...groups];
  return Object.freeze(claims) as CognitoClaims;
}

/** A generated `sub`. */
export const storeSub = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
/** Generated callers of the store: access tokens (groups, scopes) and ID tokens (groups, a custom claim). */
export const storeToken = fc.oneof(
  fc
    .tuple(
      storeSub,
      fc.subarray(['developer', 'admin', 'writer', 'intern', 'other']),
      fc.option(fc.subarray(['openid', 'MyApi/users.write', 'MyApi/users.read']), { nil: undefined }),
    )
    .map(([s, groups, scopes]) => accessClaims(s, groups, scopes?.join(' '))),
  fc
    .tuple(
      storeSub,
      fc.subarray(['developer', 'admin', 'intern']),
      fc.constantFrom('finance', 'sales', undefined),
    )
    .map(([s, groups, dept]) => idClaims(s, groups, dept === undefined ? {} : { 'custom:department': dept })),
);
