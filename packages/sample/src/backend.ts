import { type ApiEvent, type Caller, callerFromEvent } from './caller.js';
import { type JsonResponse, json } from './http.js';
import {
  addMessage,
  listMessages as allMessages,
  MAX_TEXT_LENGTH,
  deleteMessage as removeMessage,
} from './messages.js';

/**
 * The sample backend behind the cogauth authorizer. Every route trusts API Gateway to have run the
 * authorizer, and reads who the caller is only from the context that the authorizer returned.
 */
type RouteHandler = (event: ApiEvent, caller: Caller) => JsonResponse;

function withCaller(route: RouteHandler): (event: ApiEvent) => Promise<JsonResponse> {
  return async (event) => {
    const caller = callerFromEvent(event);
    // Fail closed: a route deployed without the authorizer must not serve anyone.
    if (caller === undefined) return json(500, { message: 'authorizer context missing' });
    return route(event, caller);
  };
}

function bodyText(event: ApiEvent): string | undefined {
  if (typeof event.body !== 'string') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function messageText(event: ApiEvent): string | { error: string } {
  const raw = bodyText(event);
  if (raw === undefined || raw === '') return { error: 'body must be JSON: {"text": "..."}' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: 'body is not valid JSON' };
  }
  const text =
    typeof parsed === 'object' && parsed !== null ? (parsed as { text?: unknown }).text : undefined;
  if (typeof text !== 'string' || text.trim() === '') return { error: 'text must be a non-empty string' };
  if (text.length > MAX_TEXT_LENGTH) return { error: `text must be at most ${MAX_TEXT_LENGTH} characters` };
  return text;
}

/** GET /messages — any signed-in user. */
export const listMessages = withCaller(() => json(200, { messages: allMessages() }));

/** POST /messages — the seed's `postMessage`; the authorizer lets only group `writers` through. */
export const postMessage = withCaller((event, caller) => {
  const text = messageText(event);
  if (typeof text !== 'string') return json(400, { message: text.error });
  return json(200, { message: addMessage(text, caller.username ?? caller.sub) });
});

/** DELETE /messages/{id} — group `admin`. Idempotent: `deleted` tells whether this instance held it. */
export const deleteMessage = withCaller((event) => {
  const id = event.pathParameters?.id;
  if (id === undefined || id === '') return json(400, { message: 'message id missing' });
  return json(200, { id, deleted: removeMessage(id) });
});

/** GET /me — echoes the authorizer context. */
export const me = withCaller((_event, caller) => json(200, caller));
