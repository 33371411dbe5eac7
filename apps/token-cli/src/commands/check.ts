import { readFileSync } from 'node:fs';
import {
  type AuthorizerPolicyResult,
  type CognitoClaims,
  type CognitoVerifier,
  createAuthorizer,
  decodeJwt,
  type PolicyDocument,
  type RouteRule,
} from '@cogauth/core';
import { partitionOfRegion } from '@cogauth/core/cognito';
import { parseMethodArn } from '@cogauth/core/policy';
import {
  type DecisionRequest,
  decide,
  HTTP_VERBS,
  parseRules,
  routePattern,
  verifyAuthorization,
} from '@cogauth/core/rules';
import { cedarLines, readPolicyFiles, runCedarCheck } from '../cedar-check.js';
import type { CheckDecision } from '../check-outcome.js';
import { COMMON_HELP, type Command } from '../command.js';
import { regionOf, type Settings } from '../config.js';
import { EXIT_UNREACHABLE, UsageError } from '../errors.js';
import { expectedVsActual } from '../mismatch.js';
import { type Io, printJson, style } from '../output.js';
import { tokenArgument } from '../prompt.js';
import { buildVerifier, VERIFIER_HELP, VERIFIER_OPTIONS } from '../verifier-settings.js';

// A made-up REST API; only the resource part (verb and path) matters to the decision.
const ACCOUNT = '123456789012';
const API_ID = 'cogauthcheck';
const STAGE = 'local';

export interface CheckOutcome extends CheckDecision {
  /** Rules that cover the route, and what they require: explains a 403. */
  matchingRules: RouteRule[];
}

/**
 * The rule set, in the formats the Lambda reads: a JSON file (--rules / COGAUTH_RULES_FILE) or inline JSON
 * (COGAUTH_RULES), parsed by the same core function.
 */
export function loadRules(settings: Settings): readonly RouteRule[] {
  if (settings.rules === undefined) {
    if (settings.rulesJson === undefined) {
      throw new UsageError('no --rules file (or COGAUTH_RULES_FILE, COGAUTH_RULES, or rules in the config)');
    }
    return parseRules(settings.rulesJson);
  }
  const path = settings.rules;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--rules: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--rules: ${path} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseRules(value);
}

/** `POST /messages/42` -> a REST method ARN with that verb and path. */
export function methodArnFor(route: string, region: string): string {
  const match = /^([A-Za-z]+)\s+(\/\S*)$/.exec(route.trim());
  const method = match?.[1]?.toUpperCase();
  const path = match?.[2];
  if (!method || !path || !(HTTP_VERBS as readonly string[]).includes(method)) {
    throw new UsageError(
      `--route must look like "POST /messages" with one of ${HTTP_VERBS.join(', ')} (got "${route}")`,
    );
  }
  if (/[*?{}\s]/.test(path)) {
    throw new UsageError(
      `--route needs a concrete request path such as /messages/42, not a template (got "${path}")`,
    );
  }
  return `arn:${partitionOfRegion(region) ?? 'aws'}:execute-api:${region}:${ACCOUNT}:${API_ID}/${STAGE}/${method}${path}`;
}

/**
 * The decision of core's `decide` — the function every cogauth authorizer and adapter calls — for the
 * request the method ARN names, with the token verified as the Lambda verifies it.
 */
export async function runCheck(input: {
  verifier: CognitoVerifier;
  rules: readonly RouteRule[];
  token: string;
  route: string;
  methodArn: string;
}): Promise<CheckOutcome> {
  const arn = parseMethodArn(input.methodArn);
  const rules = parseRules(input.rules);
  const request: DecisionRequest =
    arn.path === ''
      ? { kind: 'websocket', routeKey: arn.method }
      : { kind: 'http', method: arn.method, path: arn.path };
  const outcome = await verifyAuthorization(input.verifier, `Bearer ${input.token}`);
  const decision = decide(request, outcome, rules);
  const shown = {
    route: input.route,
    methodArn: input.methodArn,
    matchingRules: rules.filter((r) => routePattern(r.route).covers(arn.method, arn.path)),
  };
  if (decision.status === 401) {
    return {
      decision: 'Unauthorized',
      status: 401,
      reason: decision.reason,
      ...shown,
      permittedRoutes: [],
      policyDocument: null,
      context: null,
    };
  }
  return {
    decision: decision.effect,
    status: decision.status,
    reason: decision.reason,
    ...shown,
    permittedRoutes: decision.permitted.map((r) => r.route),
    policyDocument: await restPolicy(decision.claims, input),
    context: decision.context,
  };
}

