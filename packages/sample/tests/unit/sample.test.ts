import { describe, expect, it } from 'vitest';
import * as backend from '../../src/backend.js';
import { SAMPLE_GROUPS } from '../../src/groups.js';
import { routeKey, SAMPLE_ROUTES } from '../../src/routes.js';
import { SAMPLE_RULES } from '../../src/rules.js';
import { SAMPLE_USERS } from '../../src/users.js';

// The routes, groups and users are typed modules next to rules.json; these checks keep them from drifting.

describe('the sample modules agree with rules.json', () => {
  it('has one rule per route, requiring the group the route names', () => {
    expect(SAMPLE_RULES.map((r) => r.route).sort()).toEqual(SAMPLE_ROUTES.map(routeKey).sort());
    for (const route of SAMPLE_ROUTES) {
      const rule = SAMPLE_RULES.find((r) => r.route === routeKey(route));
      expect(rule?.groups, routeKey(route)).toEqual(route.group === undefined ? undefined : [route.group]);
      expect(rule?.scopes, routeKey(route)).toBeUndefined();
    }
  });

  it('names only sample groups, in the rules and in the users', () => {
    const named = new Set([
      ...SAMPLE_RULES.flatMap((r) => r.groups ?? []),
      ...Object.values(SAMPLE_USERS).flatMap((u) => u.groups),
    ]);
    for (const group of named) expect(SAMPLE_GROUPS).toContain(group);
    // Every group some route requires has a member, so the demo shows each 200.
    for (const route of SAMPLE_ROUTES.filter((r) => r.group !== undefined))
      expect(Object.values(SAMPLE_USERS).some((u) => u.groups.includes(route.group as never))).toBe(true);
  });

  it('serves every route with an export of the backend', () => {
    const handlers: Record<string, unknown> = { ...backend };
    for (const route of SAMPLE_ROUTES) expect(typeof handlers[route.handler], route.handler).toBe('function');
    expect(Object.keys(handlers).sort()).toEqual(SAMPLE_ROUTES.map((r) => r.handler).sort());
  });
});
