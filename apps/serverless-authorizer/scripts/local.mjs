// Starts the local stack (cognito-local + serverless offline + the real authorizer bundle) and keeps it
// up until Ctrl-C. It writes shell variables for curl (the URLs, the pool and the users' access tokens)
// to a file another shell can source, and prints them without the tokens:
//
//   node scripts/local.mjs [--write-env .local.env]
//
// The file is created with mode 600 and removed on exit. Tokens live 24 h (cognito-local's lifetime).
import { chmod, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SAMPLE_POOL } from '@cogauth/sample';
import { startLocalStack } from '@cogauth/test-fixtures';

const { values } = parseArgs({ options: { 'write-env': { type: 'string', default: '.local.env' } } });
const envFile = resolve(values['write-env']);

const stack = await startLocalStack({
  serviceDir: fileURLToPath(new URL('..', import.meta.url)),
  ...SAMPLE_POOL,
});
let stopping = false;
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  await rm(envFile, { force: true });
  process.exit(code);
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
// The fixtures unref the stack's processes, so this is what keeps the script up until Ctrl-C (as in
// scripts/dev.mjs); a process of the stack that dies ends it.
setInterval(() => {
  for (const pid of [stack.cognito.pid, stack.offline.pid]) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (error.code === 'EPERM') continue;
      console.error(`a process of the local stack (pid ${pid}) stopped by itself`);
      shutdown(1);
      return;
    }
  }
}, 1000);

try {
  const lines = [
    `REST=${stack.restUrl}`,
    `HTTP=${stack.httpApiUrl}`,
    `POOL_ID=${stack.pool.poolId}`,
    `CLIENT_ID=${stack.client.clientId}`,
    `ISSUER=${stack.pool.issuer}`,
    `COGNITO_ENDPOINT=${stack.cognito.endpoint}`,
  ];
  const tokens = Object.values(stack.users).map((u) => `${u.username.toUpperCase()}=${u.tokens.accessToken}`);
  await writeFile(envFile, `${[...lines, ...tokens].join('\n')}\n`, { mode: 0o600 });
  await chmod(envFile, 0o600);
  console.log(lines.join('\n'));
  console.log(`READER, WRITER, ADMIN: access tokens, in ${envFile}`);
  console.log(`\n. ${envFile}  # in another shell, then curl; Ctrl-C here stops everything`);
} catch (error) {
  console.error(error);
  await shutdown(1);
}
