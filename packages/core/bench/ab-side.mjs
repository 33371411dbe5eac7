// One side of bench/ab.mjs: the operations of its scenarios on one build, and the loop that times them.
// ab.mjs imports this file once per side (`ab-side.mjs?a`, `?b`), so each side runs its own copy of this
// code: V8 shares type feedback and optimized code between closures of one function literal, and a loop or
// closure shared by both sides would be compiled for the mix of both builds, favouring one of them.

/** Runs operations `from` to `from + count - 1`; returns the next index. */
export async function run(f, sync, from, count) {
  if (sync) for (let i = from; i < from + count; i++) f(i);
  else for (let i = from; i < from + count; i++) await f(i);
  return from + count;
}

/** The operation for request i of scenario `name` on the build `lib`, with the fixtures `fx` of ab.mjs. */
export function operation(name, lib, fx) {
  const one = (options = {}, settings = {}) =>
    lib.createCognitoVerifier(
      { userPoolId: fx.pools[0], clientId: fx.client, tokenUse: 'access', jwks: fx.jwks, ...options },
      { jwksOffline: true, ...settings },
    );
  const eight = (settings = {}) =>
    lib.createCognitoVerifier(
      fx.pools.map((userPoolId) => ({ userPoolId, clientId: fx.client, tokenUse: 'access', jwks: fx.jwks })),
      { jwksOffline: true, ...settings },
    );
  const handleEach = (verifier, list) => {
    const h = lib.createAuthorizer({ verifier, rules: fx.rules });
    // A refusal (API Gateway's `Unauthorized`) is an answer too.
    return (i) => h(list[i % list.length]).catch(() => undefined);
  };
  const hits = { cache: { maxEntries: 4096 } };
  switch (name) {
    case 'verify-miss':
      return verifyEach(one(), fx.distinct);
    case 'verify-miss-large-cache':
      return verifyEach(one({ jwks: fx.ecJwks }, { cache: { maxEntries: fx.largeCache } }), fx.many());
    case 'verify-nocache':
      return verifyEach(one({}, { cache: false }), fx.distinct);
    case 'verify-hit':
      return verifyEach(one(), fx.distinct.slice(0, 500));
    case 'verify-hit-same': {
      const verifier = one();
      const token = fx.distinct[0];
      return () => verifier.verify(token);
    }
    case 'verifySync-hit-same': {
      const verifier = one();
      const token = fx.distinct[0];
      return () => verifier.verifySync(token);
    }
    case 'verifySync-hit':
      return verifySyncEach(one(), fx.distinct.slice(0, 500));
    case 'verifySync-hit-customCheck':
      return verifySyncEach(one({ customCheck: () => {} }), fx.distinct.slice(0, 500));
    case 'kids-300-nocache':
      return verifyEach(one({ jwks: fx.manyKids }, { cache: false }), fx.kidTokens);
    case 'pools8-last-nocache':
      return verifyEach(eight({ cache: false }), fx.lastPool);
    case 'pools8-last-hit':
      return verifySyncEach(eight(), fx.lastPool);
    case 'pools8-unknown-issuer':
      return refuseEach(eight(), fx.otherPool);
    case 'handler-miss':
      return handleEach(one({}, { cache: false }), fx.events);
    case 'handler-new-claims':
      return newClaims(one({}, { cache: false }), fx.distinct.slice(0, 500)).then((verifier) =>
        handleEach(verifier, fx.events.slice(0, 500)),
      );
    case 'handler-hit':
      return handleEach(one({}, hits), fx.events.slice(0, 500));
    case 'handler-hit-escapes':
      return handleEach(one({}, hits), fx.escapedEvents);
    case 'handler-malformed':
      return handleEach(one(), fx.malformed);
  }
  throw new Error(`no scenario ${name}`);
}

// The verifier gets each token as a fresh string, cut from a header as a handler does: a string used
// again keeps its hash in V8, a fresh one from a request does not.
function cycle(list) {
  const headers = list.map((t) => `Bearer ${t}`);
  return (i) => headers[i % headers.length].slice(7);
}

function verifyEach(verifier, list) {
  const t = cycle(list);
  return (i) => verifier.verify(t(i));
}

function verifySyncEach(verifier, list) {
  const t = cycle(list);
  return (i) => verifier.verifySync(t(i));
}

function refuseEach(verifier, list) {
  const t = cycle(list);
  return (i) => {
    try {
      verifier.verifySync(t(i));
    } catch {
      return;
    }
    throw new Error('accepted a token it must refuse');
  };
}

/** A verifier that returns a new frozen copy of real claims on each call: no crypto, no memo hit. */
async function newClaims(verifier, tokens) {
  const claims = await Promise.all(tokens.map((t) => verifier.verify(t)));
  let counter = 0;
  return { verify: async () => Object.freeze({ ...claims[counter++ % claims.length] }) };
}
