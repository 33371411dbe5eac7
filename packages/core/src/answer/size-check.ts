import type { AccessModel, PolicyResources } from '../decide/access-model.js';
import { globsOverlap } from '../decide/glob.js';
import { ConfigError, type ConfigPath } from '../errors.js';
import { documentBytes, jsonBytes, type ListSize } from './answer-size.js';
import { compactResources } from './compact.js';
import {
  MAX_ANSWER_BYTES,
  MAX_ARN_PREFIX_CHARS,
  MAX_RESOURCE_CHARS,
  PRINCIPAL_AND_CONTEXT_BYTES,
} from './limits.js';

/** `all-routes`: one answer for every route, cached by token (the default); `per-request`: scope.ts. */
export type AnswerMode = 'all-routes' | 'per-request';

const SWITCH = "answerMode: 'per-request' (COGAUTH_ANSWER_MODE=per-request)";
// Functions, not module-level template strings: a bundle that never checks a rule set drops them.
const limit = () =>
  `API Gateway takes at most ${MAX_ANSWER_BYTES} bytes ("Lambda authorizer result size: 8 KB")`;
const counted = () =>
  `ARN prefixes of up to ${MAX_ARN_PREFIX_CHARS} characters and ${PRINCIPAL_AND_CONTEXT_BYTES} bytes ` +
  'for principalId and context counted';

/** The list's size with every item behind the longest ARN prefix (plain ASCII: one byte per character). */
function prefixed(items: readonly string[]): ListSize {
  let bytes = 0;
  for (const item of items) bytes += MAX_ARN_PREFIX_CHARS + jsonBytes(item);
  return { count: items.length, bytes };
}

/** An answer's size at worst: the lists behind the longest prefix, and a Deny for the longest route ARN. */
function worstBytes(resources: PolicyResources): number {
  const deny = prefixed(resources.deny);
  const withRoute = { count: deny.count + 1, bytes: deny.bytes + MAX_RESOURCE_CHARS + 2 };
  const document = documentBytes(prefixed(resources.allow), withRoute);
  return PRINCIPAL_AND_CONTEXT_BYTES + ',"policyDocument":'.length + document;
}

/** The largest per-request part (scope.ts `requestPart`): one Allow and the Denies meeting it. */
function worstRequestPart(policies: readonly PolicyResources[]): { bytes: number; allow: string } {
  let worst = { bytes: worstBytes({ allow: [], deny: [] }), allow: '' };
  for (const policy of policies) {
    for (const allow of policy.allow) {
      const deny = policy.deny.filter((d) => globsOverlap(allow, d));
      const bytes = worstBytes({ allow: [allow], deny });
      if (bytes > worst.bytes) worst = { bytes, allow };
    }
  }
  return worst;
}

/** The largest whole answer among the policies, and its resource counts. */
function worstWhole(policies: readonly PolicyResources[]): { bytes: number; allow: number; deny: number } {
  let worst = { bytes: 0, allow: 0, deny: 0 };
  for (const policy of policies) {
    const bytes = worstBytes(policy);
    if (bytes > worst.bytes) worst = { bytes, allow: policy.allow.length, deny: policy.deny.length };
  }
  return worst;
}

/**
 * The answers to check: every grant's, compacted as it will be answered, or, when the model cannot list
 * its grants, one policy holding every resource any grant may list (not compacted: compacting a larger set
 * can leave less than compacting a part of it).
 */
function policiesOf(
  access: AccessModel,
): { policies: readonly PolicyResources[]; every: boolean } | undefined {
  const grants = access.grantPolicies?.();
  if (grants !== undefined) return { policies: grants.map(compactResources), every: true };
  const bound = access.policyBound?.();
  return bound === undefined ? undefined : { policies: [bound], every: false };
}

/**
 * Refuses, at start-up, a rule set whose IAM answer could be larger than API Gateway takes, naming the
 * limit and the rule count: a policy resource longer than 512 characters; in `all-routes` mode, the largest
 * answer any caller can get (every grant's compacted policy when the access model lists them, else every
 * resource any grant may hold), with a Deny for a request's ARN; in `per-request` mode, the largest part one
 * request can get. Every resource is counted behind the longest plausible ARN prefix and principalId and
 * context get a fixed allowance (limits.ts); each answer is measured again per request with its own, and a
 * model that can neither list its grants nor bound them is checked per request only.
 */
export function checkAnswerSize(
  access: AccessModel,
  mode: AnswerMode,
  ruleCount: number,
  rules: ConfigPath,
): void {
  const checked = policiesOf(access);
  if (checked === undefined) return;
  const { policies, every } = checked;
  for (const resource of policies.flatMap((p) => [...p.allow, ...p.deny])) {
    if (MAX_ARN_PREFIX_CHARS + resource.length <= MAX_RESOURCE_CHARS) continue;
    throw new ConfigError(
      rules,
      `the policy resource ${JSON.stringify(resource)} could be ${MAX_ARN_PREFIX_CHARS + resource.length} characters ` +
        `with its ARN prefix (up to ${MAX_ARN_PREFIX_CHARS}); API Gateway takes at most ${MAX_RESOURCE_CHARS} ` +
        'characters in a Resource of an authorizer policy: shorten the route',
    );
  }
  if (mode === 'all-routes') {
    const worst = worstWhole(policies);
    if (worst.bytes <= MAX_ANSWER_BYTES) return;
    const whose = every ? 'the largest IAM answer a caller can get' : 'an IAM answer holding every rule';
    throw new ConfigError(
      rules,
      `${whose} could reach ${worst.bytes} bytes (${ruleCount} rules; ${worst.allow} Allow and ${worst.deny} ` +
        `Deny resources, ${counted()}); ${limit()}: answer each request with its own part of ` +
        `the policy, ${SWITCH}, or use fewer rules`,
    );
  }
  const worst = worstRequestPart(policies);
  if (worst.bytes <= MAX_ANSWER_BYTES) return;
  throw new ConfigError(
    rules,
    `a per-request IAM answer (the Allow ${JSON.stringify(worst.allow)} and the Denies that meet it) could ` +
      `reach ${worst.bytes} bytes (${ruleCount} rules, ${counted()}); ${limit()}`,
  );
}
