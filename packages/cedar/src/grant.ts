import { type CognitoClaims, VerifyError } from '@cogauth/core';
import type { PolicyResources, RouteGrants, RoutePolicy } from '@cogauth/core/rules';
import { contextFor, type Principal, principalOf } from './entities.js';
import { evaluate, type Runtime } from './evaluate.js';
import type { CedarAction, RouteAction } from './routes.js';

/**
 * What a principal may do on the routes whose answer depends on the token alone: the same for every request
 * with this token, so an answer built from it may be cached by token.
 */
export interface CedarGrant {
  /** `<user pool id>|<sub>`, the principal's entity id. */
  readonly principal: string;
  /** Actions Cedar allows this principal. */
  readonly permitted: readonly CedarAction[];
  /** Actions Cedar denies this principal. */
  readonly withheld: readonly CedarAction[];
  /**
   * The IAM answer API Gateway may cache by token, as resource-ARN suffixes (`GET/users/*`): an Allow for
   * every permitted route and an explicit Deny wherever those patterns reach a request API Gateway would
   * send to a route that is not permitted (a withheld or per-request one), from core's `routeGrants`.
   */
  readonly policy: PolicyResources;
  /** Ids of policies that erred for this principal (Cedar ignores them; see `explain`). */
  readonly erred: readonly string[];
}

type Partition = Omit<CedarGrant, 'principal' | 'policy'> & { readonly policy: RoutePolicy };

/** What a grant carries besides its public face: the entities, and a flag per action index. */
interface Held {
  readonly principal: Principal;
  readonly permitted: Uint8Array;
  readonly policy: RoutePolicy;
}

/** Entries a memo map holds before it is cleared. */
const MEMO_LIMIT = 1024;

/** Grants per claims object (tokens are frozen objects shared through core's result cache) and per class. */
export class Grants {
  readonly #rt: Runtime;
  readonly #routes: RouteGrants;
  readonly #byClaims = new WeakMap<object, CedarGrant>();
  readonly #byClass = new Map<string, Partition>();
  readonly #flags = new WeakMap<Partition, Uint8Array>();
  readonly #held = new WeakMap<CedarGrant, Held>();
  readonly #static: readonly RouteAction[];

  constructor(rt: Runtime, routes: RouteGrants) {
    this.#rt = rt;
    this.#routes = routes;
    this.#static = rt.model.actions.filter((a) => !a.perRequest);
  }

  /** The grant for verified claims; throws VerifyError `CLAIM_INVALID` for claims without a principal. */
  of(claims: CognitoClaims): CedarGrant {
    if (typeof claims !== 'object' || claims === null) throw new VerifyError('CLAIM_INVALID', 'no claims');
    const known = this.#byClaims.get(claims);
    if (known) return known;
    const principal = principalOf(this.#rt.model, claims);
    const partition = this.#partition(principal);
    const grant: CedarGrant = Object.freeze({ principal: principal.id, ...partition });
    const flags = this.#flags.get(partition) as Uint8Array;
    this.#held.set(grant, { principal, permitted: flags, policy: partition.policy });
    if (Object.isFrozen(claims)) this.#byClaims.set(claims, grant);
    return grant;
  }

  /** The grant's entities, flags and policy (for a grant this object handed out). */
  held(grant: CedarGrant): Held {
    const held = this.#held.get(grant);
    if (!held) throw new TypeError('not a grant of this engine');
    return held;
  }

  #partition(principal: Principal): Partition {
    const known = this.#byClass.get(principal.key);
    if (known) return known;
    const permitted: RouteAction[] = [];
    const withheld: RouteAction[] = [];
    const erred = new Set<string>();
    for (const action of this.#static) {
      const result = evaluate(this.#rt, principal, action, contextFor(this.#rt.model, principal, action));
      (result.allow ? permitted : withheld).push(action);
      for (const e of result.errors) erred.add(e.policyId);
    }
    const flags = new Uint8Array(this.#rt.model.actions.length);
    for (const a of permitted) flags[a.index] = 1;
    const pub = (list: readonly RouteAction[]) =>
      Object.freeze(list.map((a) => this.#rt.model.publicActions[a.index] as CedarAction));
    const partition: Partition = Object.freeze({
      permitted: pub(permitted),
      withheld: pub(withheld),
      policy: this.#routes.policyFor(permitted.map((a) => a.index)),
      erred: Object.freeze([...erred]),
    });
    this.#flags.set(partition, flags);
    if (this.#byClass.size >= MEMO_LIMIT) this.#byClass.clear();
    this.#byClass.set(principal.key, partition);
    return partition;
  }
}
