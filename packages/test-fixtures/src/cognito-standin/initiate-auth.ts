import { startUserAuth } from './choice.js';
import { type AuthAnswer, type Ctx, requireFlow } from './context.js';
import { fail, notAuthorized } from './errors.js';
import { proceed } from './flow.js';
import { type Body, requiredString, stringMap } from './input.js';
import { askPasswordVerifier, identify, joinDevice, newState, passwordSignIn } from './password-factor.js';
import { refreshSignIn } from './refresh.js';

// InitiateAuth (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html):
// AuthFlow, ClientId, AuthParameters (USERNAME, SRP_A, PASSWORD, REFRESH_TOKEN, SECRET_HASH, DEVICE_KEY,
// PREFERRED_CHALLENGE, CHALLENGE_NAME), ClientMetadata, AnalyticsMetadata, UserContextData, Session. Each flow
// needs its ExplicitAuthFlows entry on the app client ("<FLOW> flow not enabled for this client");
// ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH belong to AdminInitiateAuth and are refused here.

const AUTH_FLOWS = [
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'CUSTOM_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
  'USER_AUTH',
];

export function initiateAuth(ctx: Ctx, body: Body): AuthAnswer {
  const flow = requiredString(body, 'AuthFlow');
  const client = ctx.store.client(requiredString(body, 'ClientId', 128));
  const params = stringMap(body, 'AuthParameters');
  const pool = ctx.store.pool(client.poolId);
  switch (flow) {
    case 'USER_SRP_AUTH': {
      requireFlow(client, 'ALLOW_USER_SRP_AUTH', flow);
      const user = identify(ctx, pool, client, params);
      const state = newState(client, flow, user);
      joinDevice(ctx, state, user, params.DEVICE_KEY);
      return askPasswordVerifier(ctx, state, pool, user, { name: params.USERNAME ?? '', srpA: params.SRP_A });
    }
    case 'USER_PASSWORD_AUTH': {
      requireFlow(client, 'ALLOW_USER_PASSWORD_AUTH', flow);
      const user = identify(ctx, pool, client, params);
      const state = newState(client, flow, user);
      joinDevice(ctx, state, user, params.DEVICE_KEY);
      return passwordSignIn(ctx, state, pool, user, params.PASSWORD);
    }
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshSignIn(ctx, client, params);
    case 'CUSTOM_AUTH':
      return customAuth(ctx, body, params);
    case 'USER_AUTH':
      requireFlow(client, 'ALLOW_USER_AUTH', flow);
      return startUserAuth(ctx, pool, client, params);
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      throw fail('InvalidParameterException', 'Initiate Auth method not supported.');
    default:
      throw fail(
        'InvalidParameterException',
        `1 validation error detected: Value '${flow.slice(0, 64)}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${AUTH_FLOWS.join(', ')}]`,
      );
  }
}

/** CUSTOM_AUTH: the custom challenge, after a PASSWORD_VERIFIER when AuthParameters has CHALLENGE_NAME SRP_A. */
function customAuth(ctx: Ctx, body: Body, params: Record<string, string>): AuthAnswer {
  const client = ctx.store.client(requiredString(body, 'ClientId', 128));
  requireFlow(client, 'ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH');
  const pool = ctx.store.pool(client.poolId);
  const user = identify(ctx, pool, client, params);
  const state = newState(client, 'CUSTOM_AUTH', user);
  if (params.CHALLENGE_NAME === 'SRP_A') {
    return askPasswordVerifier(ctx, state, pool, user, { name: params.USERNAME ?? '', srpA: params.SRP_A });
  }
  if (!user) throw notAuthorized();
  return proceed(ctx, state);
}
