import type { CognitoClaims } from '../types.js';
import type { AccessModel, Caller, NoCaller, PolicyResources } from './access-model.js';
import { isRouteKeyCacheable } from './cacheable.js';
import { defaultContext } from './context.js';
import { type DecisionRequest, errorName } from './decide.js';
import { globMatch } from './glob.js';
import { heldSets } from './held-sets.js';
import { keptResources } from './kept-resources.js';
import { ClaimsMemo, remember } from './memo.js';
import { type Overreach, overreachOf } from './overreach.js';
import { type CompiledRule, type Held, heldBy, ruleMatches, satisfies } from './rules.js';

/** A caller's rules per family; one frozen object per permitted-rule set. */
export interface RuleGrant {
  readonly http: readonly CompiledRule[];
  readonly graphql: readonly CompiledRule[];
  /** What the `http` rules' patterns match beyond their routes, for this caller (overreach.ts). */
  readonly denies: readonly string[];
}

const GRAPHQL_PREFIX = 'GRAPHQL ';

/** `grantPolicies` enumerates callers while the rules name at most this many groups and scopes. */
const MAX_ENUMERATED_NAMES = 8;

function isGraphqlRule(rule: CompiledRule): boolean {
  return rule.rule.route.startsWith(GRAPHQL_PREFIX);
}

/** The HTTP and WebSocket rules of a set (GraphQL field rules left out). */
export function httpRules(rules: readonly CompiledRule[]): CompiledRule[] {
  return rules.filter((r) => !isGraphqlRule(r));
}

/** The resource a request asks for: `GET/messages/42`, `$connect`, `Mutation.x`; undefined for AppSync as a whole. */
function resourceOf(request: DecisionRequest): string | undefined {
  if (request.kind === 'http') return `${request.method}${request.path}`;
  return request.kind === 'websocket' ? request.routeKey : request.field;
}

/**
 * Route rules as the access model: a caller's grant is the set of rules its groups and scopes satisfy, and a
 * grant allows what one of its rules' patterns covers and no Deny for their over-reach does, exactly what
 * the IAM policy built for it allows. The memo maps make repeated decisions cheap; they never change an
 * answer. Build once at start-up from compiled rules.
 */
export class RouteAccess implements AccessModel<RuleGrant> {
  readonly rules: readonly CompiledRule[];
  readonly #bitmask: boolean;
  readonly #overreach: Overreach;
  readonly #policies = new WeakMap<RuleGrant, PolicyResources>();
  readonly #graphqlFields: readonly string[];
  readonly #callers = new ClaimsMemo<Caller<RuleGrant> | NoCaller>();
  readonly #grants = new Map<number | string, RuleGrant>();
  readonly #allowed = new Map<string, Map<RuleGrant, boolean>>();
  readonly #cacheable = new Map<unknown, boolean>();
  readonly #deniedFields = new WeakMap<RuleGrant, readonly string[]>();

  constructor(rules: readonly CompiledRule[]) {
    this.rules = rules;
    this.#bitmask = rules.length <= 30;
    this.#overreach = overreachOf(rules);
    this.#graphqlFields = [...new Set(rules.filter(isGraphqlRule).flatMap((r) => r.resources))];
  }

