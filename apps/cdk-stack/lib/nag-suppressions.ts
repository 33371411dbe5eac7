import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Every cdk-nag (AwsSolutions) finding this stack accepts, with the reason. Tests assert that each
 * acknowledgement carries a reason and that nothing else is acknowledged.
 */
export const NAG_REASONS = {
  runtime:
    'nodejs22.x on purpose: the sample backend is built for node22, like the authorizer bundle it runs ' +
    'beside, and the Serverless flavour deploys the same bytes on nodejs22.x; both flavours move to a newer ' +
    'runtime together. Node.js 22 is an LTS line supported by Lambda.',
  apiGatewayLogsRole:
    'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy for the account-level role API Gateway ' +
    'uses to write REST API access and execution logs (AWS::ApiGateway::Account); it grants only CloudWatch ' +
    'Logs actions. Disable with apiGatewayCloudWatchRole: false when the account already has the role.',
  plusTier:
    'Threat protection needs the Plus feature plan, billed per monthly active user, so it is opt-in through ' +
    'the threatProtection prop (audit or enforced puts the pool on Plus). The pool still has a strong ' +
    'password policy, optional TOTP MFA and self sign-up disabled by default.',
  optionalMfa:
    'MFA is optional (TOTP) by default so that `cogauth login` works with a username and password for users ' +
    'who have not enrolled an authenticator; set mfa: "required" to enforce it for every user.',
  noWaf:
    'A web ACL is billed per ACL and per rule and its rules are workload-specific, so the sample stack does ' +
    'not create one; pass webAclArn to associate an existing regional WAFv2 web ACL. The stage is throttled ' +
    'and every method requires the authorizer.',
} as const;

export const AWS_MANAGED_LOGS_POLICY =
  'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

export interface NagScopes {
  /** The sample backends (the authorizer's own acknowledgements come from @cogauth/cdk). */
  readonly functions: readonly IConstruct[];
  readonly restCloudWatchRole: IConstruct | undefined;
  /** The created pool when it is not on the Plus plan; undefined otherwise. */
  readonly poolWithoutPlusPlan: IConstruct | undefined;
  /** The created pool when MFA is optional; undefined otherwise. */
  readonly poolWithOptionalMfa: IConstruct | undefined;
  /** The REST stage when no WAF web ACL is associated; undefined otherwise. */
  readonly restStageWithoutWaf: IConstruct | undefined;
}

export function applyNagSuppressions(scopes: NagScopes): void {
  for (const fn of scopes.functions) {
    Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: NAG_REASONS.runtime });
  }
  if (scopes.restCloudWatchRole !== undefined) {
    Validations.of(scopes.restCloudWatchRole).acknowledge({
      id: `AwsSolutions-IAM4[${AWS_MANAGED_LOGS_POLICY}]`,
      reason: NAG_REASONS.apiGatewayLogsRole,
    });
  }
  if (scopes.poolWithoutPlusPlan !== undefined) {
    Validations.of(scopes.poolWithoutPlusPlan).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: NAG_REASONS.plusTier,
    });
  }
  if (scopes.poolWithOptionalMfa !== undefined) {
    Validations.of(scopes.poolWithOptionalMfa).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: NAG_REASONS.optionalMfa,
    });
  }
  if (scopes.restStageWithoutWaf !== undefined) {
    Validations.of(scopes.restStageWithoutWaf).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: NAG_REASONS.noWaf,
    });
  }
}
