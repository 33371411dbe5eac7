// Answer sizes: what the authorizer returns for 50 and 400 rules, before compaction (every rule's resources,
// as on main before issue 22) and after (kept-resources.ts and compact.ts), whole (all-routes) and per
// request, and whether the start-up check lets the whole answer through. Sizes are JSON bytes of the
// returned object with a real ARN prefix (59 characters), the caller holding every rule, its default context.
// Run: node packages/core/bench/answer-size.mjs (builds what it needs from src/ with esbuild; no dist needed)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'cogauth-answer-size-'));
const entry = [
  `export { createAuthorizer } from ${JSON.stringify(join(root, 'src/index.ts'))};`,
  `export { compactResources } from ${JSON.stringify(join(root, 'src/answer/compact.ts'))};`,
  `export { RouteAccess } from ${JSON.stringify(join(root, 'src/decide/route-access.ts'))};`,
  `export { compileParsedRules } from ${JSON.stringify(join(root, 'src/decide/rules.ts'))};`,
].join('\n');
await build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(tmp, 'internals.mjs'),
  logLevel: 'warning',
});
const { createAuthorizer, compactResources, RouteAccess, compileParsedRules } = await import(
  pathToFileURL(join(tmp, 'internals.mjs')).href
);
rmSync(tmp, { recursive: true, force: true });

const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';
const claims = Object.freeze({
  sub: 'a1b2c3d4-0000-4111-8222-333344445555',
  token_use: 'access',
  username: 'bench-user',
  client_id: '1example23456789abcdefghij',
  scope: 'openid aws.cognito.signin.user.admin',
  'cognito:groups': ['admin', 'writers'],
});
const verifier = { verify: async () => claims };

/** Flat: per resource, the collection's GET and POST, the item's GET, PUT and DELETE (tests/helpers/rule-sets.ts). */
function flat(n) {
  const shapes = [
    ['GET', ''],
    ['POST', ''],
    ['GET', '/{id}'],
    ['PUT', '/{id}'],
    ['DELETE', '/{id}'],
  ];
  const rules = [];
  for (let i = 0; rules.length < n; i++) {
    const [verb, tail] = shapes[i % 5];
    const route = `${verb} /api/v1/resource${Math.floor(i / 5)}${tail}`;
    if (verb === 'DELETE') rules.push({ route, groups: ['admin'] });
    else if (verb === 'GET') rules.push({ route });
    else rules.push({ route, groups: ['writers', 'admin'] });
  }
  return rules;
}

/** Nested: per resource, public reads, a writers' POST, and admins' ANY catch-all with a DELETE inside it. */
function nested(n) {
  const rules = [];
  for (let k = 0; rules.length < n; k++) {
    const r = `/api/v1/resource${k}`;
    rules.push(
      { route: `GET ${r}` },
      { route: `GET ${r}/{id}` },
      { route: `POST ${r}`, groups: ['writers'] },
      { route: `ANY ${r}/{proxy+}`, groups: ['admin'] },
      { route: `DELETE ${r}/{id}`, groups: ['admin'] },
    );
  }
  return rules.slice(0, n);
}

/** JSON bytes of the answer the handler builds for these lists (an allowed request: no Deny for it). */
function bytesOf(allow, deny, context) {
  const Statement = [];
  if (allow.length) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allow });
  if (deny.length) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny });
  const answer = { principalId: claims.sub, policyDocument: { Version: '2012-10-17', Statement }, context };
  return Buffer.byteLength(JSON.stringify(answer));
}

/** A concrete request for each rule's route (`{id}` → 42, `{proxy+}` → a/b). */
function requestsOf(rules) {
  return rules
    .filter((r) => r.route !== '$connect')
    .map((r) =>
      r.route.replace('ANY ', 'GET ').replace(' /', '/').replace('{id}', '42').replace('{proxy+}', 'a/b'),
    );
}

async function measure(family, n) {
  const rules = family === 'flat' ? flat(n) : nested(n);
  const compiled = compileParsedRules(rules);
  const access = new RouteAccess(compiled);
  const { grant } = access.callerOf(claims);
  const prefix = (list) => list.map((s) => PREFIX + s);
  const context = (
    await createAuthorizer({ verifier, rules, logger: () => {}, answerMode: 'per-request' })({
      type: 'TOKEN',
      authorizationToken: 'Bearer x.y.z',
      methodArn: PREFIX + requestsOf(rules)[0],
    })
  ).context;
  const before = {
    allow: grant.http.flatMap((r) => r.resources),
    deny: grant.denies,
  };
  const after = compactResources(access.policyOf(grant));
  let accepted = 'yes';
  try {
    createAuthorizer({ verifier, rules, logger: () => {} });
  } catch (error) {
    accepted = `refused (bound ${/could reach (\d+) bytes/.exec(error.message)?.[1]} B)`;
  }
  const perRequest = createAuthorizer({ verifier, rules, logger: () => {}, answerMode: 'per-request' });
  let largest = 0;
  for (const route of requestsOf(rules)) {
    const answer = await perRequest({
      type: 'TOKEN',
      authorizationToken: 'Bearer x.y.z',
      methodArn: PREFIX + route,
    });
    largest = Math.max(largest, Buffer.byteLength(JSON.stringify(answer)));
  }
  return {
    family,
    n,
    resourcesBefore: before.allow.length + before.deny.length,
    bytesBefore: bytesOf(prefix(before.allow), prefix(before.deny), context),
    resourcesAfter: after.allow.length + after.deny.length,
    bytesAfter: bytesOf(prefix(after.allow), prefix(after.deny), context),
    accepted,
    perRequest: largest,
  };
}

const rows = [];
for (const family of ['flat', 'nested']) for (const n of [50, 400]) rows.push(await measure(family, n));

console.log(`Node ${process.version}, ARN prefix ${PREFIX.length} characters, caller holding every rule\n`);
console.log(
  '| rule set | resources before / after compaction | whole answer before / after (bytes) | whole answer at start-up | largest per-request answer (bytes) |',
);
console.log('| --- | ---: | ---: | --- | ---: |');
for (const r of rows)
  console.log(
    `| ${r.family}, ${r.n} rules | ${r.resourcesBefore} / ${r.resourcesAfter} | ${r.bytesBefore} / ${r.bytesAfter} | ${r.accepted} | ${r.perRequest} |`,
  );
