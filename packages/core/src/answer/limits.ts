/**
 * What API Gateway documents about the size of a Lambda authorizer's answer, and the bounds cogauth derives
 * from it (README.md, "Answer size", has the sources with their rows).
 *
 * - WebSocket quotas ("Quotas for configuring and running a WebSocket API in API Gateway"): "AWS Lambda
 *   authorizer result size: 8 KB", not adjustable. The REST and HTTP API quota pages name no result size,
 *   so the same 8 KB bounds every API Gateway answer: the one figure documented for an authorizer result.
 * - "Output from an API Gateway Lambda authorizer": "the Resource ARN, as shown in the policy statement
 *   output by the authorizer, is currently limited to 512 characters long".
 * - "Amazon API Gateway quotas and important notes": the ARN of a method with authorization is at most 1600
 *   bytes. The Stage API reference: stage names are at most 128 characters.
 */

/** API Gateway's documented Lambda authorizer result size (8 KB), for every answer cogauth builds. */
export const MAX_ANSWER_BYTES = 8192;

/** The longest `Resource` an authorizer policy may hold. */
export const MAX_RESOURCE_CHARS = 512;

/**
 * The longest plausible ARN prefix (`arn:<partition>:execute-api:<region>:<account>:<api id>/<stage>/`),
 * which the start-up check counts before every resource, since the real one is known per request only: the
 * longest partition (`aws-us-gov`), a 16-character region (the longest today have 14), a 12-digit account,
 * a 10-character API id (what API Gateway generates) and a stage name of up to 32 characters (API Gateway
 * allows 128). Every answer is measured again per request with its real prefix, so a longer stage name is
 * never sent an oversize answer; it may be refused one (401, ANSWER_TOO_LARGE) the start-up check passed.
 */
// `arn:aws-us-gov:execute-api:` (27), region, `:`, account, `:`, API id, `/`, stage, `/`.
export const MAX_ARN_PREFIX_CHARS = 27 + 16 + 1 + 12 + 1 + 10 + 1 + 32 + 1;

/**
 * What the start-up check sets aside for `principalId` and `context`: a Cognito `sub` and the default
 * context with a few groups and scopes take 250 to 500 bytes; the per-request check counts them exactly.
 */
export const PRINCIPAL_AND_CONTEXT_BYTES = 1024;
