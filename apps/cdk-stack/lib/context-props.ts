import type { App } from 'aws-cdk-lib';
import type { CogauthStackProps } from './cogauth-stack.js';

type ContextProps = Omit<CogauthStackProps, 'rules'>;

/** The `-c key=value` options `cdk synth` / `cdk deploy` accept, mapped to stack props. */
export const CONTEXT_KEYS = [
  'existingUserPoolId',
  'existingClientIds',
  'selfSignUp',
  'threatProtection',
  'mfa',
  'domainPrefix',
  'tokenUse',
  'authorizerTtl',
  'stageName',
  'apiGatewayCloudWatchRole',
  'webAclArn',
  'monitoring',
] as const;

function text(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new Error(`context ${key}: expected a string, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

function oneOf<T extends string>(app: App, key: string, allowed: readonly T[]): T | undefined {
  const value = text(app, key);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`context ${key}: must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function flag(app: App, key: string): boolean | undefined {
  const value = oneOf(app, key, ['true', 'false']);
  return value === undefined ? undefined : value === 'true';
}

/** Reads stack props from CDK context; a bad value throws an error naming the context key. */
export function propsFromContext(app: App): ContextProps {
  const props: { -readonly [K in keyof ContextProps]: ContextProps[K] } = {};
  const existingUserPoolId = text(app, 'existingUserPoolId');
  if (existingUserPoolId !== undefined) props.existingUserPoolId = existingUserPoolId;
  const clientIds = text(app, 'existingClientIds');
  if (clientIds !== undefined) props.existingClientIds = clientIds.split(',').map((id) => id.trim());
  const selfSignUp = flag(app, 'selfSignUp');
  if (selfSignUp !== undefined) props.selfSignUpEnabled = selfSignUp;
  const threatProtection = oneOf(app, 'threatProtection', ['off', 'audit', 'enforced'] as const);
  if (threatProtection !== undefined) props.threatProtection = threatProtection;
  const mfa = oneOf(app, 'mfa', ['optional', 'required'] as const);
  if (mfa !== undefined) props.mfa = mfa;
  const domainPrefix = text(app, 'domainPrefix');
  if (domainPrefix !== undefined) props.machineClient = { domainPrefix };
  const tokenUse = oneOf(app, 'tokenUse', ['access', 'id', 'any'] as const);
  if (tokenUse !== undefined) props.tokenUse = tokenUse;
  const ttl = text(app, 'authorizerTtl');
  if (ttl !== undefined) {
    if (!/^\d+$/.test(ttl)) throw new Error(`context authorizerTtl: must be whole seconds, got "${ttl}"`);
    props.authorizerResultTtlSeconds = Number(ttl);
  }
  const stageName = text(app, 'stageName');
  if (stageName !== undefined) props.stageName = stageName;
  const cloudWatchRole = flag(app, 'apiGatewayCloudWatchRole');
  if (cloudWatchRole !== undefined) props.apiGatewayCloudWatchRole = cloudWatchRole;
  const webAclArn = text(app, 'webAclArn');
  if (webAclArn !== undefined) props.webAclArn = webAclArn;
  const monitoring = flag(app, 'monitoring');
  if (monitoring !== undefined) props.monitoring = monitoring;
  return props;
}
