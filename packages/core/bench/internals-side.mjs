// One side of bench/internals.mjs: its cases on one source tree's internals `L`, and the timing loop.
// internals.mjs imports this file once per side (`?a`, `?b`) so that each side runs its own copy of this
// code (see ab-side.mjs for why).

// What each call returns is kept, so the compiler cannot drop a call whose result goes unused.
export let sink;

/** Runs operations `from` to `from + count - 1`; returns the next index. */
export function run(f, from, count) {
  for (let i = from; i < from + count; i++) sink = f(i);
  return from + count;
}

/** The operation for input i of case `name`, with the fixtures `fx` of internals.mjs. */
export function operation(name, L, fx) {
  switch (name) {
    case 'parse-distinct':
      return each(fresh(fx.distinct), L.parseToken);
    case 'parse-300-headers':
      return each(fresh(fx.manyHeaders), L.parseToken);
    case 'verified-header':
      return each(fresh(fx.distinct), L.verifiedHeader);
    case 'cache-hit':
      return cacheHit(L, fx.distinct);
    case 'cache-hit-same':
      return cacheHit(L, fx.distinct, 1);
    case 'cache-miss-insert':
      return cacheMissInsert(L, fx.distinct);
    case 'cache-miss-insert-10k':
      return fullCacheMisses(L, 10000);
    case 'cache-miss-insert-100k':
      return fullCacheMisses(L, 100000);
    case 'issuer-1':
      return issuerLookup(L, fx.issuers.slice(0, 1), fx.freshIssuers(0));
    case 'issuer-8-last':
      return issuerLookup(L, fx.issuers, fx.freshIssuers(7));
    case 'issuer-8-last-same': {
      const iss = JSON.parse(`"${fx.issuers[7]}"`);
      return issuerLookup(L, fx.issuers, () => iss);
    }
    case 'log-allow':
      return logLine(L, fx.allow);
    case 'log-refusal':
      return logLine(L, fx.refusal);
    case 'log-escapes':
      return logLine(L, fx.escapes);
  }
  throw new Error(`no case ${name}`);
}

/** Calls `f` on the i-th input. */
function each(input, f) {
  return (i) => f(input(i));
}

// Tokens reach the verifier as fresh strings cut from a header: V8 keeps the hash of a string used again.
function fresh(headers) {
  return (i) => headers[i % headers.length].slice(7);
}

/** Hits on `count` cached tokens, each a fresh string, or one string again and again when count is 1. */
function cacheHit(L, headers, count = 500) {
  const cache = new L.ResultCache(1000);
  for (let i = 0; i < count; i++) cache.set(headers[i].slice(7), i, 9e15, 0);
  const same = Buffer.from(headers[0].slice(7)).toString(); // a flat string, as a signed token is
  const input = count === 1 ? () => same : fresh(headers.slice(0, count));
  return each(input, (token) => {
    if (cache.get(token, 1) === undefined) throw new Error('miss');
  });
}

function cacheMissInsert(L, headers) {
  const cache = new L.ResultCache(1000);
  let n = 0;
  return each(fresh(headers), (token) => {
    if (cache.get(token, 1) !== undefined) throw new Error('hit');
    cache.set(token, n++, 9e15, 1);
  });
}

/** Misses that each insert one entry into a full cache of `max` (short keys: eviction does not read them). */
function fullCacheMisses(L, max) {
  const cache = new L.ResultCache(max);
  const keys = Array.from({ length: max * 3 }, (_, i) => `token-${i.toString(36).padStart(10, '0')}`);
  for (const k of keys) cache.set(k, 1, 9e15, 1);
  return (i) => {
    const k = keys[i % keys.length];
    if (cache.get(k, 1) !== undefined) throw new Error('hit');
    cache.set(k, 1, 9e15, 1);
  };
}

function issuerLookup(L, pools, iss) {
  // What PoolIndex reads of a pool.
  const index = new L.PoolIndex(
    pools.map((issuer) => ({ issuers: [issuer], checks: { customCheck: null }, place: [] })),
  );
  return each(iss, (s) => index.poolOf(s));
}

function logLine(L, entries) {
  return (i) => L.formatDecisionLog(entries[i % entries.length]);
}
