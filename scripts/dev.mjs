// `pnpm dev`: cognito-local + `serverless offline` with the real authorizer, kept up until Ctrl-C.
// Prints the URLs, the pool and client ids, ready-made `cogauth login` commands and curl lines.
// The sample users' passwords are fixed demo values for this throw-away local pool, nothing more.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeUserProfile } from '../apps/token-cli/dist/user-config.js';
import { SAMPLE_POOL, SAMPLE_RULES_FILE } from '../packages/sample/dist/index.js';
import { startLocalStack } from '../packages/test-fixtures/dist/index.js';

const COGAUTH = relative(
  process.cwd(),
  fileURLToPath(new URL('../apps/token-cli/bin/cogauth.js', import.meta.url)),
);

const stack = await startLocalStack({
  serviceDir: fileURLToPath(new URL('../apps/serverless-authorizer', import.meta.url)),
  ...SAMPLE_POOL,
});
let stopping = false;
const shutdown = (code) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping serverless offline and cognito-local…\n');
  stack.stop().finally(() => process.exit(code));
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const login = (user) =>
  `printf '%s' '${user.password}' | node ${COGAUTH} login --endpoint ${stack.cognito.endpoint} ` +
  `--user-pool-id ${stack.pool.poolId} --client-id ${stack.client.clientId} ` +
  `--auth-flow USER_PASSWORD_AUTH -u ${user.username} --password-stdin --print access`;

// A `local` profile in the user's own cogauth config (trusted, unlike a file in the repository), so
// `cogauth login --profile local` and `cogauth token --profile local` need no flags.
const profile = writeUserProfile(process.env, 'local', {
  endpoint: stack.cognito.endpoint,
  userPoolId: stack.pool.poolId,
  clientId: stack.client.clientId,
  authFlow: 'USER_PASSWORD_AUTH',
});

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

A cogauth profile "local" for this pool is in ${profile.path}${profile.madeDefault ? ' (now your default profile)' : ''}:
  node ${COGAUTH} login --profile local -u writer          # password: ${writer.password}
  curl -H "Authorization: Bearer $(node ${COGAUTH} token --profile local)" ${stack.restUrl}/messages
  node ${COGAUTH} whoami --profile local
Every call's authorizer decision is printed below as it happens.

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
