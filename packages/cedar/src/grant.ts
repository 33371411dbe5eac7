import { type CognitoClaims, VerifyError } from '@cogauth/core';
import { contextFor, type Principal, principalOf } from './entities.js';
import { evaluate, type Runtime } from './evaluate.js';
import { patternContains, patternsOverlap } from './route-overlap.js';
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
   * Withheld or per-request actions an answer allowing `permitted` must deny explicitly: a permitted route's
   * pattern also matches some of their paths (policy wildcards match across `/`), and they are not the
   * wider route that the permitted one sits inside. Empty for rule sets core accepts.
   */
  readonly denied: readonly CedarAction[];
  /** Ids of policies that erred for this principal (Cedar ignores them; see `explain`). */
  readonly erred: readonly string[];
}

type Partition = Omit<CedarGrant, 'principal'>;

/** Per action index: 1 permitted, 2 denied explicitly, 0 otherwise (withheld or per-request). */
const PERMITTED = 1;
const DENIED = 2;

/** Entries a memo map holds before it is cleared. */
const MEMO_LIMIT = 1024;

/** Grants per claims object (tokens are frozen objects shared through core's result cache) and per class. */
export class Grants {
  readonly #rt: Runtime;
  readonly #byClaims = new WeakMap<object, CedarGrant>();
  readonly #byClass = new Map<string, Partition>();
  readonly #states = new WeakMap<Partition, Uint8Array>();
  readonly #relations = new Map<number, boolean>();
  readonly #static: readonly RouteAction[];
  readonly #perRequest: readonly RouteAction[];

  constructor(rt: Runtime) {
    this.#rt = rt;
    this.#static = rt.model.actions.filter((a) => !a.perRequest);
    this.#perRequest = rt.model.actions.filter((a) => a.perRequest);
  }

  /** The grant for verified claims; throws VerifyError `CLAIM_INVALID` for claims without a principal. */
  of(claims: CognitoClaims): CedarGrant {
    if (typeof claims !== 'object' || claims === null) throw new VerifyError('CLAIM_INVALID', 'no claims');
    const known = this.#byClaims.get(claims);
    if (known) return known;
    const principal = principalOf(this.#rt.model, claims);
    const partition = this.#partition(principal);
    const grant: CedarGrant = Object.freeze({ principal: principal.id, ...partition });
    this.#states.set(grant, this.#states.get(partition) as Uint8Array);
    if (Object.isFrozen(claims)) this.#byClaims.set(claims, grant);
    return grant;
  }

  /** Whether the grant permits the action (`PERMITTED`) and whether it must deny it explicitly (`DENIED`). */
  permits(grant: CedarGrant, action: RouteAction): boolean {
    return this.#states.get(grant)?.[action.index] === PERMITTED;
  }

  deniesExplicitly(grant: CedarGrant, action: RouteAction): boolean {
    return this.#states.get(grant)?.[action.index] === DENIED;
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
    const denied = this.#denied(permitted, [...withheld, ...this.#perRequest]);
    const states = new Uint8Array(this.#rt.model.actions.length);
    for (const a of permitted) states[a.index] = PERMITTED;
    for (const a of denied) states[a.index] = DENIED;
    const pub = (list: readonly RouteAction[]) =>
      Object.freeze(list.map((a) => this.#rt.model.publicActions[a.index] as CedarAction));
    const partition = Object.freeze({
      permitted: pub(permitted),
      withheld: pub(withheld),
      denied: pub(denied),
      erred: Object.freeze([...erred]),
    });
    this.#states.set(partition, states);
    if (this.#byClass.size >= MEMO_LIMIT) this.#byClass.clear();
    this.#byClass.set(principal.key, partition);
    return partition;
  }

  #denied(permitted: readonly RouteAction[], others: readonly RouteAction[]): RouteAction[] {
    return others.filter((n) => permitted.some((p) => this.conflicts(p, n)));
  }

  /**
   * Whether allowing `p` by its pattern would also let requests for `n` through: the patterns overlap and
   * `n` is not strictly the wider one (a public `GET /admin/health` inside an admin-only `ANY /admin/*`).
   */
  conflicts(p: RouteAction, n: RouteAction): boolean {
    if (p.verb !== n.verb) return false;
    const key = p.index * this.#rt.model.actions.length + n.index;
    let value = this.#relations.get(key);
    if (value === undefined) {
      const pp = p.rule.resources[0] as string;
      const np = n.rule.resources[0] as string;
      const strictlyWider = patternContains(np, pp) && !patternContains(pp, np);
      value = patternsOverlap(pp, np) && !strictlyWider;
      this.#relations.set(key, value);
    }
    return value;
  }
}
