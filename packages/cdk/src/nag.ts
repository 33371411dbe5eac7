import { type IAspect, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag (AwsSolutions) findings the construct acknowledges, with the reason. Nothing else is
 * acknowledged: every other finding on your stack stays yours to fix or acknowledge.
 */
export const NAG_REASONS = {
  runtime:
    'nodejs22.x on purpose: the @cogauth/core Lambda bundle is built for Node.js 22, an LTS line Lambda ' +
    'supports. Pass runtime: lambda.Runtime.NODEJS_24_X to run it on the newest runtime instead.',
  lambdaAuthorizer:
    'The method uses the cogauth Lambda authorizer, which verifies the Cognito user pool JWT (signature ' +
    'against the pool JWKS, issuer, token_use, client id, expiry) and enforces per-route group and scope ' +
    'rules that a COGNITO_USER_POOLS authorizer cannot express.',
} as const;

/** Acknowledges AwsSolutions-COG4 on exactly the REST methods that use one of the given authorizers. */
export class AcknowledgeCogauthMethods implements IAspect {
  constructor(private readonly authorizerIds: () => readonly string[]) {}

  visit(node: IConstruct): void {
    if (!(node instanceof apigw.CfnMethod) || node.authorizerId === undefined) return;
    if (!this.authorizerIds().includes(node.authorizerId)) return;
    Validations.of(node).acknowledge({ id: 'AwsSolutions-COG4', reason: NAG_REASONS.lambdaAuthorizer });
  }
}