  callerOf(claims: CognitoClaims): Caller<RuleGrant> | NoCaller {
    return this.#callers.get(claims, () => {
      try {
        return this.#newCaller(claims);
      } catch (err) {
        return { reason: 'CONTEXT_ERROR', error: errorName(err) };
      }
    });
  }

  #newCaller(claims: CognitoClaims): Caller<RuleGrant> | NoCaller {
    const principal = claims.sub;
    if (typeof principal !== 'string' || principal === '') return { reason: 'CLAIM_INVALID' };
    return { principal, context: defaultContext(claims), grant: this.#grantFor(heldBy(claims)) };
  }

  /** The grant of a caller holding these groups and scopes, one object per permitted-rule set. */
  #grantFor(held: Held): RuleGrant {
    let mask = 0;
    let list = '';
    for (const r of this.rules) {
      if (!satisfies(r, held)) continue;
      if (this.#bitmask) mask |= 1 << r.index;
      else list += `${r.index},`;
    }
    const key = this.#bitmask ? mask : list;
    let grant = this.#grants.get(key);
    if (!grant) {
      const all = this.rules.filter((r) => satisfies(r, held));
      const http = Object.freeze(all.filter((r) => !isGraphqlRule(r)));
      const denies = this.#overreach.deniesFor(http);
      grant = remember(this.#grants, key, {
        http,
        graphql: Object.freeze(all.filter(isGraphqlRule)),
        denies,
      });
    }
    return grant;
  }

  allows(grant: RuleGrant, request: DecisionRequest): boolean {
    const resource = resourceOf(request);
    // AppSync as a whole: every verified caller is let in, the fields it may not use are denied one by one.
    if (resource === undefined) return true;
    let byGrant = this.#allowed.get(resource);
    if (!byGrant) byGrant = remember(this.#allowed, resource, new Map());
    let allowed = byGrant.get(grant);
    if (allowed === undefined) {
      const graphql = request.kind === 'graphql';
      const covered = (graphql ? grant.graphql : grant.http).some((r) => ruleMatches(r, resource));
      allowed = remember(
        byGrant,
        grant,
        covered && (graphql || !grant.denies.some((denied) => globMatch(denied, resource))),
      );
    }
    return allowed;
  }

  /** The Allow resources of these rules that their holders need (kept-resources.ts), each once. */
  #allowsOf(rules: readonly CompiledRule[]): readonly string[] {
    const kept = keptResources(this.rules);
    return Object.freeze([...new Set(rules.flatMap((r) => kept.get(r) ?? r.resources))]);
  }

  permittedCount(grant: RuleGrant, request: DecisionRequest): number {
    return request.kind === 'graphql' ? grant.graphql.length : grant.http.length;
  }

  /** The grant's rules of the request's family (`decide`'s `permitted`, what `cogauth check` lists). */
  permitted(grant: RuleGrant, request: DecisionRequest): readonly CompiledRule[] {
    return request.kind === 'graphql' ? grant.graphql : grant.http;
  }

  /** The grant's IAM answer: its rules' patterns, and its Denies (one frozen object per grant). */
  policyOf(grant: RuleGrant): PolicyResources {
    let policy = this.#policies.get(grant);
    if (!policy) {
      policy = Object.freeze({ allow: this.#allowsOf(grant.http), deny: grant.denies });
      this.#policies.set(grant, policy);
    }
    return policy;
  }

  /**
   * The policy of every grant a caller can hold (held-sets.ts), while the rules name at most
   * MAX_ENUMERATED_NAMES groups and scopes; computing them also warms the memo the answers use.
   */
  grantPolicies(): readonly PolicyResources[] | undefined {
    const sets = heldSets(this.rules, MAX_ENUMERATED_NAMES);
    if (sets === undefined) return undefined;
    return [...new Set(sets.map((held) => this.#grantFor(held)))].map((g) => this.policyOf(g));
  }

  /** Every Allow any grant's policy holds (a caller holding every rule gets them all) and every Deny. */
  policyBound(): PolicyResources {
    const http = httpRules(this.rules);
    const deny = Object.freeze([...new Set(this.#overreach.entries.map((e) => e.resource))]);
    return Object.freeze({ allow: this.#allowsOf(http), deny });
  }

  deniedFields(grant: RuleGrant): readonly string[] {
    let denied = this.#deniedFields.get(grant);
    if (!denied) {
      const allowed = new Set(grant.graphql.flatMap((r) => r.resources));
      denied = Object.freeze(this.#graphqlFields.filter((f) => !allowed.has(f)));
      this.#deniedFields.set(grant, denied);
    }
    return denied;
  }

  routeKeyCacheable(routeKey: unknown): boolean {
    return (
      this.#cacheable.get(routeKey) ??
      remember(this.#cacheable, routeKey, isRouteKeyCacheable(this.rules, routeKey))
    );
  }
}
