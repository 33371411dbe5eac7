/**
 * Verified Permissions' API-linked policy store conventions, every one in this file (cited in the README):
 * - the namespace is derived from the API's name; entity types `<ns>::User`, `<ns>::UserGroup`,
 *   `<ns>::Application` and actions `<ns>::Action::"<method lower case> <resource path>"`;
 * - the principal is `User::"<user pool id>|<sub>"`, a member of `UserGroup::"<user pool id>|<group>"` for
 *   every entry of `cognito:groups`;
 * - the resource is `Application::"<namespace>"`;
 * - ID token claims other than `cognito:groups` are attributes of the principal; access token claims other
 *   than `cognito:groups` are `context.token`, with `scope` as a Set of strings;
 * - the request's path and query string parameters are `context.pathParameters` and
 *   `context.queryStringParameters`, records of strings.
 */

export const USER = 'User';
export const USER_GROUP = 'UserGroup';
export const APPLICATION = 'Application';
export const ACTION = 'Action';
export const GROUPS_CLAIM = 'cognito:groups';
export const SCOPE_CLAIM = 'scope';
export const TOKEN_CONTEXT = 'token';
export const PATH_PARAMETERS = 'pathParameters';
export const QUERY_PARAMETERS = 'queryStringParameters';

export function qualified(ns: string, type: string): string {
  return `${ns}::${type}`;
}

/** `<user pool id>|<name>`: the id of a user (by `sub`) or of a group. */
export function poolScopedId(userPoolId: string, name: string): string {
  return `${userPoolId}|${name}`;
}

/** `get /users/{id}` for `GET` and `/users/{id}`. */
export function actionId(verb: string, path: string): string {
  return `${verb.toLowerCase()} ${path}`;
}

/** The user pool id at the end of a verified `iss` (`https://cognito-idp.<region>.amazonaws.com/<pool id>`). */
export function userPoolIdOf(iss: unknown): string | undefined {
  if (typeof iss !== 'string') return undefined;
  const id = iss.slice(iss.lastIndexOf('/') + 1);
  return id === '' ? undefined : id;
}

/** The space-separated OAuth `scope` claim as the Set Verified Permissions makes of it. */
export function scopeSet(scope: unknown): string[] | undefined {
  if (typeof scope !== 'string') return undefined;
  return scope.split(' ').filter((s) => s !== '');
}
