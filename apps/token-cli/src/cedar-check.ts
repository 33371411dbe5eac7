import { readFileSync } from 'node:fs';
import {
  type AuthorizerPolicyResult,
  type CognitoVerifier,
  createAuthorizer,
  type DecisionLog,
} from '@cogauth/core';
import { parseMethodArn } from '@cogauth/core/policy';
import { cedarPackage } from './cedar-package.js';
import type { CheckDecision } from './check-outcome.js';
import { UsageError } from './errors.js';

/** Cedar's answer for the action of the route: the policies that decided it, and those that erred. */
export interface CedarActionAnswer {
  action: string;
  perRequest: boolean;
  decision: 'allow' | 'deny';
  /** Allow: the permits that held; deny: the forbids that held (none: no policy permits it). */
  determining: string[];
  errors: { policyId: string; message: string }[];
}

export interface CedarCheckOutcome extends CheckDecision {
  /** The action of the route API Gateway selects (none when no action names it), as Cedar decided it. */
  cedar: { actions: CedarActionAnswer[]; errors: { policyId: string; message: string }[] };
}

/** The policy files named by --policies / --schema, as the deployed authorizer would read them. */
export function readPolicyFiles(
  policies: string,
  schema: string | undefined,
): { policies: string; schema?: string } {
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(
        `--${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  };
  return {
    policies: read('policies', policies),
    ...(schema === undefined ? {} : { schema: read('schema', schema) }),
  };
}

/**
 * The decision of the authorizer with Cedar policies (`@cogauth/cedar`, loaded only here) for the request the
 * method ARN names, with the token verified as the Lambda verifies it, and Cedar's reasons: which policies
 * permitted or forbade the route's action.
 */
export async function runCedarCheck(input: {
  verifier: CognitoVerifier;
  policies: { policies: string; schema?: string; namespace?: string };
  token: string;
  route: string;
  methodArn: string;
}): Promise<CedarCheckOutcome> {
  const { loadCedar } = await cedarPackage('check --policies');
  const engine = loadCedar(input.policies);
  const logs: DecisionLog[] = [];
  const handler = createAuthorizer({ verifier: input.verifier, rules: engine, logger: (e) => logs.push(e) });
  const event = { type: 'TOKEN', authorizationToken: `Bearer ${input.token}`, methodArn: input.methodArn };
  const answer = (await handler(event).catch(() => undefined)) as AuthorizerPolicyResult | undefined;
  const log = logs.at(-1) as DecisionLog;
  const shown = { route: input.route, methodArn: input.methodArn, reason: log.reason };
  if (answer === undefined) {
    return {
      ...shown,
      decision: 'Unauthorized',
      status: 401,
      permittedRoutes: [],
      cedar: { actions: [], errors: [] },
      policyDocument: null,
      context: null,
    };
  }
  const claims = await input.verifier.verify(input.token);
  const arn = parseMethodArn(input.methodArn);
  const explained = engine.explain(claims, { method: arn.method, path: arn.path });
  return {
    ...shown,
    decision: log.decision,
    status: log.decision === 'Allow' ? 200 : 403,
    permittedRoutes: engine.permitted(claims).permitted.map((a) => a.route),
    cedar: {
      actions: explained.actions.map((a) => ({
        action: a.action,
        perRequest: a.perRequest,
        decision: a.allow ? 'allow' : 'deny',
        determining: [...a.determining],
        errors: a.errors.map((e) => ({ ...e })),
      })),
      errors: explained.errors.map((e) => ({ ...e })),
    },
    policyDocument: answer.policyDocument,
    context: answer.context ?? null,
  };
}

/** The lines that explain Cedar's part of the decision. */
export function cedarLines(outcome: CedarCheckOutcome): string[] {
  const out: string[] = [];
  if (outcome.status === 401) return out;
  if (outcome.cedar.actions.length === 0)
    out.push('Cedar action for this route: none (no action of the policies names it)');
  for (const a of outcome.cedar.actions) {
    out.push(
      `Cedar action for this route: ${a.action}${a.perRequest ? ' (decided per request)' : ''}: ${a.decision}`,
    );
    if (a.decision === 'allow') out.push(`  permitted by: ${a.determining.join(', ')}`);
    else if (a.determining.length > 0) out.push(`  forbidden by: ${a.determining.join(', ')}`);
    else out.push('  no policy permits it');
    for (const e of a.errors) out.push(`  policy ${e.policyId} erred (skipped): ${e.message}`);
  }
  for (const e of outcome.cedar.errors)
    out.push(`policy ${e.policyId} errs for this token (skipped): ${e.message}`);
  return out;
}
