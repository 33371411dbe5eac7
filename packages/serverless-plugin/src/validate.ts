import {
  type CognitoVerifierOptions,
  ConfigError,
  createCognitoVerifier,
  type Jwks,
  parseRules,
  type RouteRule,
} from '@cogauth/core';
import { type CogauthSettings, isCfnValue } from './config.js';

// Stand-ins for CloudFormation references, which have no value until deploy: well-formed, so core
// checks everything around them.
const POOL_PLACEHOLDER = 'us-east-1_CfnReference';
const CLIENT_PLACEHOLDER = 'cfn-reference';

const SINGLE_FIELDS: Record<string, string> = {
  userPoolId: 'userPoolId',
  clientId: 'clientIds',
  tokenUse: 'tokenUse',
  issuer: 'issuer',
  jwksUri: 'jwksUri',
  graceSeconds: 'graceSeconds',
};

/** Core's field (`issuer[1]`, `options[2].jwksUri`, `jwks.keys[0]`) → the setting that holds it. */
function settingOf(field: string, settings: CogauthSettings, jwksField: string): string {
  if (settings.pools) return field.replace(/^options/, 'custom.cogauth.pools');
  if (field === 'jwks' || field.startsWith('jwks.')) return `${jwksField}${field.slice('jwks'.length)}`;
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? '';
  const setting = SINGLE_FIELDS[head];
  return setting === undefined
    ? `custom.cogauth.${field}`
    : `custom.cogauth.${setting}${field.slice(head.length)}`;
}

function rename(err: unknown, field: (inner: string) => string): unknown {
  if (!(err instanceof ConfigError)) return err;
  const detail = err.message.startsWith(`${err.field}: `)
    ? err.message.slice(err.field.length + 2)
    : err.message;
  return new ConfigError(field(err.field), detail);
}

/** The verifier options the authorizer will build from its environment, references replaced by placeholders. */
export function verifierOptionsOf(settings: CogauthSettings, jwks: Jwks | undefined): CognitoVerifierOptions {
  const poolId = settings.userPoolId;
  const ids = settings.clientIds ?? [];
  const options: CognitoVerifierOptions = {
    userPoolId: isCfnValue(poolId) || poolId === undefined ? POOL_PLACEHOLDER : poolId,
    clientId:
      ids.length === 1 && ids[0] === '*' ? null : ids.map((id) => (isCfnValue(id) ? CLIENT_PLACEHOLDER : id)),
    tokenUse: settings.tokenUse === 'any' ? null : settings.tokenUse,
  };
  if (Array.isArray(options.clientId) && options.clientId.includes('*'))
    throw new ConfigError('custom.cogauth.clientIds', '* cannot be combined with client ids');
  if (settings.issuer)
    options.issuer = settings.issuer.length === 1 ? (settings.issuer[0] as string) : settings.issuer;
  if (settings.jwksUri !== undefined) options.jwksUri = settings.jwksUri;
  if (settings.graceSeconds !== undefined) options.graceSeconds = settings.graceSeconds;
  if (jwks !== undefined) options.jwks = jwks;
  return options;
}

/**
 * Runs @cogauth/core's own checks on what the authorizer will start with: the verifier options (or each
 * pool) and the rules. Throws a ConfigError naming the `custom.cogauth…` setting. Returns the parsed rules.
 */
export function validateWithCore(
  settings: CogauthSettings,
  jwks: Jwks | undefined,
  jwksField: string,
): RouteRule[] {
  try {
    createCognitoVerifier(
      settings.pools ? (settings.pools as CognitoVerifierOptions[]) : verifierOptionsOf(settings, jwks),
    );
  } catch (err) {
    throw rename(err, (field) => settingOf(field, settings, jwksField));
  }
  try {
    return parseRules(settings.rules);
  } catch (err) {
    const where =
      settings.rulesSource.kind === 'file'
        ? `custom.cogauth.rulesFile (${settings.rulesSource.display}) `
        : 'custom.cogauth.';
    throw rename(err, (field) => `${where}${field}`);
  }
}
