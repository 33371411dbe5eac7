import type { Outbox } from './delivery.js';
import { fail, missingParameter, notAuthorized } from './errors.js';
import type { AppClient, ExplicitAuthFlow } from './model.js';
import { secretHashOf } from './secret-hash.js';
import type { AuthSession, Pending, SessionState, Sessions } from './sessions.js';
import type { Store } from './store.js';
import type { AuthenticationResult, TokenIssuer } from './tokens.js';

/** What every operation handler works with. */
export interface Ctx {
  store: Store;
  sessions: Sessions;
  tokens: TokenIssuer;
  outbox: Outbox;
}

/** The members InitiateAuth and RespondToAuthChallenge answer with (both have the same shape). */
export interface AuthAnswer {
  ChallengeName?: string;
  ChallengeParameters: Record<string, string>;
  Session?: string;
  AvailableChallenges?: string[];
  AuthenticationResult?: AuthenticationResult;
}

/** Opens a session waiting for `pending` and answers with its challenge. */
export function ask(
  ctx: Ctx,
  state: SessionState,
  pending: Pending,
  parameters: Record<string, string>,
): AuthAnswer {
  const client = ctx.store.client(state.clientId);
  const session = ctx.sessions.open(state, pending, client.authSessionValidityMinutes);
  return { ChallengeName: pending.challenge, ChallengeParameters: parameters, Session: session.id };
}

/** The session's state without its id and challenge, to carry into the next step; ends the session. */
export function carry(ctx: Ctx, session: AuthSession): SessionState {
  ctx.sessions.end(session);
  const { id: _id, expiresAt: _expiresAt, pending: _pending, ...state } = session;
  return state;
}

export function requireFlow(client: AppClient, flow: ExplicitAuthFlow, name: string): void {
  if (!client.flows.has(flow))
    throw fail('InvalidParameterException', `${name} flow not enabled for this client`);
}

/**
 * SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id)), required in every AuthParameters
 * and ChallengeResponses of a client with a secret ("Computing secret hash values" in the developer guide);
 * the messages are Cognito's.
 */
export function checkSecretHash(client: AppClient, username: string, given: string | undefined): void {
  if (client.secret === undefined) return;
  if (given === undefined) {
    throw notAuthorized(`Client ${client.id} is configured with secret but SECRET_HASH was not received`);
  }
  if (given !== secretHashOf(client.secret, username, client.id)) {
    throw notAuthorized(`Unable to verify secret hash for client ${client.id}`);
  }
}

/** Every challenge answer names the user (USERNAME, the username or an alias of it) and, with a secret, hashes it. */
export function checkAnswerUser(ctx: Ctx, session: AuthSession, responses: Record<string, string>): void {
  const name = responses.USERNAME;
  if (name === undefined) throw missingParameter('USERNAME');
  checkSecretHash(ctx.store.client(session.clientId), name, responses.SECRET_HASH);
  if (session.username === undefined) return;
  const user = ctx.store.findUser(session.poolId, name);
  if (user?.username !== session.username) throw notAuthorized();
}
