// `pnpm dev`: cognito-local + `serverless offline` with the real authorizer, kept up until Ctrl-C.
// Prints the URLs, the pool and client ids, ready-made `cogauth login` commands and curl lines.
// The sample users' passwords are fixed demo values for this throw-away local pool, nothing more.
// It uses the apps only through their public doors: the `cogauth` binary, the sample's and the test
// fixtures' package entry points.
import { execFile } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SAMPLE_POOL, SAMPLE_RULES_FILE } from '../packages/sample/dist/index.js';
import { startLocalStack } from '../packages/test-fixtures/dist/index.js';

const BIN = fileURLToPath(new URL('../apps/token-cli/bin/cogauth.js', import.meta.url));
const COGAUTH = relative(process.cwd(), BIN);

let stack;
let stopping = false;
// Ctrl-C during the start too: process.exit runs the fixtures' exit hooks, which stop what has started.
const shutdown = (code) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping serverless offline and cognito-local…\n');
  (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
stack = await startLocalStack({
  serviceDir: fileURLToPath(new URL('../apps/serverless-authorizer', import.meta.url)),
  ...SAMPLE_POOL,
});

// The fixtures unref the stack's processes (they never hold a test runner open), so nothing else keeps this
// process alive: this watch does, until Ctrl-C. A process of the stack that dies ends `pnpm dev` with it.
const running = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};
setInterval(() => {
  for (const [name, pid] of [
    ['cognito-local', stack.cognito.pid],
    ['serverless offline', stack.offline.pid],
  ]) {
    if (running(pid)) continue;
    process.stderr.write(`\n${name} (pid ${pid}) stopped by itself.\n`);
    shutdown(1);
    return;
  }
}, 1000);

const login = (user) =>
  `printf '%s' '${user.password}' | node ${COGAUTH} login --endpoint ${stack.cognito.endpoint} ` +
  `--user-pool-id ${stack.pool.poolId} --client-id ${stack.client.clientId} ` +
  `--auth-flow USER_PASSWORD_AUTH -u ${user.username} --password-stdin --print access`;

/**
 * A `local` profile in the user's own cogauth config (trusted, unlike a file in the repository), written by
 * `cogauth config set-profile`, so `cogauth login --profile local` and `cogauth token --profile local` need
 * no flags. Undefined, with the reason on stderr, when the CLI refuses (a config file it cannot read).
 */
async function writeLocalProfile() {
  try {
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      [
        BIN,
        'config',
        'set-profile',
        'local',
        '--endpoint',
        stack.cognito.endpoint,
        '--user-pool-id',
        stack.pool.poolId,
        '--client-id',
        stack.client.clientId,
        '--auth-flow',
        'USER_PASSWORD_AUTH',
        '--json',
      ],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout);
  } catch (error) {
    const why = String(error.stderr ?? error.message).trim();
    process.stderr.write(`No "local" cogauth profile was written: ${why}\n`);
    return undefined;
  }
}
const profile = await writeLocalProfile();

// The authorizer's decision line for every call as it happens (decision, reason, route, principal: the
// authorizer never logs the token).
let seen = stack.offline.output().length;
setInterval(() => {
  const output = stack.offline.output();
  const fresh = output.slice(seen);
  const end = fresh.lastIndexOf('\n');
  if (end < 0) return;
  seen += end + 1;
  for (const line of fresh.slice(0, end).split('\n')) {
    if (!line.includes('cogauth authorizer decision')) continue;
    try {
      const d = JSON.parse(line.slice(line.indexOf('{')));
      process.stdout.write(
        `authorizer: ${d.decision} ${d.reason} ${d.route ?? '-'} principal=${d.principal ?? '-'} (${d.latencyMs} ms)\n`,
      );
    } catch {
      // not a complete decision line
    }
  }
}, 200).unref();

const { reader, writer, admin } = stack.users;
const pool = `--endpoint ${stack.cognito.endpoint} --user-pool-id ${stack.pool.poolId} --client-id ${stack.client.clientId}`;
process.stdout.write(`
cogauth local stack is up (Ctrl-C stops everything)

  Cognito (cognito-local)  ${stack.cognito.endpoint}
  user pool id             ${stack.pool.poolId}
  app client id            ${stack.client.clientId}
  issuer                   ${stack.pool.issuer}
  REST API                 ${stack.restUrl}
  HTTP API                 ${stack.httpApiUrl}
  users                    reader (readers), writer (readers, writers), admin (readers, writers, admin)

${profileLines(profile, writer)}Every call's authorizer decision is printed below as it happens.

Or log in without a session (the token goes to stdout only):
  READER=$(${login(reader)})
  WRITER=$(${login(writer)})
  ADMIN=$(${login(admin)})

Call the API:
  curl -i ${stack.restUrl}/messages                                            # 401: no token
  curl -i -H "Authorization: Bearer $READER" ${stack.restUrl}/messages         # 200
  curl -i -H "Authorization: Bearer $READER" -X POST -d '{"text":"hi"}' ${stack.restUrl}/messages   # 403
  curl -i -H "Authorization: Bearer $WRITER" -X POST -d '{"text":"hi"}' ${stack.restUrl}/messages   # 200
  curl -i -H "Authorization: Bearer $ADMIN" -X DELETE ${stack.restUrl}/messages/1    # 200
  curl -s -H "Authorization: Bearer $WRITER" ${stack.httpApiUrl}/me            # the authorizer context

Inspect a token, or explain a 403 without deploying:
  node ${COGAUTH} verify ${pool} "$READER"
  node ${COGAUTH} check ${pool} --rules ${relative(process.cwd(), SAMPLE_RULES_FILE)} --route "POST /messages" "$READER"
`);

function profileLines(written, writer) {
  if (written === undefined) return '';
  return `A cogauth profile "local" for this pool is in ${written.path}${written.madeDefault ? ' (now your default profile)' : ''}:
  node ${COGAUTH} login --profile local -u writer          # password: ${writer.password}
  curl -H "Authorization: Bearer $(node ${COGAUTH} token --profile local)" ${stack.restUrl}/messages
  node ${COGAUTH} whoami --profile local
`;
}