/**
 * The IAM policy API Gateway would receive: rendered by core's REST handler (which calls the same `decide`)
 * from the claims already verified above, so nothing is verified twice and no policy is rebuilt here.
 */
async function restPolicy(
  claims: CognitoClaims,
  input: { rules: readonly RouteRule[]; token: string; methodArn: string },
): Promise<PolicyDocument> {
  const verified: CognitoVerifier = {
    verify: async () => claims,
    verifySync: () => claims,
    hydrate: async () => {},
    cacheJwks: () => {},
    dropJwks: () => {},
  };
  const handler = createAuthorizer({ verifier: verified, rules: input.rules, logger: () => {} });
  const event = { type: 'TOKEN', authorizationToken: `Bearer ${input.token}`, methodArn: input.methodArn };
  return ((await handler(event)) as AuthorizerPolicyResult).policyDocument;
}

function requirement(rule: RouteRule): string {
  const parts: string[] = [];
  if (rule.groups) parts.push(`group ${rule.groups.join(' or ')}`);
  if (rule.scopes) parts.push(`scope ${rule.scopes.join(' or ')}`);
  return parts.length ? parts.join(' and ') : 'any valid token';
}

/** What rules cover the route, and what they require: explains a 403. */
function ruleLines(outcome: CheckOutcome): string[] {
  if (outcome.matchingRules.length === 0)
    return ['rules for this route: none (only a rule for the route can allow it)'];
  return [
    'rules for this route:',
    ...outcome.matchingRules.map((r) => `  ${r.route}  needs ${requirement(r)}`),
  ];
}

type Printed = Pick<
  CheckOutcome,
  'decision' | 'status' | 'reason' | 'route' | 'permittedRoutes' | 'policyDocument'
>;

function printOutcome(
  io: Io,
  outcome: Printed,
  token: string,
  details: string | undefined,
  why: string[],
): void {
  const out: string[] = [];
  const s = style(io);
  const label = {
    Allow: s.good('200 Allow'),
    Deny: s.bad('403 Forbidden (Deny)'),
    Unauthorized: s.bad('401 Unauthorized'),
  }[outcome.decision];
  out.push(`decision: ${label}`);
  out.push(`reason:   ${outcome.reason}`);
  out.push(`route:    ${outcome.route}`);
  if (details !== undefined) out.push(`token:    ${details}`);
  out.push(...why);
  if (outcome.status === 403) {
    // Unverified only for display: the authorizer already verified this token.
    const payload = safePayload(token);
    const groups = Array.isArray(payload?.['cognito:groups'])
      ? (payload['cognito:groups'] as string[]).join(', ')
      : '';
    out.push(
      `token has: groups [${groups}]${typeof payload?.scope === 'string' ? `, scope "${payload.scope}"` : ''}`,
    );
  }
  out.push(
    outcome.permittedRoutes.length
      ? `routes this token may call:\n${outcome.permittedRoutes.map((r) => `  ${r}`).join('\n')}`
      : 'routes this token may call: none',
  );
  out.push(
    outcome.policyDocument
      ? `policy document:\n${JSON.stringify(outcome.policyDocument, null, 2)}`
      : 'policy document: none (the authorizer throws "Unauthorized"; API Gateway answers 401)',
  );
  io.stdout.write(`${out.join('\n')}\n`);
}

function safePayload(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token).payload;
  } catch {
    return undefined;
  }
}

function regionFor(settings: Settings): string {
  return regionOf(settings) ?? 'us-east-1';
}

