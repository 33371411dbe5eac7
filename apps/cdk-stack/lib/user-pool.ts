import { parseUserPoolId } from '@cogauth/core/cognito';
import { SAMPLE_GROUPS } from '@cogauth/sample';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export type ThreatProtection = 'off' | 'audit' | 'enforced';

/** TOTP MFA only (no SMS, so no SMS role or spend). */
export type MfaMode = 'optional' | 'required';

/** A Cognito domain, a resource server and a machine-to-machine client for `client_credentials`. */
export interface MachineClientOptions {
  /** Prefix of the Cognito-hosted domain, `<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  /** @default 'cogauth' */
  readonly resourceServerIdentifier?: string;
  /** @default messages.read and messages.write */
  readonly scopes?: readonly { readonly name: string; readonly description: string }[];
}

export interface CogauthUserPoolProps {
  /** Import this pool instead of creating one; then no groups are created (they must exist). */
  readonly existingUserPoolId?: string;
  /** App client ids of the existing pool; when set no app client is created. */
  readonly existingClientIds?: readonly string[];
  readonly selfSignUpEnabled: boolean;
  readonly threatProtection: ThreatProtection;
  readonly mfa: MfaMode;
  readonly machineClient?: MachineClientOptions;
  readonly removalPolicy: RemovalPolicy;
}

const DEFAULT_SCOPES = [
  { name: 'messages.read', description: 'Read messages' },
  { name: 'messages.write', description: 'Write messages' },
] as const;

/** The user pool (created or imported), its groups and the clients whose tokens the authorizer accepts. */
export class CogauthUserPool extends Construct {
  readonly userPool: cognito.IUserPool;
  /** Set only when this construct created the pool. */
  readonly createdPool: cognito.UserPool | undefined;
  readonly appClientIds: readonly string[];
  readonly machineClient: cognito.UserPoolClient | undefined;
  readonly domain: cognito.UserPoolDomain | undefined;
  readonly groups: readonly cognito.CfnUserPoolGroup[];
  /** Region of the pool: the stack's region, or the prefix of an imported pool id. */
  readonly region: string | undefined;

  constructor(scope: Construct, id: string, props: CogauthUserPoolProps) {
    super(scope, id);
    if (props.existingClientIds !== undefined && props.existingUserPoolId === undefined) {
      throw new Error('existingClientIds: only valid together with existingUserPoolId');
    }
    if (props.existingClientIds?.length === 0) {
      throw new Error('existingClientIds: list at least one app client id');
    }

    if (props.existingUserPoolId !== undefined) {
      const parts = parseUserPoolId(props.existingUserPoolId);
      if (parts?.region === undefined) {
        throw new Error(
          `existingUserPoolId: "${props.existingUserPoolId}" is not a user pool id like us-east-1_AbC123`,
        );
      }
      this.region = parts.region;
      this.userPool = cognito.UserPool.fromUserPoolId(this, 'Pool', props.existingUserPoolId);
      this.createdPool = undefined;
      this.groups = [];
    } else {
      this.region = undefined;
      this.createdPool = this.createPool(props);
      this.userPool = this.createdPool;
      this.groups = SAMPLE_GROUPS.map(
        (name) =>
          new cognito.CfnUserPoolGroup(this, `Group-${name}`, {
            userPoolId: this.userPool.userPoolId,
            groupName: name,
            description: `cogauth sample group ${name}`,
          }),
      );
    }

    if (props.existingClientIds !== undefined) {
      this.appClientIds = [...props.existingClientIds];
    } else {
      const client = this.userPool.addClient('AppClient', {
        generateSecret: false,
        authFlows: { userSrp: true, userPassword: true },
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(30),
      });
      this.appClientIds = [client.userPoolClientId];
    }

    if (props.machineClient !== undefined) {
      const m2m = props.machineClient;
      this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: m2m.domainPrefix } });
      const scopes = (m2m.scopes ?? DEFAULT_SCOPES).map(
        (s) => new cognito.ResourceServerScope({ scopeName: s.name, scopeDescription: s.description }),
      );
      const server = this.userPool.addResourceServer('ResourceServer', {
        identifier: m2m.resourceServerIdentifier ?? 'cogauth',
        scopes,
      });
      this.machineClient = this.userPool.addClient('MachineClient', {
        generateSecret: true,
        authFlows: {},
        oAuth: {
          flows: { clientCredentials: true },
          scopes: scopes.map((s) => cognito.OAuthScope.resourceServer(server, s)),
        },
        preventUserExistenceErrors: true,
        accessTokenValidity: Duration.hours(1),
      });
    } else {
      this.domain = undefined;
      this.machineClient = undefined;
    }
  }

  private createPool(props: CogauthUserPoolProps): cognito.UserPool {
    // Threat protection needs the Plus feature plan, billed per monthly active user: opt-in.
    const plan =
      props.threatProtection === 'off'
        ? { featurePlan: cognito.FeaturePlan.ESSENTIALS }
        : {
            featurePlan: cognito.FeaturePlan.PLUS,
            standardThreatProtectionMode:
              props.threatProtection === 'enforced'
                ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
                : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
          };
    return new cognito.UserPool(this, 'Pool', {
      selfSignUpEnabled: props.selfSignUpEnabled,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: props.mfa === 'required' ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.removalPolicy,
      ...plan,
    });
  }
}