export const check: Command = {
  name: 'check',
  summary:
    "run the authorizer's decision locally: decision (Allow/403/401), reason, permitted routes, policy",
  maxPositionals: 1,
  options: {
    ...VERIFIER_OPTIONS,
    rules: { type: 'string' },
    policies: { type: 'string' },
    schema: { type: 'string' },
    namespace: { type: 'string' },
    route: { type: 'string' },
    'method-arn': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: cogauth check --rules <file> --route "<VERB> <path>" [options] [token | -]
       cogauth check --policies <file> [--schema <file>] --route "<VERB> <path>" [options] [token | -]

Verifies the token as the Lambda does and runs @cogauth/core's decide, the decision every cogauth
authorizer and adapter makes, for the route; prints the decision (200 Allow / 403 Deny / 401 Unauthorized), the reason code, the rules covering the route,
the routes this token may call and the policy document. Exit 0 when allowed, 1 otherwise.

Options:
  --rules <file>        rule set as JSON, exactly as the Lambda reads it, e.g.
                        [{"route":"POST /messages","groups":["writers"]}] (COGAUTH_RULES_FILE; or inline
                        JSON in COGAUTH_RULES; "rules" in the config, relative to the config file)
  --policies <file>     Cedar policies instead of rules (a Verified Permissions API-linked policy store's, as
                        @cogauth/cedar decides them): also prints which policies permitted or forbade the
                        route's action, and which erred
  --schema <file>       the policy store's schema (JSON or Cedar schema text), with --policies
  --namespace <name>    the Cedar namespace, when neither the schema nor the policies tell it
  --route <route>       the request, e.g. "POST /messages" or "DELETE /messages/42"
  --method-arn <arn>    use this method ARN instead of one built from --route
  --json                {decision, status, reason, route, methodArn, permittedRoutes, matchingRules,
                         policyDocument, context}

${VERIFIER_HELP}

${COMMON_HELP}

Example:
  cogauth check --profile dev --rules rules.json --route "POST /messages" "$TOKEN"
`,
  async run(ctx) {
    const { io, values } = ctx;
    const { settings } = ctx.config();
    const route = typeof values.route === 'string' ? values.route : undefined;
    const explicitArn = typeof values['method-arn'] === 'string' ? values['method-arn'] : undefined;
    if (!route && !explicitArn) throw new UsageError('no --route, e.g. --route "POST /messages"');
    const methodArn = explicitArn ?? methodArnFor(route as string, regionFor(settings));
    let resource: string;
    try {
      resource = parseMethodArn(methodArn).resource;
    } catch (error) {
      throw new UsageError(`--method-arn: ${(error as Error).message}`);
    }
    const shownRoute = route ?? resource.replace('/', ' ');
    const policiesFile = typeof values.policies === 'string' ? values.policies : undefined;
    if (policiesFile !== undefined && typeof values.rules === 'string')
      throw new UsageError('give --rules or --policies, not both');
    const rules = policiesFile === undefined ? loadRules(settings) : undefined;
    const policies =
      policiesFile === undefined
        ? undefined
        : {
            ...readPolicyFiles(policiesFile, typeof values.schema === 'string' ? values.schema : undefined),
            ...(typeof values.namespace === 'string' ? { namespace: values.namespace } : {}),
          };
    const token = await tokenArgument(io, ctx.positionals[0], 'token');
    const { verifier, options } = buildVerifier(ctx);
    const outcome =
      policies === undefined
        ? await runCheck({
            verifier,
            rules: rules as readonly RouteRule[],
            token,
            route: shownRoute,
            methodArn,
          })
        : await runCedarCheck({ verifier, policies, token, route: shownRoute, methodArn });
    const details = outcome.decision === 'Unauthorized' ? expectedVsActual(token, options) : undefined;
    const why = 'cedar' in outcome ? cedarLines(outcome) : ruleLines(outcome);
    if (values.json) printJson(io, details === undefined ? outcome : { ...outcome, details });
    else printOutcome(io, outcome, token, details, why);
    if (outcome.decision === 'Allow') return 0;
    if (outcome.reason === 'JWKS_UNAVAILABLE' || outcome.reason === 'VERIFIER_ERROR') {
      io.stderr.write(
        `cogauth: the verifier could not check the token (${outcome.reason}): check --issuer / --jwks-uri\n`,
      );
      return EXIT_UNREACHABLE;
    }
    return 1;
  },
};
